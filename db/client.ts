import { AsyncLocalStorage } from 'node:async_hooks'
import { createClient, LibsqlError, type Client, type InStatement, type ResultSet, type Transaction } from '@libsql/client'

/** Fits both Client and Transaction, so a query runs inside or outside a transaction. */
export type Sql = { execute (stmt: InStatement): Promise<ResultSet> }

export interface DbOptions {
  /** Any libSQL URL: `file:data/lotline.db`, `:memory:`, `libsql://…`, `http(s)://…` */
  url: string
  authToken?: string
  /** How long a write waits for another process's write lock, in ms. Default 5000. */
  timeoutMs?: number
}

export interface Db {
  client: Client
  url: string
  /**
   * Runs `fn` in one write transaction. Every write in this process goes through this queue:
   * two write transactions from one process would fail at once with SQLITE_BUSY. Other
   * processes are kept out by SQLite's own lock (BEGIN IMMEDIATE waits up to `timeoutMs`).
   */
  write<T> (fn: (tx: Transaction) => Promise<T>): Promise<T>
  /** A consistent snapshot for several reads (a trace's walk and its details). */
  read<T> (fn: (tx: Transaction) => Promise<T>): Promise<T>
  close (): void
}

const BUSY_RETRIES = 5
const insideWrite = new AsyncLocalStorage<boolean>()

export function openDb ({ url, authToken, timeoutMs = 5000 }: DbOptions): Db {
  const client = createClient({ url, authToken, timeout: timeoutMs, intMode: 'number' })
  let queue: Promise<unknown> = Promise.resolve()
  // An in-memory database lives in its one connection: renewing it would empty it.
  const renew = async () => { if (!url.includes(':memory:')) await client.reconnect() }

  async function runWrite<T> (fn: (tx: Transaction) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      let tx: Transaction
      try {
        tx = await client.transaction('write')
      } catch (e) {
        if (!isBusy(e)) throw e
        // Another process held the lock past the busy timeout. The refused BEGIN stays "in progress"
        // on its pooled connection and would make every later COMMIT there fail ("SQL statements in
        // progress"), so the pool's connections are renewed before trying again.
        await renew()
        if (attempt < BUSY_RETRIES) { await sleep(20 * (attempt + 1)); continue }
        throw e
      }
      try {
        const result = await fn(tx)
        await tx.commit()
        return result
      } catch (e) {
        if (!tx.closed) await tx.rollback().catch(() => {})
        if (isBusy(e)) await renew()
        throw e
      } finally {
        tx.close()
      }
    }
  }

  return {
    client,
    url,
    write<T> (fn: (tx: Transaction) => Promise<T>): Promise<T> {
      // A write started inside another would wait for itself for ever: fail loudly instead.
      if (insideWrite.getStore()) return Promise.reject(new Error('db.write() called inside another db.write(): pass the transaction down instead'))
      const run = queue.then(() => insideWrite.run(true, () => runWrite(fn)))
      queue = run.catch(() => {})
      return run
    },
    async read<T> (fn: (tx: Transaction) => Promise<T>): Promise<T> {
      const tx = await client.transaction('read')
      try {
        return await fn(tx)
      } finally {
        tx.close()
      }
    },
    close: () => client.close()
  }
}

export function isBusy (e: unknown): boolean {
  return e instanceof LibsqlError && /SQLITE_BUSY|database is locked/i.test(`${e.code} ${e.message}`)
}

/** The extended SQLite code of a constraint failure, e.g. SQLITE_CONSTRAINT_UNIQUE, or null. */
export function constraintOf (e: unknown): string | null {
  if (!(e instanceof LibsqlError)) return null
  const text = `${e.extendedCode ?? ''} ${e.code} ${e.message}`
  const m = /SQLITE_CONSTRAINT_[A-Z]+/.exec(text)
  return m ? m[0] : (/SQLITE_CONSTRAINT/.test(text) ? 'SQLITE_CONSTRAINT' : null)
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

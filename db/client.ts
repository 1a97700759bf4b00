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
  /**
   * A libSQL server (http:, https:, libsql:) that accepts the connection and then never answers
   * would leave a request waiting for ever: each HTTP request is given up after this many ms
   * (default 30,000, well above the widest trace) and reported as the database being unreachable.
   */
  requestTimeoutMs?: number
}

export interface Db {
  client: Client
  url: string
  /**
   * Runs `fn` in one write transaction. Every write in this process goes through this queue:
   * two write transactions from one process would fail at once with SQLITE_BUSY. Other
   * processes are kept out by SQLite's own lock: on a database file BEGIN IMMEDIATE waits up to
   * `timeoutMs`; on a libSQL server (sqld) the server queues write transactions itself (see
   * `fromServer` below).
   */
  write<T> (fn: (tx: Transaction) => Promise<T>): Promise<T>
  /** A consistent snapshot for several reads (a trace's walk and its details). */
  read<T> (fn: (tx: Transaction) => Promise<T>): Promise<T>
  close (): void
}

const BUSY_RETRIES = 5
const insideWrite = new AsyncLocalStorage<boolean>()
const commitHooks = new WeakMap<object, Array<() => Promise<void>>>()

/**
 * Runs `fn` inside the db.write() transaction `tx` after the caller's own writes, just before
 * COMMIT: an event's audit entry is sealed there, so it covers the rows written after the event
 * row. Returns false, registering nothing, when `tx` is not a db.write() transaction.
 */
export function beforeCommit (tx: Sql, fn: () => Promise<void>): boolean {
  const hooks = commitHooks.get(tx)
  if (!hooks) return false
  hooks.push(fn)
  return true
}

/**
 * `synchronous` is per connection, and the pool opens connections itself with no hook to set it.
 * libsql is built with SQLITE_DEFAULT_SYNCHRONOUS=2 and SQLITE_DEFAULT_WAL_SYNCHRONOUS=2 (FULL), so
 * every new connection starts at FULL (test/db/durability.test.ts checks each one); this makes
 * sure no write commits on a connection someone turned down. The level cannot change inside a
 * transaction, so the (empty) one is ended, the level set and a new one begun on that connection.
 */
async function keepFullSync (tx: Transaction): Promise<void> {
  const level = Number((await tx.execute('PRAGMA synchronous')).rows[0]!.synchronous)
  if (level < 2) await tx.executeMultiple('COMMIT; PRAGMA synchronous = FULL; BEGIN IMMEDIATE')
}

/** fetch with a deadline, for the libSQL HTTP client (its own requests have none). */
const fetchWithin = (ms: number) => (input: Request | string | URL, init?: RequestInit) =>
  fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(ms)]) : AbortSignal.timeout(ms) })

export function openDb ({ url, authToken, timeoutMs = 5000, requestTimeoutMs = 30_000 }: DbOptions): Db {
  const remote = /^(https?|libsql):/.test(url)
  const client = createClient({ url, authToken, timeout: timeoutMs, intMode: 'number', ...(remote ? { fetch: fetchWithin(requestTimeoutMs) } : {}) })
  let queue: Promise<unknown> = Promise.resolve()
  // An in-memory database lives in its one connection: renewing it would empty it.
  const renew = async () => { if (!url.includes(':memory:')) await client.reconnect() }
  const onDisk = url.startsWith('file:') && !url.includes(':memory:')

  /** BEGIN IMMEDIATE on a connection that commits with synchronous=FULL. */
  async function begin (): Promise<Transaction> {
    const tx = await client.transaction('write')
    try {
      if (onDisk) await keepFullSync(tx)
    } catch (e) {
      tx.close()
      throw e
    }
    commitHooks.set(tx, [])
    return tx
  }

  async function runWrite<T> (fn: (tx: Transaction) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      let tx: Transaction
      try {
        tx = await begin()
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
        const hooks = commitHooks.get(tx)!
        for (let hook = hooks.shift(); hook; hook = hooks.shift()) await hook()
        await tx.commit()
        return result
      } catch (e) {
        if (!tx.closed) await tx.rollback().catch(() => {})
        const err = fromServer(e)
        if (isBusy(err)) await renew()
        throw err
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

/**
 * What a libSQL server (sqld 0.24) does with write transactions from several clients, measured
 * with test/processes/sqld-write-lock.test.ts: a second BEGIN IMMEDIATE is not refused with
 * SQLITE_BUSY, its first statement waits on the server until the first transaction ends (however
 * long: many seconds in a queue of writers), so `timeoutMs` and the retries above do not come into
 * play. But a transaction that keeps the lock for more than 5 s while another writer waits has it
 * taken away: the server rolls it back and its next statement or COMMIT fails with
 * TRANSACTION_TIMEOUT. That write did not happen, like one refused for a lock held too long on a
 * file, so it is reported the same way: SQLITE_BUSY (a 503 "nothing was recorded", and a scan
 * that met it is kept by the spool and recorded later).
 */
function fromServer (e: unknown): unknown {
  if (!(e instanceof LibsqlError) || e.code !== 'TRANSACTION_TIMEOUT') return e
  return new LibsqlError('the libSQL server ended this write transaction: it held the write lock past the server\'s 5 s limit while another writer waited; nothing was committed', 'SQLITE_BUSY', undefined, undefined, e)
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

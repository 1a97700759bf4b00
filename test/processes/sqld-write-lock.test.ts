import { expect, onTestFinished, test } from 'vitest'
import { isBusy, openDb } from '../../db/client.ts'
import { isDbUnavailable } from '../../db/errors.ts'
import { startSqld } from '../helpers/sqld.ts'

// How a real libSQL server (sqld) treats write transactions from two kiosk servers at once: what
// db/client.ts relies on. Each openDb() is its own client with its own HTTP streams, as two
// processes' are; test/processes/sqld-two-servers.test.ts runs two real server processes.

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

async function twoKiosks () {
  const sqld = await startSqld()
  const a = openDb({ url: sqld.url })
  const b = openDb({ url: sqld.url })
  onTestFinished(() => { a.close(); b.close() })
  await a.client.execute('CREATE TABLE t (who TEXT, at INTEGER)')
  const rows = async () => (await a.client.execute('SELECT who FROM t ORDER BY rowid')).rows.map(r => String(r.who))
  return { a, b, rows }
}

test('a second write transaction waits on the server for the first (no SQLITE_BUSY) and commits after it', async () => {
  const { a, b, rows } = await twoKiosks()
  const t0 = Date.now()
  const first = a.write(async tx => {
    await tx.execute({ sql: 'INSERT INTO t VALUES (?, ?)', args: ['a', Date.now() - t0] })
    await sleep(1500) // a slow transaction on kiosk A holds the write lock
    return Date.now() - t0
  })
  await sleep(200)
  const second = b.write(async tx => {
    await tx.execute({ sql: 'INSERT INTO t VALUES (?, ?)', args: ['b', Date.now() - t0] })
    return Date.now() - t0
  })
  const [aDone, bWrote] = await Promise.all([first, second])
  // B's first statement was held by the server until A committed, then went through.
  expect(bWrote).toBeGreaterThanOrEqual(aDone - 50)
  expect(await rows()).toEqual(['a', 'b'])
}, 30_000)

test('a queue of writers from several clients: each waits its turn, none is refused', async () => {
  const sqld = await startSqld()
  const dbs = Array.from({ length: 6 }, () => openDb({ url: sqld.url }))
  onTestFinished(() => { for (const d of dbs) d.close() })
  await dbs[0]!.client.execute('CREATE TABLE n (v INTEGER)')
  await dbs[0]!.client.execute('INSERT INTO n VALUES (0)')
  // Read-modify-write of one counter, 300 ms inside each transaction: lost updates would show.
  const results = await Promise.allSettled(dbs.map(d => d.write(async tx => {
    const v = Number((await tx.execute('SELECT v FROM n')).rows[0]!.v)
    await sleep(300)
    await tx.execute({ sql: 'UPDATE n SET v = ?', args: [v + 1] })
  })))
  expect(results.map(r => r.status)).toEqual(dbs.map(() => 'fulfilled'))
  expect((await dbs[0]!.client.execute('SELECT v FROM n')).rows[0]!.v).toBe(6)
}, 30_000)

test('a transaction that holds the lock past the server\'s 5 s limit while another waits is rolled back and reported as busy: nothing of it is written', async () => {
  const { a, b, rows } = await twoKiosks()
  const stuck = a.write(async tx => {
    await tx.execute({ sql: 'INSERT INTO t VALUES (?, ?)', args: ['stuck', 0] })
    await sleep(6500)
    await tx.execute({ sql: 'INSERT INTO t VALUES (?, ?)', args: ['stuck-2', 0] })
  })
  const refused = stuck.then(() => null, (e: unknown) => e)
  await sleep(200)
  await b.write(tx => tx.execute({ sql: 'INSERT INTO t VALUES (?, ?)', args: ['b', 0] }))
  const err = await refused
  expect(err).toBeInstanceOf(Error)
  expect((err as Error).message).toMatch(/SQLITE_BUSY: the libSQL server ended this write transaction/)
  expect(((err as Error).cause as { code?: string }).code).toBe('TRANSACTION_TIMEOUT')
  // What the routes and the scan spool look at: a 503 "nothing was recorded", a scan kept.
  expect(isBusy(err)).toBe(true)
  expect(isDbUnavailable(err)).toBe(true)
  expect(await rows()).toEqual(['b'])
  // The same client writes again normally afterwards.
  await a.write(tx => tx.execute({ sql: 'INSERT INTO t VALUES (?, ?)', args: ['a-again', 0] }))
  expect(await rows()).toEqual(['b', 'a-again'])
}, 30_000)

import { createClient, type Transaction } from '@libsql/client'
import { expect, onTestFinished, test } from 'vitest'
import { getScan } from '../../db/stations.ts'
import { buildTestApp, post, seedBakery, testDb } from '../helpers/app.ts'

/** The pool's limit (@libsql/client's default `concurrency`): each open transaction holds a connection of its own. */
const POOL = 20

test('every pooled connection of a file database reads in WAL mode with synchronous=FULL', async () => {
  const db = await testDb({ file: true })
  // Held at once, so the pool has to open all of its connections; each reads first, which is when
  // SQLite finds the WAL and would switch to SQLITE_DEFAULT_WAL_SYNCHRONOUS if it differed.
  const txs: Transaction[] = await Promise.all(Array.from({ length: POOL }, () => db.client.transaction('read')))
  const seen = []
  for (const tx of txs) {
    await tx.execute('SELECT COUNT(*) FROM events')
    seen.push({ journal: (await tx.execute('PRAGMA journal_mode')).rows[0]!.journal_mode, sync: (await tx.execute('PRAGMA synchronous')).rows[0]!.synchronous })
    tx.close()
  }
  expect(seen).toEqual(Array(POOL).fill({ journal: 'wal', sync: 2 }))
  // And the connection a write transaction gets.
  expect(await db.write(async tx => (await tx.execute('PRAGMA synchronous')).rows[0]!.synchronous)).toBe(2)
  // A client in another process would open the file the same way: no setting is carried by the client.
  const other = createClient({ url: `file:${db.path}` })
  onTestFinished(() => other.close())
  await other.execute('SELECT COUNT(*) FROM events')
  expect((await other.execute('PRAGMA synchronous')).rows[0]!.synchronous).toBe(2)
})

test('a connection someone turned down to synchronous=OFF is put back to FULL before a write commits on it', async () => {
  const db = await testDb({ file: true })
  // The pool hands out its most recently returned connection: these two statements share one.
  await db.client.execute('PRAGMA synchronous = OFF')
  expect((await db.client.execute('PRAGMA synchronous')).rows[0]!.synchronous).toBe(0)
  expect(await db.write(async tx => (await tx.execute('PRAGMA synchronous')).rows[0]!.synchronous)).toBe(2)
  expect((await db.client.execute('PRAGMA synchronous')).rows[0]!.synchronous).toBe(2)
})

test('a scan is pushed to the station page and answered only after it is committed', async () => {
  const app = await buildTestApp({ file: true, stations: [{ code: 'RCV1', kind: 'receiving', location: 'DOCK1' }] })
  await seedBakery(app)
  // Another connection sees only committed rows.
  const reader = createClient({ url: `file:${(app.db as { path?: string }).path ?? ''}`, intMode: 'number' })
  onTestFinished(() => reader.close())
  const atPush: Array<Promise<unknown>> = []
  app.stations.events.on('scan', (r: { scanId: string }) => { atPush.push(getScan(reader, r.scanId)) })
  const scanIds = ['scan-0001-commit', 'scan-0002-commit', 'scan-0003-commit']
  for (const scanId of scanIds) {
    const r = await post(app, '/api/v1/stations/RCV1/scans', { data: ']C10110614141000033103LOT-7', scanId })
    expect(r.status).toBe(200)
    expect(await getScan(reader, scanId)).not.toBeNull()
  }
  expect((await Promise.all(atPush)).map(s => (s as { id: string } | null)?.id)).toEqual(scanIds)
})

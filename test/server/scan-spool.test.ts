import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient } from '@libsql/client'
import { expect, onTestFinished, test } from 'vitest'
import { openDb } from '../../db/client.ts'
import { migrate } from '../../db/migrate.ts'
import { createScanSpool } from '../../server/scan-spool.ts'
import { buildTestApp, post } from '../helpers/app.ts'

test('while the database cannot be written, scans are kept on the kiosk, in order, and recorded once it answers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lotline-spool-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  const path = join(dir, 'plant.db')
  // A short busy timeout stands in for an unreachable database server: writes fail quickly.
  const db = openDb({ url: `file:${path}`, timeoutMs: 100 })
  onTestFinished(() => db.close())
  await migrate(db)
  const spoolPath = join(dir, 'spool.jsonl')
  const app = await buildTestApp({ db, stations: [{ code: 'RCV1', kind: 'receiving', location: 'DOCK1' }], spoolPath, repeatWindowMs: 1500 })

  // Another process holds the database's write lock (as a stalled server would).
  const other = createClient({ url: `file:${path}` })
  onTestFinished(() => other.close())
  const held = await other.transaction('write')

  const first = await post(app, '/api/v1/stations/RCV1/scans', { data: ']C0FIRST', scanId: 'scan-first-0001' })
  expect(first.status).toBe(202)
  expect(first.body).toMatchObject({ outcome: 'spooled', message: expect.stringMatching(/kept on this kiosk \(1 waiting\)/) })
  const second = await post(app, '/api/v1/stations/RCV1/scans', { data: ']C0SECOND', scanId: 'scan-second-0002' })
  expect(second.body.message).toMatch(/2 waiting/)
  expect(app.hardwareStatus('RCV1')).toMatchObject({ spool: { waiting: 2, dbError: expect.stringMatching(/locked|busy/i) } })

  // The kiosk restarts while the database is still away: the kept scans are on its disk.
  const reopened = createScanSpool({ path: spoolPath, stations: app.stations })
  expect(reopened.waitingFor('RCV1')).toBe(2)
  reopened.stop()

  await held.rollback()
  await app.scanSpool!.drain()
  expect(app.scanSpool!.waitingFor('RCV1')).toBe(0)
  const rows = (await db.client.execute("SELECT id, raw FROM scans WHERE station = 'RCV1' ORDER BY rowid")).rows.map(r => [r.id, r.raw])
  expect(rows).toEqual([['scan-first-0001', ']C0FIRST'], ['scan-second-0002', ']C0SECOND']])
  // Replaying again records nothing twice.
  const again = await post(app, '/api/v1/stations/RCV1/scans', { data: ']C0FIRST', scanId: 'scan-first-0001' })
  expect(again.body.replayed).toBe(true)
  expect(Number((await db.client.execute('SELECT COUNT(*) AS n FROM scans')).rows[0]!.n)).toBe(2)
}, 30_000)

import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { createClient } from '@libsql/client'
import { expect, onTestFinished, test } from 'vitest'
import { listAudit } from '../../db/audit.ts'
import { openDb } from '../../db/client.ts'
import { migrate } from '../../db/migrate.ts'
import { createSequenceLedger } from '../../db/sequences.ts'
import { backupDatabase, restoreDatabase } from '../../server/backup.ts'
import { createLots } from '../../server/domain/lots.ts'
import { createMasterData } from '../../server/domain/master-data.ts'
import { verifyDatabase } from '../../server/verify.ts'

const clock = () => new Date('2026-11-25T10:00:00Z')
const receipt = { product: 'FLOUR', supplier: 'MILL', supplierLotCode: 'PM-1', quantity: 10, location: 'DOCK1', receivedAt: '2026-11-25' }

function folder () {
  const dir = mkdtempSync(join(tmpdir(), 'lotline-backup-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  const path = join(dir, 'plant.db')
  return { dir, path, url: `file:${path}`, ledger: `${path}.sequences.json` }
}

async function open (url: string, ledger: string) {
  const db = openDb({ url })
  await migrate(db)
  return { db, lots: createLots({ db, clock, timeZone: 'UTC', ledger: createSequenceLedger(ledger) }), master: createMasterData({ db, clock }) }
}

/**
 * libsql keeps a closed connection's file locks until its prepared statements are garbage-collected
 * (its close is lazy), so this process would look like a server still using the file. A restore is
 * run by a fresh `lotline restore` process; here the collector is run instead.
 */
async function releaseClosedConnections () {
  setFlagsFromString('--expose-gc')
  ;(runInNewContext('gc') as () => void)()
  await new Promise(resolve => setTimeout(resolve, 20))
}

async function verifyFile (path: string) {
  const db = openDb({ url: `file:${path}` })
  try { return await verifyDatabase(db.client) } finally { db.close() }
}

test('a backup taken while receipts are being recorded is consistent; restoring it never reissues a lot number handed out after it', async () => {
  const f = folder()
  const live = await open(f.url, f.ledger)
  await live.master.createLocation({ code: 'DOCK1', kind: 'dock', name: 'Dock' })
  await live.master.createPartner({ code: 'MILL', role: 'supplier', name: 'Mill' })
  await live.master.createProduct({ code: 'FLOUR', name: 'Flour', unit: 'kg' })

  // A kiosk keeps receiving the whole time the backup runs.
  const codes: string[] = []
  let stop = false
  // (setImmediate: an embedded database answers without I/O waits, so the loop would starve timers.)
  const writer = (async () => { while (!stop) { codes.push((await live.lots.receive(receipt)).lot.code); await new Promise(resolve => setImmediate(resolve)) } })()
  while (codes.length < 20) await new Promise(resolve => setTimeout(resolve, 5))
  const backup = await backupDatabase(f.url, join(f.dir, 'backup.db'), { user: 'qa-lead', db: live.db })
  const atBackup = codes.length
  while (codes.length < atBackup + 20) await new Promise(resolve => setTimeout(resolve, 5))
  stop = true
  await writer

  expect(backup).toMatchObject({ integrity: ['ok'], bytes: expect.any(Number) })
  expect(backup.events).toBeGreaterThanOrEqual(20)
  expect(backup.events).toBeLessThan(codes.length)
  expect(await verifyFile(backup.file)).toMatchObject({ ok: true, events: backup.events })
  // The copy is a moment of the live database: the same events, with the same hashes, up to where it stops.
  const copy = createClient({ url: `file:${backup.file}`, intMode: 'number' })
  const copied = (await copy.execute('SELECT id, hash FROM events ORDER BY id')).rows.map(r => [r.id, r.hash])
  const copiedLots = (await copy.execute('SELECT code FROM lots ORDER BY id')).rows.map(r => String(r.code))
  copy.close()
  expect((await live.db.client.execute({ sql: 'SELECT id, hash FROM events WHERE id <= ? ORDER BY id', args: [backup.events] })).rows.map(r => [r.id, r.hash])).toEqual(copied)
  expect(copiedLots).toEqual(codes.slice(0, copiedLots.length))
  expect((await listAudit(live.db.client, { subject: 'database' })).map(a => [a.action, a.user])).toEqual([['database.backup', 'qa-lead']])
  live.db.close()
  await releaseClosedConnections()

  // The disk is replaced; the backup comes back, the ledger beside the database stays as it was.
  const restored = await restoreDatabase(f.url, backup.file, { ledgerPath: f.ledger, user: 'qa-lead' })
  expect(restored.raisedScopes).toBe(1)
  expect(restored.keptAs && existsSync(restored.keptAs)).toBe(true)
  const after = await open(f.url, f.ledger)
  onTestFinished(() => after.db.close())
  const next = [(await after.lots.receive(receipt)).lot.code, (await after.lots.receive(receipt)).lot.code]
  expect(next.filter(c => codes.includes(c))).toEqual([])
  expect(next[0]).toBe(`26329-DOCK1-${String(codes.length + 1).padStart(4, '0')}`)
  expect((await verifyDatabase(after.db.client)).problems).toEqual([])
  expect((await listAudit(after.db.client, { subject: 'database' })).map(a => a.action)).toEqual(['database.restore'])
})

test('backup refuses to replace a file unless forced; restore refuses a database in use, and a missing ledger unless told no label was printed since', async () => {
  const f = folder()
  const live = await open(f.url, f.ledger)
  await live.master.createLocation({ code: 'DOCK1', kind: 'dock', name: 'Dock' })
  await live.master.createPartner({ code: 'MILL', role: 'supplier', name: 'Mill' })
  await live.master.createProduct({ code: 'FLOUR', name: 'Flour', unit: 'kg' })
  await live.lots.receive(receipt)
  const file = join(f.dir, 'backup.db')
  await backupDatabase(f.url, file, { db: live.db })
  await expect(backupDatabase(f.url, file, { db: live.db })).rejects.toThrow(/already exists: pass --force/)
  expect((await backupDatabase(f.url, file, { force: true, db: live.db })).integrity).toEqual(['ok'])

  // The server (here: this client) has the database open.
  await expect(restoreDatabase(f.url, file, { ledgerPath: f.ledger })).rejects.toThrow(/is in use .*stop it/)
  live.db.close()
  await releaseClosedConnections()
  renameSync(f.ledger, `${f.ledger}.elsewhere`)
  await expect(restoreDatabase(f.url, file, { ledgerPath: f.ledger })).rejects.toThrow(/No sequence ledger .* would be issued again/)
  expect((await restoreDatabase(f.url, file, { ledgerPath: f.ledger, withoutLedger: true })).raisedScopes).toBe(0)
})

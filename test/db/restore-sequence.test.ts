import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, onTestFinished, test } from 'vitest'
import { openDb } from '../../db/client.ts'
import { migrate } from '../../db/migrate.ts'
import { createSequenceLedger } from '../../db/sequences.ts'
import { createLots } from '../../server/domain/lots.ts'
import { createMasterData } from '../../server/domain/master-data.ts'

const clock = () => new Date('2026-11-25T10:00:00Z')

async function open (path: string, ledgerPath: string | null) {
  const db = openDb({ url: `file:${path}` })
  await migrate(db)
  const deps = { db, clock, timeZone: 'UTC', ledger: createSequenceLedger(ledgerPath) }
  return { db, lots: createLots(deps), master: createMasterData(deps) }
}

const receipt = { product: 'FLOUR', supplier: 'MILL', supplierLotCode: 'PM-1', quantity: 10, location: 'DOCK1', receivedAt: '2026-11-25' }

async function scenario (ledgerPath: string | null) {
  const dir = mkdtempSync(join(tmpdir(), 'lotline-restore-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  const path = join(dir, 'plant.db')
  const first = await open(path, ledgerPath && join(dir, ledgerPath))
  await first.master.createLocation({ code: 'DOCK1', kind: 'dock', name: 'Dock' })
  await first.master.createPartner({ code: 'MILL', role: 'supplier', name: 'Mill' })
  await first.master.createProduct({ code: 'FLOUR', name: 'Flour', unit: 'kg' })
  const before = [(await first.lots.receive(receipt)).lot.code, (await first.lots.receive(receipt)).lot.code]
  await first.db.client.execute({ sql: 'VACUUM INTO ?', args: [join(dir, 'backup.db')] })
  const printedAfterBackup = [(await first.lots.receive(receipt)).lot.code, (await first.lots.receive(receipt)).lot.code]
  first.db.close()

  // The disk dies; the backup is restored. (Restored to a new file: in this one process the
  // closed client's file locks would otherwise linger on the old file; a real restore is done
  // with the server stopped.)
  const restored = join(dir, 'restored.db')
  copyFileSync(join(dir, 'backup.db'), restored)
  const second = await open(restored, ledgerPath && join(dir, ledgerPath))
  onTestFinished(() => second.db.close())
  const after = (await second.lots.receive(receipt)).lot.code
  return { before, printedAfterBackup, after }
}

test('a restored backup never reissues a lot number that was handed out after the backup', async () => {
  const { before, printedAfterBackup, after } = await scenario('plant.db.sequences.json')
  expect(before).toEqual(['26329-DOCK1-0001', '26329-DOCK1-0002'])
  expect(printedAfterBackup).toEqual(['26329-DOCK1-0003', '26329-DOCK1-0004'])
  expect(after).toBe('26329-DOCK1-0005')
})

test('without the sequence ledger the restored database alone would reissue a number (why the ledger exists)', async () => {
  const { printedAfterBackup, after } = await scenario(null)
  expect(after).toBe(printedAfterBackup[0])
})

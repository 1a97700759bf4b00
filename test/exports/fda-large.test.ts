import { Readable } from 'node:stream'
import ExcelJS from 'exceljs'
import { describe, expect, test } from 'vitest'
import { buildTestApp, seedBakery } from '../helpers/app.ts'
import { day, download } from './helpers.ts'

const RECEIPTS = 10_000
/**
 * KDEs a receipt of flour from FlexiPack Films (a name only), with no document, at a plant that is
 * not described, leaves blank: 6 of the previous source, 7 of the location where received, the
 * packaging size and style, the TLC source, the document type and number.
 */
const MISSING_PER_RECEIPT = 18

/**
 * A plant-scale day, written straight into the tables (one multi-row INSERT each, through
 * recursive CTEs): `n` receipts of flour, each its own lot and receiving event.
 */
async function bulkReceipts (app: Awaited<ReturnType<typeof buildTestApp>>, n: number) {
  const count = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${n})`
  const base = 1_000_000
  await app.db.write(async tx => {
    await tx.execute(`${count} INSERT INTO events (id, kind, occurred_at, recorded_at, user_name, location_id, partner_id)
      SELECT ${base} + i, 'receiving', '2026-11-20T08:00:00Z', '2026-11-20T08:00:00Z', 'bulk',
        (SELECT id FROM locations WHERE code = 'DOCK1'), (SELECT id FROM partners WHERE code = 'PACK') FROM n`)
    await tx.execute(`${count} INSERT INTO lots (id, code, product_id, unit, origin, event_id, supplier_id, supplier_lot_code, created_at)
      SELECT ${base} + i, printf('BULK-%06d', i), (SELECT id FROM products WHERE code = 'FLOUR'), 'kg', 'received', ${base} + i,
        (SELECT id FROM partners WHERE code = 'PACK'), printf('FP-%06d', i), '2026-11-20T08:00:00Z' FROM n`)
    await tx.execute(`${count} INSERT INTO movements (event_id, lot_id, kind, quantity, entered_quantity, entered_unit)
      SELECT ${base} + i, ${base} + i, 'received', i, i, 'kg' FROM n`)
  })
}

/**
 * Every sheet's values, read with exceljs's streaming reader (a 180k-row sheet loaded whole takes
 * gigabytes), and each sheet's last row as exceljs reads it, with its styles.
 */
async function readSheets (bytes: Buffer) {
  const sheets = new Map<string, { values: ExcelJS.CellValue[][], last: ExcelJS.Row }>()
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([bytes]), { sharedStrings: 'cache', styles: 'cache', worksheets: 'emit' })
  for await (const ws of reader) {
    const values: ExcelJS.CellValue[][] = []
    let last: ExcelJS.Row | undefined
    for await (const row of ws) {
      values.push((row.values as ExcelJS.CellValue[]).slice(1))
      last = row
    }
    sheets.set((ws as unknown as { name: string }).name, { values, last: last! })
  }
  return sheets
}

describe('FDA sortable spreadsheet at plant scale', () => {
  test('a range with 10,000 receipts and 180,000 missing KDEs is written, and reads back row for row', async () => {
    const app = await buildTestApp()              // no plant described: every row lacks the location where received
    await seedBakery(app)
    await bulkReceipts(app, RECEIPTS)

    const res = await download(app, '/api/v1/exports/fda.xlsx?from=2026-11-20&to=2026-11-20')
    const sheets = await readSheets(res.rawPayload)
    expect([...sheets.keys()]).toEqual(['Receiving', 'Transformation', 'Shipping', 'Missing KDEs'])

    const receiving = sheets.get('Receiving')!.values
    expect(receiving).toHaveLength(RECEIPTS + 1)
    const header = receiving[0]!.map(String)
    const at = (name: string) => header.indexOf(name)
    const last = receiving[RECEIPTS]!
    expect(last[at('Traceability lot code (TLC)')]).toBe(`FP-${String(RECEIPTS).padStart(6, '0')}`)
    expect(last[at('Our lot number')]).toBe(`BULK-${String(RECEIPTS).padStart(6, '0')}`)
    expect(last[at('Quantity received')]).toBe(RECEIPTS)
    expect(day(last[at('Date received')])).toBe('2026-11-20')
    // The last row's blank required KDEs are still marked.
    const marked = sheets.get('Receiving')!.last.getCell(at('Location where received: business name') + 1)
    expect(marked.value).toBeNull()
    expect(marked.fill).toMatchObject({ type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFE699' } })

    const missing = sheets.get('Missing KDEs')!.values
    expect(missing).toHaveLength(RECEIPTS * MISSING_PER_RECEIPT + 1)
    expect(missing[0]).toEqual(['Sheet', 'Row', 'Traceability lot code (TLC)', 'Our lot number', 'Missing KDE'])
    expect(missing.at(-1)).toEqual(['Receiving', RECEIPTS + 1, `FP-${String(RECEIPTS).padStart(6, '0')}`, `BULK-${String(RECEIPTS).padStart(6, '0')}`, 'Reference document number'])
    const fields = new Set(missing.slice(1, MISSING_PER_RECEIPT + 1).map(r => r[4]))
    expect(fields.size).toBe(MISSING_PER_RECEIPT)
    expect(fields).toContain('Location where received: business name')

    // Recorded in the audit trail before it was sent, with what it holds.
    const { entries } = (await app.inject({ method: 'GET', url: '/api/v1/audit?limit=1000' })).json() as { entries: Array<{ action: string, details: { summary?: string } }> }
    expect(entries.find(e => e.action === 'export.fda')?.details.summary).toContain(`${RECEIPTS} receiving rows`)
    expect(entries.find(e => e.action === 'export.fda')?.details.summary).toContain(`${RECEIPTS * MISSING_PER_RECEIPT} missing KDEs`)
  }, 120_000)
})

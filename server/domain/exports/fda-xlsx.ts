import { PassThrough } from 'node:stream'
import { finished } from 'node:stream/promises'
import ExcelJS from 'exceljs'
import type { CellValue, FdaColumn, FdaSheet, MissingKde } from './fda.ts'

/** Light yellow: a required KDE that was never recorded (also listed on the "Missing KDEs" sheet). */
const MISSING_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFE699' } }
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } }
const MAX_WIDTH = 45
const DATE_FORMAT = 'yyyy-mm-dd'
// One style object per kind of cell: exceljs resolves a style object to its id once (by identity),
// where a new object per cell would be serialised and looked up again for every cell.
const PLAIN: Partial<ExcelJS.Style> = {}
const DATE: Partial<ExcelJS.Style> = { numFmt: DATE_FORMAT }
const MISSING: Partial<ExcelJS.Style> = { fill: MISSING_FILL }
const MISSING_DATE: Partial<ExcelJS.Style> = { numFmt: DATE_FORMAT, fill: MISSING_FILL }
/** Rows written between two turns of the event loop, so the zip stream compresses what is written as it goes. */
const ROWS_PER_TURN = 1000

/** A YYYY-MM-DD day as a real date cell, so the column sorts and filters as dates (UTC midnight: exceljs writes UTC). */
const asDate = (day: string): Date => new Date(`${day.slice(0, 10)}T00:00:00Z`)

function cell (c: FdaColumn, v: CellValue | undefined): ExcelJS.CellValue {
  if (v === null || v === undefined || v === '') return null
  if (c.kind === 'date' && typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v)) return asDate(v)
  // Strings stay strings (never formulas): a lot code "=HYPERLINK(...)" is shown as text, not run.
  return v
}

/** Sized to the longest value (dates are 10 characters), headers wrap past MAX_WIDTH. A loop: a sheet can have 200k rows. */
function widths (columns: FdaColumn[], rows: ReadonlyArray<Record<string, unknown>>): number[] {
  return columns.map(c => {
    let longest = c.kind === 'date' ? 10 : 0
    for (const r of rows) {
      const n = String(r[c.key] ?? '').length
      if (n > longest) longest = n
    }
    return Math.min(MAX_WIDTH, Math.max(10, longest + 2, Math.min(c.header.length + 2, 24)))
  })
}

const nextTurn = () => new Promise<void>(resolve => setImmediate(resolve))

/**
 * Writes one sheet row by row, each row committed (serialised and handed to the zip) as soon as
 * it is complete. `missing` holds, per spreadsheet row, the headers of its required KDEs left blank.
 */
async function addSheet (wb: ExcelJS.stream.xlsx.WorkbookWriter, name: string, columns: FdaColumn[], rows: ReadonlyArray<Record<string, unknown>>, missing?: Map<number, Set<string>>) {
  const ws = wb.addWorksheet(name, {
    views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }],
    autoFilter: { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } }
  } as Partial<ExcelJS.AddWorksheetOptions>)
  // The widths go out with the sheet's first row, so they are known before any row is written.
  const width = widths(columns, rows)
  ws.columns = columns.map((c, j) => ({ header: c.header, key: c.key, width: width[j] }))
  const header = ws.getRow(1)
  header.font = { bold: true }
  header.alignment = { vertical: 'top', wrapText: true }
  header.eachCell(c => { c.fill = HEADER_FILL })
  header.commit()

  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!
    const blank = missing?.get(i + 2)
    const row = ws.addRow([])
    for (let j = 0; j < columns.length; j++) {
      const c = columns[j]!
      const v = cell(c, r[c.key] as CellValue | undefined)
      const marked = blank?.has(c.header) === true
      // An empty cell is not written at all, unless it is marked (a missing KDE) or formatted (a date).
      if (v === null && !marked && c.kind !== 'date') continue
      const x = row.getCell(j + 1)
      if (v !== null) x.value = v
      x.style = c.kind === 'date' ? (marked ? MISSING_DATE : DATE) : marked ? MISSING : PLAIN
    }
    row.commit()
    if (i % ROWS_PER_TURN === ROWS_PER_TURN - 1) await nextTurn()
  }
  ws.commit()
}

const MISSING_COLUMNS: FdaColumn[] = [
  { key: 'sheet', header: 'Sheet', kind: 'text', required: false },
  { key: 'row', header: 'Row', kind: 'number', required: false },
  { key: 'tlc', header: 'Traceability lot code (TLC)', kind: 'text', required: false },
  { key: 'lot', header: 'Our lot number', kind: 'text', required: false },
  { key: 'field', header: 'Missing KDE', kind: 'text', required: false }
]

/**
 * The workbook: Receiving, Transformation and Shipping sheets, then "Missing KDEs" naming the sheet,
 * row, lot and field of every required KDE left blank (those cells are also filled yellow).
 * Each sheet has its header row frozen, an autofilter and sized columns.
 *
 * Written with exceljs's streaming writer: rows are serialised and compressed as they are added,
 * never held as a whole workbook of cell objects (a 200k-row sheet took gigabytes that way).
 */
export async function writeFdaWorkbook (built: { sheets: FdaSheet[], missing: MissingKde[] }, meta: { scope: string, generatedAt: string }): Promise<Buffer> {
  const out = new PassThrough()
  const chunks: Buffer[] = []
  out.on('data', (chunk: Buffer) => chunks.push(chunk))
  // Shared strings: a plant's names, addresses and units repeat on every row. Level 6 as exceljs's
  // in-memory writer (JSZip) compresses; archiver's default gives a third bigger file.
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: true, zip: { zlib: { level: 6 } } })
  wb.creator = 'Lotline'
  wb.lastModifiedBy = 'Lotline'
  wb.created = new Date(meta.generatedAt)
  wb.title = `FSMA 204 traceability records: ${meta.scope}`

  const missing = new Map<string, Map<number, Set<string>>>()
  for (const m of built.missing) {
    let bySheet = missing.get(m.sheet)
    if (!bySheet) missing.set(m.sheet, bySheet = new Map())
    let fields = bySheet.get(m.row)
    if (!fields) bySheet.set(m.row, fields = new Set())
    fields.add(m.field)
  }
  for (const s of built.sheets) await addSheet(wb, s.name, s.columns, s.rows, missing.get(s.name))
  await addSheet(wb, 'Missing KDEs', MISSING_COLUMNS, built.missing as unknown as ReadonlyArray<Record<string, unknown>>)
  await wb.commit()
  await finished(out)     // every chunk read, not only written
  return Buffer.concat(chunks)
}

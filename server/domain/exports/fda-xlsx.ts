import ExcelJS from 'exceljs'
import type { CellValue, FdaColumn, FdaSheet, MissingKde } from './fda.ts'

/** Light yellow: a required KDE that was never recorded (also listed on the "Missing KDEs" sheet). */
const MISSING_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFE699' } }
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } }
const MAX_WIDTH = 45

/** A YYYY-MM-DD day as a real date cell, so the column sorts and filters as dates (UTC midnight: exceljs writes UTC). */
const asDate = (day: string): Date => new Date(`${day.slice(0, 10)}T00:00:00Z`)

function cell (c: FdaColumn, v: CellValue): ExcelJS.CellValue {
  if (v === null || v === undefined || v === '') return null
  if (c.kind === 'date' && typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v)) return asDate(v)
  // Strings stay strings (never formulas): a lot code "=HYPERLINK(...)" is shown as text, not run.
  return v
}

function addSheet (wb: ExcelJS.Workbook, name: string, columns: FdaColumn[], rows: Array<Record<string, CellValue>>, missing: Set<string> = new Set()) {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] })
  ws.columns = columns.map(c => ({ header: c.header, key: c.key }))
  for (const [i, r] of rows.entries()) {
    const row = ws.addRow(columns.map(c => cell(c, r[c.key] ?? null)))
    columns.forEach((c, j) => {
      const x = row.getCell(j + 1)
      if (c.kind === 'date') x.numFmt = 'yyyy-mm-dd'
      if (missing.has(`${i + 2}:${c.header}`)) x.fill = MISSING_FILL
    })
  }
  const header = ws.getRow(1)
  header.font = { bold: true }
  header.alignment = { vertical: 'top', wrapText: true }
  header.eachCell(c => { c.fill = HEADER_FILL })
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } }
  // Sized to the longest value (dates are 10 characters), headers wrap past MAX_WIDTH.
  columns.forEach((c, j) => {
    const longest = Math.max(c.kind === 'date' ? 10 : 0, ...rows.map(r => String(r[c.key] ?? '').length))
    ws.getColumn(j + 1).width = Math.min(MAX_WIDTH, Math.max(10, longest + 2, Math.min(c.header.length + 2, 24)))
  })
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
 */
export async function writeFdaWorkbook (built: { sheets: FdaSheet[], missing: MissingKde[] }, meta: { scope: string, generatedAt: string }): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  wb.creator = 'Lotline'
  wb.created = new Date(meta.generatedAt)
  wb.title = `FSMA 204 traceability records: ${meta.scope}`
  for (const s of built.sheets) {
    const missing = new Set(built.missing.filter(m => m.sheet === s.name).map(m => `${m.row}:${m.field}`))
    addSheet(wb, s.name, s.columns, s.rows, missing)
  }
  addSheet(wb, 'Missing KDEs', MISSING_COLUMNS, built.missing.map(m => ({ ...m })))
  return Buffer.from(await wb.xlsx.writeBuffer())
}

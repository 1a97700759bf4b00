import type { Fields, RowError } from './master-forms.ts'

/**
 * CSV as spreadsheets write it (RFC 4180): quoted fields with "" for a quote, CRLF or LF, a
 * leading BOM. The delimiter is ',' unless the header line has ';' and no ',' (European Excel).
 * Rows are numbered as the spreadsheet shows them: the header is row 1. A quoted field spanning
 * lines keeps the number of the line it started on.
 */
export function parseCsv (text: string): { rows: Array<{ row: number, cells: string[] }>, error?: RowError } {
  const src = text.replace(/^\uFEFF/, '')
  const firstLine = src.split(/\r?\n/, 1)[0] ?? ''
  const delim = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ','
  const rows: Array<{ row: number, cells: string[] }> = []
  let cells: string[] = []
  let cell = ''
  let quoted = false
  let line = 1
  let rowStart = 1
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') { cell += '"'; i++ } else if (c === '"') quoted = false
      else { if (c === '\n') line++; cell += c }
      continue
    }
    if (c === '"' && cell === '') quoted = true
    else if (c === delim) { cells.push(cell); cell = '' } else if (c === '\r' && src[i + 1] === '\n') continue
    else if (c === '\n' || c === '\r') { cells.push(cell); rows.push({ row: rowStart, cells }); cells = []; cell = ''; line++; rowStart = line } else cell += c
  }
  if (quoted) return { rows: [], error: { row: rowStart, field: '-', problem: 'a quoted field is never closed (missing ")' } }
  if (cell !== '' || cells.length > 0) { cells.push(cell); rows.push({ row: rowStart, cells }) }
  return { rows: rows.filter(r => r.cells.some(c => c.trim() !== '')) }
}

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '')

/** Maps the header to our field names (any case, spaces or underscores: "Shelf life days" = shelfLifeDays). */
export function rowsToFields (text: string, known: readonly string[], required: readonly string[]): { rows: Array<{ row: number, fields: Fields }>, errors: RowError[] } {
  const parsed = parseCsv(text)
  if (parsed.error) return { rows: [], errors: [parsed.error] }
  const [head, ...body] = parsed.rows
  if (!head) return { rows: [], errors: [{ row: 1, field: '-', problem: 'the file is empty: the first row must name the columns' }] }
  const byKey = new Map(known.map(k => [squash(k), k]))
  const errors: RowError[] = []
  const columns = head.cells.map(h => {
    const k = byKey.get(squash(h))
    if (!k && h.trim()) errors.push({ row: head.row, field: h.trim(), problem: `unknown column (known: ${known.join(', ')})` })
    return k ?? null
  })
  for (const r of required) if (!columns.includes(r)) errors.push({ row: head.row, field: r, problem: 'required column is missing' })
  if (body.length === 0) errors.push({ row: head.row + 1, field: '-', problem: 'no rows under the header' })
  const rows = body.map(({ row, cells }) => {
    const fields: Fields = {}
    columns.forEach((k, i) => { if (k) fields[k] = cells[i] ?? '' })
    if (cells.length > columns.length && cells.slice(columns.length).some(c => c.trim())) errors.push({ row, field: '-', problem: `${cells.length} cells but the header names ${columns.length}` })
    return { row, fields }
  })
  return { rows, errors }
}

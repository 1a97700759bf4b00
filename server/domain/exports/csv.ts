/** CSV as RFC 4180 writes it (CRLF line ends, fields with `,` `"` CR or LF quoted, `"` doubled). */

export type CsvValue = string | number | null | undefined

/**
 * Spreadsheet programs run a cell that starts with `=`, `+`, `-` or `@` (and Excel also after a tab
 * or CR) as a formula: a supplier lot code "=HYPERLINK(...)" would become a live link. OWASP's
 * advice: prefix such text with `'`, which spreadsheets show as plain text. Numbers are left alone.
 */
export function neutralise (text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text
}

export function csvField (v: CsvValue): string {
  if (v === null || v === undefined) return ''
  const text = typeof v === 'number' ? String(v) : neutralise(v)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/**
 * A whole file: header then rows. Starts with a UTF-8 byte order mark, without which Excel reads
 * UTF-8 as the local code page and mangles "Café" or "Müller".
 */
export function toCsv (header: string[], rows: CsvValue[][]): string {
  return '\uFEFF' + [header, ...rows].map(r => r.map(csvField).join(',')).join('\r\n') + '\r\n'
}

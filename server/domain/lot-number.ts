import { DomainError } from './errors.ts'

/**
 * Lot number formats are templates of tokens:
 *   {YY} {YYYY} {MM} {DD} {DDD} (Julian day of year) {STATION} (station or line code) {SEQ} / {SEQ:n} (zero-padded to n)
 * Anything else is literal text. Example: `{YY}{DDD}-{STATION}-{SEQ:4}` → `26329-L2-0007`.
 * The sequence counts within everything left of it in the rendered text (its scope), so a format
 * with a date code restarts each day, and one with {STATION} counts per station.
 */
export const DEFAULT_LOT_FORMAT = '{YY}{DDD}-{STATION}-{SEQ:4}'

/** GS1 AI (10) allows at most 20 characters of this set (CSET 82). */
export const CSET82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*$/
export const MAX_LOT_LENGTH = 20

const TOKEN = /\{(YYYY|YY|MM|DD|DDD|STATION|SEQ(?::(\d))?)\}/g

/** `date` is the plant's calendar date, YYYY-MM-DD: a lot made at 23:30 belongs to that day, not UTC's. */
export interface LotNumberParts { date: string, station: string }

/** Throws TypeError naming the problem: used when the configuration is read. */
export function checkLotFormat (format: string): void {
  const seqs = [...format.matchAll(TOKEN)].filter(m => m[1]!.startsWith('SEQ'))
  if (seqs.length !== 1) throw new TypeError(`"lotNumbers.format" must contain exactly one {SEQ} or {SEQ:n} token: ${format}`)
  const literal = format.replace(TOKEN, '')
  if (/[{}]/.test(literal)) throw new TypeError(`"lotNumbers.format" has an unknown token: ${format} (known: {YY} {YYYY} {MM} {DD} {DDD} {STATION} {SEQ:n})`)
  if (!CSET82.test(literal)) throw new TypeError(`"lotNumbers.format" has characters GS1 does not allow in a lot (10): ${format}`)
  // Longest realistic rendering: a 6-character station code and the sequence at its padded width.
  const sample = render(format, { date: '2026-12-31', station: 'ABCDEF' }, 1)
  if (sample.length > MAX_LOT_LENGTH) throw new TypeError(`"lotNumbers.format" renders ${sample.length} characters (${sample}); GS1 (10) allows ${MAX_LOT_LENGTH}`)
}

/** The station or line code that goes into {STATION}: short CSET 82 letters and digits. */
export function checkStationCode (code: string): void {
  if (!/^[A-Za-z0-9]{1,6}$/.test(code)) throw new DomainError('INVALID', `Station code "${code}" must be 1 to 6 letters or digits: it becomes part of lot numbers`)
}

/** The text before {SEQ}, rendered: the scope within which the sequence counts. */
export function lotNumberScope (format: string, parts: LotNumberParts): string {
  const head = format.slice(0, format.search(/\{SEQ/))
  return 'lot:' + render(head, parts, 0)
}

export function renderLotNumber (format: string, parts: LotNumberParts, seq: number): string {
  const code = render(format, parts, seq)
  if (code.length > MAX_LOT_LENGTH) {
    throw new DomainError('CONFLICT', `Lot number ${code} is longer than GS1's ${MAX_LOT_LENGTH} characters: the day's sequence is exhausted for this format`)
  }
  return code
}

function render (format: string, { date: day, station }: LotNumberParts, seq: number): string {
  const date = new Date(day + 'T00:00:00Z')
  const y = date.getUTCFullYear()
  return format.replace(TOKEN, (_, token: string, width?: string) => {
    switch (token) {
      case 'YYYY': return String(y)
      case 'YY': return String(y % 100).padStart(2, '0')
      case 'MM': return String(date.getUTCMonth() + 1).padStart(2, '0')
      case 'DD': return String(date.getUTCDate()).padStart(2, '0')
      case 'DDD': return String(julianDay(date)).padStart(3, '0')
      case 'STATION': return station.toUpperCase()
      default: return String(seq).padStart(Number(width ?? 1), '0') // a sequence past its width widens rather than wraps
    }
  })
}

/** Day of the year, 1 = 1 January. */
export function julianDay (date: Date): number {
  return Math.floor((Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()) - Date.UTC(date.getUTCFullYear(), 0, 1)) / 86_400_000) + 1
}

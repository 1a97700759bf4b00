import { DomainError } from './errors.ts'

// One formatter per time zone (undefined: this machine's), made on first use: building one costs
// ~60 µs, formatting with it ~1 µs, and an export converts every row's date-time. An unknown zone
// throws a RangeError before anything is kept.
const dayFormats = new Map<string | undefined, Intl.DateTimeFormat>()

/** The calendar date (YYYY-MM-DD) of an instant in the plant's time zone (IANA name, e.g. America/Chicago). */
export function plantDate (at: Date, timeZone?: string): string {
  let f = dayFormats.get(timeZone)
  if (!f) {
    // en-CA formats as YYYY-MM-DD.
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
    dayFormats.set(timeZone, f)
  }
  return f.format(at)
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/

/**
 * Checks a business date or date-time given by a user or an ERP: `2026-11-25` or an ISO date-time
 * with its offset. Returns it unchanged (dates stay dates: a receipt dated the 25th is not moved
 * to the 24th by a time zone). Refuses impossible dates such as 2026-02-30.
 */
export function checkDate (value: string, field: string): string {
  const v = value.trim()
  const m = DATE.exec(v)
  if (m) {
    const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!))
    if (d.getUTCMonth() !== +m[2]! - 1 || d.getUTCDate() !== +m[3]!) throw new DomainError('INVALID', `${field}: ${value} is not a real date`)
    return v
  }
  if (DATETIME.test(v) && !Number.isNaN(Date.parse(v))) return v
  throw new DomainError('INVALID', `${field}: "${value}" is not a date; use YYYY-MM-DD or an ISO date-time such as 2026-11-25T06:30:00-06:00`)
}

/** Adds whole days to a YYYY-MM-DD date. */
export function addDays (day: string, days: number): string {
  const d = new Date(day.slice(0, 10) + 'T00:00:00Z')
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

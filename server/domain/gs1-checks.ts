import { DomainError } from './errors.ts'
import { ISO3166_NUMERIC, type Charset, type Linter } from './gs1-ais.ts'

/**
 * GS1 mod-10 check digit (General Specifications 7.9.1): weights 3 and 1 alternate from the
 * rightmost digit, so the same routine serves GTIN-8/12/13/14, GLN, SSCC, GSIN and GDTI.
 * Throws DomainError('INVALID') when given anything but digits.
 */
export function gs1CheckDigit (digitsWithoutCheck: string): string {
  if (!/^\d+$/.test(digitsWithoutCheck)) throw new DomainError('INVALID', `A GS1 check digit is computed over digits only, got "${digitsWithoutCheck}"`)
  let sum = 0
  for (let i = digitsWithoutCheck.length - 1, w = 3; i >= 0; i--, w = 4 - w) sum += (digitsWithoutCheck.charCodeAt(i) - 48) * w
  return String((10 - sum % 10) % 10)
}

/** True when `digits` (any length from 2) ends in its correct GS1 mod-10 check digit. */
export function isValidGs1Key (digits: string): boolean {
  return /^\d{2,}$/.test(digits) && gs1CheckDigit(digits.slice(0, -1)) === digits.slice(-1)
}

const CSET82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*$/
const CSET39 = /^[#\-/0-9A-Z]*$/
const DIGITS = /^\d*$/

const CHARSETS: Record<Charset, { test: RegExp, allowed: string }> = {
  N: { test: DIGITS, allowed: 'digits only' },
  X: { test: CSET82, allowed: 'letters, digits and !"%&\'()*+,-./:;<=>?_ only' },
  Y: { test: CSET39, allowed: 'capital letters, digits and #-/ only' }
}

/** Names a character so an operator can see it: invisible ones by name or code point. */
export function describeChar (c: string): string {
  if (c === '\x1d') return 'a GS separator'
  if (c === ' ') return 'a space'
  const code = c.codePointAt(0) ?? 0
  if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return `control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`
  return `"${c}"`
}

/** The problem with `value`'s characters, or undefined when they are all allowed. */
export function charsetProblem (charset: Charset, value: string): string | undefined {
  const set = CHARSETS[charset]
  if (set.test.test(value)) return undefined
  for (const c of value) {
    if (!set.test.test(c)) return `contains ${describeChar(c)}, which is not allowed here (${set.allowed})`
  }
  return undefined
}

/**
 * GS1 General Specifications 7.12: a two-digit year is read in a 100-year window around today,
 * from 49 years back to 50 years ahead. YY - current YY of 51..99 is the previous century,
 * -99..-50 the next one, anything else this century.
 */
export function gs1Year (yy: number, now: Date): number {
  const year = now.getUTCFullYear()
  const century = year - year % 100
  const diff = yy - year % 100
  if (diff >= 51) return century - 100 + yy
  if (diff <= -50) return century + 100 + yy
  return century + yy
}

const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate()

/**
 * YYMMDD (DD 00 = last day of the month when `dayZero`) as an ISO date, or undefined when the date
 * does not exist. `now` decides the century.
 */
export function gs1DateToIso (yymmdd: string, now: Date, dayZero = true): string | undefined {
  if (!/^\d{6}$/.test(yymmdd)) return undefined
  const year = gs1Year(Number(yymmdd.slice(0, 2)), now)
  const month = Number(yymmdd.slice(2, 4))
  let day = Number(yymmdd.slice(4, 6))
  if (month < 1 || month > 12) return undefined
  if (day === 0 && dayZero) day = daysInMonth(year, month)
  if (day < 1 || day > daysInMonth(year, month)) return undefined
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

const inRange = (text: string, max: number): boolean => /^\d{2}$/.test(text) && Number(text) <= max

/** Each linter returns the problem in plain words (the caller prefixes the AI), or undefined. */
export const LINTER_CHECKS: Record<Linter, (value: string, now: Date) => string | undefined> = {
  csum: v => {
    const expected = gs1CheckDigit(v.slice(0, -1))
    return expected === v.slice(-1) ? undefined : `check digit is wrong: expected ${expected}, got ${v.slice(-1)}`
  },
  yymmd0: (v, now) => gs1DateToIso(v, now, true) ? undefined : `${v} is not a real date`,
  yymmdd: (v, now) => gs1DateToIso(v, now, false) ? undefined : `${v} is not a real date`,
  hh: v => inRange(v, 23) ? undefined : `${v} is not a real hour`,
  mi: v => inRange(v, 59) ? undefined : `${v} is not a real minute`,
  ss: v => inRange(v, 59) ? undefined : `${v} is not a real second`,
  hhmi: v => inRange(v.slice(0, 2), 23) && inRange(v.slice(2), 59) ? undefined : `${v} is not a real time`,
  iso3166: v => ISO3166_NUMERIC.has(v) ? undefined : `${v} is not an ISO 3166 country code`,
  zero: v => v === '0' ? undefined : `must start with 0, got ${v}`,
  pieceoftotal: v => {
    const piece = Number(v.slice(0, 2))
    const total = Number(v.slice(2))
    return piece >= 1 && piece <= total ? undefined : `piece ${v.slice(0, 2)} of ${v.slice(2)} is not possible`
  }
}

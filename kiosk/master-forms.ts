import type { Client } from '@libsql/client'
import type { Db } from '../db/client.ts'
import { recordAudit } from '../server/domain/audit.ts'
import { DomainError } from '../server/domain/errors.ts'
import { createMasterData, type LocationInput, type PartnerInput, type ProductInput } from '../server/domain/master-data.ts'

/**
 * Master data from a form or a CSV row: the same reading (field by field, each error named) for
 * the "add one" forms and the CSV import, then the domain's own checks (check digits, units,
 * duplicates) on top.
 */
export type Fields = Record<string, string>
export type FieldErrors = Record<string, string>

export const PRODUCT_FIELDS = ['code', 'name', 'gtin', 'unit', 'shelfLifeDays', 'ftl', 'brand', 'commodity', 'variety', 'packSize', 'packStyle', 'netWeightKg'] as const
export const PARTNER_FIELDS = ['code', 'role', 'name', 'contact', 'email', 'phone', 'address', 'city', 'state', 'zip', 'country', 'gln'] as const
export const LOCATION_FIELDS = ['code', 'kind', 'name', 'gln'] as const

const opt = (f: Fields, k: string) => (f[k] ?? '').trim() || null

function text (f: Fields, e: FieldErrors, k: string, max: number, required = false): string | null {
  const v = opt(f, k)
  if (required && !v) e[k] = 'required'
  else if (v && v.length > max) e[k] = `at most ${max} characters (this has ${v.length})`
  return v
}

function bool (f: Fields, e: FieldErrors, k: string): boolean | undefined {
  const v = (f[k] ?? '').trim().toLowerCase()
  if (v === '') return undefined
  if (['yes', 'y', 'true', '1', 'on', 'x'].includes(v)) return true
  if (['no', 'n', 'false', '0', 'off'].includes(v)) return false
  e[k] = `"${f[k]}" is not yes or no`
  return undefined
}

function number (f: Fields, e: FieldErrors, k: string, o: { integer?: boolean, min: number, max: number, exclusiveMin?: boolean }): number | null {
  const v = opt(f, k)
  if (v === null) return null
  const n = Number(v.replace(',', '.'))
  if (!Number.isFinite(n) || (o.integer && !Number.isInteger(n))) e[k] = `"${v}" is not ${o.integer ? 'a whole number' : 'a number'}`
  else if (n < o.min || (o.exclusiveMin && n === o.min) || n > o.max) e[k] = `must be ${o.exclusiveMin ? 'more than' : 'at least'} ${o.min} and at most ${o.max}`
  else return n
  return null
}

function oneOf<T extends string> (f: Fields, e: FieldErrors, k: string, allowed: readonly T[]): T {
  const v = (f[k] ?? '').trim().toLowerCase()
  if (!allowed.includes(v as T)) e[k] = v ? `"${f[k]}" is not one of ${allowed.join(', ')}` : `required: ${allowed.join(', ')}`
  return v as T
}

export function readProduct (f: Fields): { input: ProductInput, errors: FieldErrors } {
  const e: FieldErrors = {}
  const input: ProductInput = {
    code: text(f, e, 'code', 40, true) ?? '', name: text(f, e, 'name', 200, true) ?? '', gtin: text(f, e, 'gtin', 14), unit: text(f, e, 'unit', 12, true) ?? '',
    shelfLifeDays: number(f, e, 'shelfLifeDays', { integer: true, min: 0, max: 3650 }), ftl: bool(f, e, 'ftl'),
    brand: text(f, e, 'brand', 200), commodity: text(f, e, 'commodity', 200), variety: text(f, e, 'variety', 200),
    packSize: text(f, e, 'packSize', 200), packStyle: text(f, e, 'packStyle', 200), netWeightKg: number(f, e, 'netWeightKg', { min: 0, max: 1e6, exclusiveMin: true })
  }
  return { input, errors: e }
}

export function readPartner (f: Fields): { input: PartnerInput, errors: FieldErrors } {
  const e: FieldErrors = {}
  const input: PartnerInput = {
    code: text(f, e, 'code', 40, true) ?? '', role: oneOf(f, e, 'role', ['supplier', 'customer', 'both'] as const), name: text(f, e, 'name', 200, true) ?? '',
    contact: text(f, e, 'contact', 200), email: text(f, e, 'email', 200), phone: text(f, e, 'phone', 40), address: text(f, e, 'address', 200),
    city: text(f, e, 'city', 100), state: text(f, e, 'state', 40), zip: text(f, e, 'zip', 20), country: text(f, e, 'country', 2), gln: text(f, e, 'gln', 13)
  }
  if (input.email && !/^[^@\s]+@[^@\s]+$/.test(input.email)) e.email = `"${input.email}" is not an e-mail address`
  return { input, errors: e }
}

export function readLocation (f: Fields): { input: LocationInput, errors: FieldErrors } {
  const e: FieldErrors = {}
  const input: LocationInput = {
    code: text(f, e, 'code', 6, true) ?? '', kind: oneOf(f, e, 'kind', ['dock', 'line', 'warehouse', 'other'] as const),
    name: text(f, e, 'name', 200, true) ?? '', gln: text(f, e, 'gln', 13)
  }
  return { input, errors: e }
}

/** Which field a domain refusal is about, so it shows next to that field. */
export function fieldOfDomainError (message: string): string {
  const rules: Array<[RegExp, string]> = [[/already exists/i, 'code'], [/^GTIN/, 'gtin'], [/^GLN/, 'gln'], [/is not a unit/, 'unit'], [/netWeightKg/, 'netWeightKg'], [/^name /, 'name'], [/^code /, 'code']]
  return rules.find(([re]) => re.test(message))?.[1] ?? 'code'
}

export type Kind = 'products' | 'partners'
export interface RowError { row: number, field: string, problem: string }

/**
 * Imports every row or none: all rows are read and written in one transaction; if any row is
 * refused (by the reading above or by the domain), the transaction is rolled back and every
 * refusal is reported as "row n: field: problem", n counted as a spreadsheet does (header = row 1).
 */
export async function importRows (db: Db, kind: Kind, rows: Array<{ row: number, fields: Fields }>): Promise<{ imported: number, errors: RowError[] }> {
  const errors: RowError[] = []
  class Refused extends Error {}
  try {
    await db.write(async tx => {
      // The domain's own functions, inside this one transaction.
      const inTx: Db = { client: tx as unknown as Client, url: db.url, write: fn => fn(tx), read: fn => fn(tx), close () {} }
      const master = createMasterData({ db: inTx })
      for (const { row, fields } of rows) {
        const read = kind === 'products' ? readProduct(fields) : readPartner(fields)
        const errs = Object.entries(read.errors)
        if (errs.length) { for (const [field, problem] of errs) errors.push({ row, field, problem }); continue }
        try {
          if (kind === 'products') await master.createProduct(read.input as ProductInput)
          else await master.createPartner(read.input as PartnerInput)
        } catch (e) {
          if (!(e instanceof DomainError)) throw e
          errors.push({ row, field: fieldOfDomainError(e.message), problem: e.message })
        }
      }
      if (errors.length) throw new Refused()
      // Each row has its own product.create / partner.create entry; this one says they came as one file (first 100 codes).
      await recordAudit(tx, { action: `${kind}.import`, subject: `import:${kind}`, details: { rows: rows.length, codes: rows.slice(0, 100).map(r => r.fields.code?.trim()) } })
    })
  } catch (e) {
    if (!(e instanceof Refused)) throw e
    return { imported: 0, errors }
  }
  return { imported: rows.length, errors: [] }
}

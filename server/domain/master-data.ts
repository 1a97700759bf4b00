import type { Db, Sql } from '../../db/client.ts'
import { constraintOf } from '../../db/client.ts'
import * as q from '../../db/master.ts'
import { recordAudit } from '../../db/audit.ts'
import { DomainError } from './errors.ts'
import { isValidGs1Key } from './gs1.ts'
import { normalizeUnit } from './units.ts'
import type { Location, LocationKind, Partner, PartnerRole, Product } from './types.ts'

export interface ProductInput {
  code: string
  name: string
  gtin?: string | null
  unit: string
  shelfLifeDays?: number | null
  ftl?: boolean
  brand?: string | null
  commodity?: string | null
  variety?: string | null
  packSize?: string | null
  packStyle?: string | null
  netWeightKg?: number | null
}

export interface PartnerInput {
  code: string
  role: PartnerRole
  name: string
  contact?: string | null
  email?: string | null
  phone?: string | null
  address?: string | null
  city?: string | null
  state?: string | null
  zip?: string | null
  country?: string | null
  gln?: string | null
}

export interface LocationInput { code: string, kind: LocationKind, name: string, gln?: string | null }

/** Products, partners and locations: checked here, stored by db/master.ts. */
export function createMasterData ({ db, clock = () => new Date() }: { db: Db, clock?: () => Date }) {
  const now = () => clock().toISOString()
  /** The write and its audit entry commit together. */
  const audited = <T>(action: string, subject: string, details: unknown, write: (tx: Sql) => Promise<T>) => db.write(async tx => {
    const out = await write(tx)
    await recordAudit(tx, { action, subject, details, at: now() })
    return out
  })

  async function insertUnique<T> (what: string, code: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (e) {
      if (constraintOf(e) === 'SQLITE_CONSTRAINT_UNIQUE') throw new DomainError('CONFLICT', `${what} ${code} already exists (or its GTIN/GLN is already used)`, { code })
      throw e
    }
  }

  return {
    async createProduct (input: ProductInput): Promise<Product> {
      const p: Omit<Product, 'id'> = {
        code: checkCode(input.code, 'code'),
        name: required(input.name, 'name'),
        gtin: input.gtin ? checkGtin(input.gtin) : null,
        unit: normalizeUnit(input.unit),
        shelfLifeDays: input.shelfLifeDays ?? null,
        ftl: input.ftl ?? false,
        brand: input.brand ?? null,
        commodity: input.commodity ?? null,
        variety: input.variety ?? null,
        packSize: input.packSize ?? null,
        packStyle: input.packStyle ?? null,
        netWeightKg: checkWeight(input.netWeightKg ?? null)
      }
      const id = await insertUnique('Product', p.code, () => audited('product.create', `product:${p.code}`, p, tx => q.insertProduct(tx, { ...p, createdAt: now() })))
      return { id, ...p }
    },
    listProducts: () => q.listProducts(db.client),

    /** Maps a supplier's GTIN to one of our products, so its case labels fill in receipts. */
    async mapGtin (gtin: string, productCode: string, user: string): Promise<Product> {
      const g = checkGtin(gtin)
      return db.write(async tx => {
        const product = await q.getProduct(tx, productCode)
        if (!product) throw new DomainError('INVALID', `No product with code "${productCode}"`)
        const existing = await q.getProduct(tx, g)
        if (existing) throw new DomainError('CONFLICT', `GTIN ${g} already belongs to ${existing.name} (${existing.code})`)
        await q.insertGtinMapping(tx, { gtin: g, productId: product.id, user: user || 'api', createdAt: now() })
        await recordAudit(tx, { action: 'gtin.map', subject: `gtin:${g}`, user: user || undefined, details: { gtin: g, product: product.code }, at: now() })
        return product
      })
    },
    getProduct: (key: string) => q.getProduct(db.client, key),

    async createPartner (input: PartnerInput): Promise<Partner> {
      const p: Omit<Partner, 'id'> = {
        code: checkCode(input.code, 'code'),
        role: input.role,
        name: required(input.name, 'name'),
        contact: input.contact ?? null,
        email: input.email ?? null,
        phone: input.phone ?? null,
        address: input.address ?? null,
        city: input.city ?? null,
        state: input.state ?? null,
        zip: input.zip ?? null,
        country: input.country ?? null,
        gln: input.gln ? checkGln(input.gln) : null
      }
      const id = await insertUnique('Partner', p.code, () => audited('partner.create', `partner:${p.code}`, p, tx => q.insertPartner(tx, { ...p, createdAt: now() })))
      return { id, ...p }
    },
    listPartners: (role?: 'supplier' | 'customer') => q.listPartners(db.client, role),
    getPartner: (code: string) => q.getPartner(db.client, code),

    async createLocation (input: LocationInput): Promise<Location> {
      const l: Omit<Location, 'id'> = {
        code: checkCode(input.code, 'code', /^[A-Za-z0-9]{1,6}$/, '1 to 6 letters or digits (it goes into lot numbers)').toUpperCase(),
        kind: input.kind,
        name: required(input.name, 'name'),
        gln: input.gln ? checkGln(input.gln) : null
      }
      const id = await insertUnique('Location', l.code, () => audited('location.create', `location:${l.code}`, l, tx => q.insertLocation(tx, { ...l, createdAt: now() })))
      return { id, ...l }
    },
    listLocations: () => q.listLocations(db.client),
    getLocation: (code: string) => q.getLocation(db.client, code)
  }
}

export type MasterData = ReturnType<typeof createMasterData>

function required (v: string, field: string): string {
  const t = (v ?? '').trim()
  if (!t) throw new DomainError('INVALID', `${field} must not be empty`)
  return t
}

function checkCode (v: string, field: string, re = /^[A-Za-z0-9][A-Za-z0-9._\-/]{0,39}$/, rule = 'up to 40 letters, digits, dot, dash, slash or underscore'): string {
  const t = (v ?? '').trim()
  if (!re.test(t)) throw new DomainError('INVALID', `${field} "${v}" is not valid: use ${rule}`)
  return t
}

/** The schema lets "Infinity" through (coerced to a number); the database cannot store it. */
function checkWeight (kg: number | null): number | null {
  if (kg !== null && !(Number.isFinite(kg) && kg > 0)) throw new DomainError('INVALID', `netWeightKg ${kg} must be a positive number of kilograms`)
  return kg
}

/** GTIN-8/12/13 are written as GTIN-14 with leading zeros, as GS1 (01) carries them. */
export function checkGtin (v: string): string {
  const t = v.trim()
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(t)) throw new DomainError('INVALID', `GTIN "${v}" must be 8, 12, 13 or 14 digits`)
  if (!isValidGs1Key(t)) throw new DomainError('INVALID', `GTIN ${t} has a wrong check digit`)
  return t.padStart(14, '0')
}

export function checkGln (v: string): string {
  const t = v.trim()
  if (!/^\d{13}$/.test(t)) throw new DomainError('INVALID', `GLN "${v}" must be 13 digits`)
  if (!isValidGs1Key(t)) throw new DomainError('INVALID', `GLN ${t} has a wrong check digit`)
  return t
}

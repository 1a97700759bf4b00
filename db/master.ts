import type { Row } from '@libsql/client'
import type { Location, Partner, Product } from '../server/domain/types.ts'
import type { Sql } from './client.ts'

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v))

export type InsertProductArgs = Omit<Product, 'id'> & { createdAt: string }
const insertProductSql = `INSERT INTO products (code, name, gtin, unit, shelf_life_days, ftl, brand, commodity, variety, pack_size, pack_style, net_weight_kg, created_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`
export async function insertProduct (sql: Sql, a: InsertProductArgs): Promise<number> {
  const rs = await sql.execute({ sql: insertProductSql, args: [a.code, a.name, a.gtin, a.unit, a.shelfLifeDays, a.ftl ? 1 : 0, a.brand, a.commodity, a.variety, a.packSize, a.packStyle, a.netWeightKg, a.createdAt] })
  return Number(rs.rows[0]!.id)
}

const productCols = 'id, code, name, gtin, unit, shelf_life_days, ftl, brand, commodity, variety, pack_size, pack_style, net_weight_kg'
const toProduct = (r: Row): Product => ({
  id: Number(r.id), code: String(r.code), name: String(r.name), gtin: str(r.gtin), unit: String(r.unit),
  shelfLifeDays: r.shelf_life_days === null ? null : Number(r.shelf_life_days), ftl: Number(r.ftl) === 1,
  brand: str(r.brand), commodity: str(r.commodity), variety: str(r.variety), packSize: str(r.pack_size), packStyle: str(r.pack_style),
  netWeightKg: r.net_weight_kg === null ? null : Number(r.net_weight_kg)
})

export async function listProducts (sql: Sql): Promise<Product[]> {
  return (await sql.execute(`SELECT ${productCols} FROM products ORDER BY code`)).rows.map(toProduct)
}
/** By item code, by its own GTIN, or by a supplier's GTIN mapped to it. */
export async function getProduct (sql: Sql, key: string): Promise<Product | null> {
  const rs = await sql.execute({
    sql: `SELECT ${productCols} FROM products WHERE code = ?1 OR gtin = ?1 OR id = (SELECT product_id FROM gtin_map WHERE gtin = ?1)
      ORDER BY code = ?1 DESC LIMIT 1`,
    args: [key]
  })
  return rs.rows[0] ? toProduct(rs.rows[0]) : null
}

export type InsertPartnerArgs = Omit<Partner, 'id'> & { createdAt: string }
const insertPartnerSql = `INSERT INTO partners (code, role, name, contact, email, phone, address, city, state, zip, country, gln, created_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`
export async function insertPartner (sql: Sql, a: InsertPartnerArgs): Promise<number> {
  const rs = await sql.execute({ sql: insertPartnerSql, args: [a.code, a.role, a.name, a.contact, a.email, a.phone, a.address, a.city, a.state, a.zip, a.country, a.gln, a.createdAt] })
  return Number(rs.rows[0]!.id)
}

const partnerCols = 'id, code, role, name, contact, email, phone, address, city, state, zip, country, gln'
export const toPartner = (r: Row): Partner => ({
  id: Number(r.id), code: String(r.code), role: String(r.role) as Partner['role'], name: String(r.name), contact: str(r.contact),
  email: str(r.email), phone: str(r.phone), address: str(r.address), city: str(r.city), state: str(r.state), zip: str(r.zip),
  country: str(r.country), gln: str(r.gln)
})
export async function listPartners (sql: Sql, role?: 'supplier' | 'customer'): Promise<Partner[]> {
  const rs = role
    ? await sql.execute({ sql: `SELECT ${partnerCols} FROM partners WHERE role IN (?, 'both') ORDER BY code`, args: [role] })
    : await sql.execute(`SELECT ${partnerCols} FROM partners ORDER BY code`)
  return rs.rows.map(toPartner)
}
export async function getPartner (sql: Sql, code: string): Promise<Partner | null> {
  const rs = await sql.execute({ sql: `SELECT ${partnerCols} FROM partners WHERE code = ?`, args: [code] })
  return rs.rows[0] ? toPartner(rs.rows[0]) : null
}

export type InsertLocationArgs = Omit<Location, 'id'> & { createdAt: string }
export async function insertLocation (sql: Sql, a: InsertLocationArgs): Promise<number> {
  const rs = await sql.execute({ sql: 'INSERT INTO locations (code, kind, name, gln, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id', args: [a.code, a.kind, a.name, a.gln, a.createdAt] })
  return Number(rs.rows[0]!.id)
}
const toLocation = (r: Row): Location => ({ id: Number(r.id), code: String(r.code), kind: String(r.kind) as Location['kind'], name: String(r.name), gln: str(r.gln) })
export async function listLocations (sql: Sql): Promise<Location[]> {
  return (await sql.execute('SELECT id, code, kind, name, gln FROM locations ORDER BY code')).rows.map(toLocation)
}
export async function getLocation (sql: Sql, code: string): Promise<Location | null> {
  const rs = await sql.execute({ sql: 'SELECT id, code, kind, name, gln FROM locations WHERE code = ?', args: [code] })
  return rs.rows[0] ? toLocation(rs.rows[0]) : null
}

export async function listPartnersByCode (sql: Sql, codes: string[]): Promise<Partner[]> {
  const rs = await sql.execute({ sql: `SELECT ${partnerCols} FROM partners WHERE code IN (SELECT value FROM json_each(?))`, args: [JSON.stringify(codes)] })
  return rs.rows.map(toPartner)
}

export async function insertGtinMapping (sql: Sql, a: { gtin: string, productId: number, user: string, createdAt: string }): Promise<void> {
  await sql.execute({ sql: 'INSERT INTO gtin_map (gtin, product_id, user_name, created_at) VALUES (?, ?, ?, ?)', args: [a.gtin, a.productId, a.user, a.createdAt] })
}

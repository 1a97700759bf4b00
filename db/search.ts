import type { Lot } from '../server/domain/types.ts'
import type { Sql } from './client.ts'
import { lotSelect, toLot } from './records.ts'

export interface SearchLotsArgs {
  /** Our lot number, a supplier's lot code, a product code or name (contains, any case), or a GTIN (exact). */
  text?: string | null
  /** Lots shipped to this customer: its code, or part of its name. */
  customer?: string | null
  /** Lot date (received, or batch completed), YYYY-MM-DD, inclusive. */
  from?: string | null
  to?: string | null
  limit?: number
}

/** LIKE with the user's own % and _ taken literally. */
const contains = (s: string) => `%${s.replace(/[\\%_]/g, c => `\\${c}`)}%`

const searchLotsSql = `${lotSelect}
  WHERE (?1 IS NULL OR l.code LIKE ?2 ESCAPE '\\' OR l.supplier_lot_code LIKE ?2 ESCAPE '\\' OR p.code LIKE ?2 ESCAPE '\\' OR p.name LIKE ?2 ESCAPE '\\'
         OR p.gtin = ?3 OR p.id IN (SELECT product_id FROM gtin_map WHERE gtin = ?3))
    AND (?4 IS NULL OR EXISTS (SELECT 1 FROM movements m JOIN shipments sh ON sh.id = m.shipment_id JOIN partners c ON c.id = sh.customer_id
         WHERE m.lot_id = l.id AND m.kind = 'shipped' AND (c.code = ?4 COLLATE NOCASE OR c.name LIKE ?5 ESCAPE '\\')))
    AND (?6 IS NULL OR substr(e.occurred_at, 1, 10) >= ?6)
    AND (?7 IS NULL OR substr(e.occurred_at, 1, 10) <= ?7)
  ORDER BY e.occurred_at DESC, l.id DESC LIMIT ?8`

/** Lots matching every filter given; newest first. */
export async function searchLots (sql: Sql, a: SearchLotsArgs): Promise<Lot[]> {
  const text = a.text?.trim() || null
  const digits = text && /^\d{8,14}$/.test(text) ? text.padStart(14, '0') : null
  const customer = a.customer?.trim() || null
  const rs = await sql.execute({
    sql: searchLotsSql,
    args: [text, text ? contains(text) : null, digits, customer, customer ? contains(customer) : null, a.from || null, a.to || null, a.limit ?? 100]
  })
  return rs.rows.map(toLot)
}

// Both go through events_station and lots_event (migration 005), not a walk over every lot.
const stationLotsSql = `${lotSelect} WHERE l.event_id IN (SELECT x.id FROM events x WHERE x.station = ?1 AND x.kind IN ('receiving', 'batch_close')
    AND x.recorded_at >= ?2 ORDER BY x.id DESC LIMIT ?3) ORDER BY l.id DESC`

/** Lots a station recorded since `since` (ISO): a receiving dock's receipts of the day. */
export async function listStationLots (sql: Sql, station: string, since: string, limit = 20): Promise<Lot[]> {
  const rs = await sql.execute({ sql: stationLotsSql, args: [station, since, limit] })
  return rs.rows.map(toLot)
}

const lastStationLotSql = `${lotSelect} WHERE l.event_id = (SELECT x.id FROM events x WHERE x.station = ?1 AND x.kind IN ('receiving', 'batch_close') ORDER BY x.id DESC LIMIT 1)`

/** The lot a station recorded last: whose label the station page previews. */
export async function getLastStationLot (sql: Sql, station: string): Promise<Lot | null> {
  const rs = await sql.execute({ sql: lastStationLotSql, args: [station] })
  return rs.rows[0] ? toLot(rs.rows[0]) : null
}

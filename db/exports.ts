import type { Row } from '@libsql/client'
import type { Partner } from '../server/domain/types.ts'
import type { Sql } from './client.ts'
import { toPartner } from './master.ts'

/**
 * Reads behind the FDA, EPCIS and KDE exports: one query per kind of event, each filtered either by
 * lot ids (a trace) or by business date (a date range). Voided events are left out everywhere
 * (`live_movements` and the voids checks): a void says the event did not happen.
 *
 * A range is matched on the calendar date `occurred_at` is written with (its first 10 characters):
 * the caller widens it by a day each side and filters by the plant's own date (time zones).
 */
export type ExportFilter = { lotIds: number[] } | { from: string, to: string } | { shipmentId: number }

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v))
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))

/** The YYYY-MM-DD after a YYYY-MM-DD. */
const nextDay = (day: string): string => {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + 1)
  return d.toISOString().slice(0, 10)
}

/**
 * SQL condition and arguments for a filter on a lot id column or a date column.
 *
 * Every date the domain writes starts with its YYYY-MM-DD (`2026-11-22`, `2026-11-22T06:30:00Z`,
 * `2026-11-22T06:30:00-06:00`: dates.ts checkDate, or the clock's toISOString), and text compares
 * character by character, so `col >= from AND col < (the day after to)` matches exactly the values
 * whose first 10 characters are from `from` to `to`: a bare `to` date included, the next day's
 * midnight not. Unlike substr() of the column, it can use an index (migration 032).
 * `kind` (an events.kind column and its value) joins a range only: with it the range starts from
 * events_kind_occurred; a trace or a shipment must start from its lots or its shipment instead.
 */
function where (f: ExportFilter, lotCol: string, dateCol: string, shipmentCol = 'NULL', kind?: { col: string, is: string }): { cond: string, args: Array<string | number> } {
  if ('lotIds' in f) return { cond: `${lotCol} IN (SELECT value FROM json_each(?))`, args: [JSON.stringify(f.lotIds)] }
  if ('shipmentId' in f) return { cond: `${shipmentCol} = ?`, args: [f.shipmentId] }
  const range = { cond: `${dateCol} >= ? AND ${dateCol} < ?`, args: [f.from, nextDay(f.to)] }
  return kind ? { cond: `${kind.col} = ? AND ${range.cond}`, args: [kind.is, ...range.args] } : range
}

export interface PlaceRow { code: string, name: string, gln: string | null }
const place = (r: Row, p: string): PlaceRow => ({ code: String(r[`${p}_code`]), name: String(r[`${p}_name`]), gln: str(r[`${p}_gln`]) })
const refDoc = (r: Row) => r.ref_doc_number === null ? null : { type: String(r.ref_doc_type ?? ''), number: String(r.ref_doc_number) }

export interface ReceivingRow {
  eventId: number
  occurredAt: string
  lotId: number
  /** In the lot's unit. */
  quantity: number
  supplierId: number | null
  dock: PlaceRow
  referenceDocument: { type: string, number: string } | null
}
export async function listReceivingEvents (sql: Sql, f: ExportFilter): Promise<ReceivingRow[]> {
  const w = where(f, 'm.lot_id', 'e.occurred_at', 'NULL', { col: 'e.kind', is: 'receiving' })
  const rs = await sql.execute({
    // `+e.kind`: the check itself must not pick events_kind_occurred (every receipt) for a trace.
    sql: `SELECT e.id, e.occurred_at, m.lot_id, m.quantity, e.partner_id, loc.code AS dock_code, loc.name AS dock_name, loc.gln AS dock_gln, e.ref_doc_type, e.ref_doc_number
      FROM live_movements m JOIN events e ON e.id = m.event_id JOIN locations loc ON loc.id = e.location_id
      WHERE m.kind = 'received' AND +e.kind = 'receiving' AND ${w.cond} ORDER BY e.occurred_at, e.id`,
    args: w.args
  })
  return rs.rows.map(r => ({
    eventId: Number(r.id), occurredAt: String(r.occurred_at), lotId: Number(r.lot_id), quantity: Number(r.quantity),
    supplierId: num(r.partner_id), dock: place(r, 'dock'), referenceDocument: refDoc(r)
  }))
}

export interface BatchCloseRow {
  eventId: number
  occurredAt: string
  batchId: number
  batchCode: string
  line: PlaceRow
  outputLotId: number
  quantity: number
  /** The close event's document, else the one the batch was opened with (a work order). */
  referenceDocument: { type: string, number: string } | null
}
/** Closed batches whose output lot is live: each one transformation event (a produced lot's event is its batch close). */
export async function listBatchCloses (sql: Sql, f: ExportFilter): Promise<BatchCloseRow[]> {
  const w = where(f, 'o.id', 'e.occurred_at', 'NULL', { col: 'e.kind', is: 'batch_close' })
  const rs = await sql.execute({
    sql: `SELECT e.id, e.occurred_at, b.id AS batch_id, b.code AS batch_code, loc.code AS line_code, loc.name AS line_name, loc.gln AS line_gln, o.id AS lot_id,
        (SELECT SUM(m.quantity) FROM movements m WHERE m.event_id = e.id AND m.lot_id = o.id AND m.kind = 'produced') AS quantity,
        COALESCE(e.ref_doc_type, oe.ref_doc_type) AS ref_doc_type, COALESCE(e.ref_doc_number, oe.ref_doc_number) AS ref_doc_number
      FROM lots o JOIN batches b ON b.id = o.batch_id JOIN events e ON e.id = o.event_id JOIN events oe ON oe.id = b.open_event_id JOIN locations loc ON loc.id = b.line_id
      WHERE o.origin = 'produced' AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.event_id = o.event_id) AND ${w.cond} ORDER BY e.occurred_at, e.id`,
    args: w.args
  })
  return rs.rows.map(r => ({
    eventId: Number(r.id), occurredAt: String(r.occurred_at), batchId: Number(r.batch_id), batchCode: String(r.batch_code), line: place(r, 'line'),
    outputLotId: Number(r.lot_id), quantity: Number(r.quantity ?? 0), referenceDocument: refDoc(r)
  }))
}

export interface BatchInputTotalRow { batchId: number, lotId: number, quantity: number }
/** Live inputs of the batches, one row per batch and input lot (a lot fed twice is summed), in the input lot's unit. */
export async function listBatchInputTotals (sql: Sql, batchIds: number[]): Promise<BatchInputTotalRow[]> {
  const rs = await sql.execute({
    sql: `SELECT m.batch_id, m.lot_id, -SUM(m.quantity) AS quantity, MIN(m.id) AS first FROM live_movements m
      WHERE m.kind = 'consumed' AND m.batch_id IN (SELECT value FROM json_each(?)) GROUP BY m.batch_id, m.lot_id ORDER BY m.batch_id, first`,
    args: [JSON.stringify(batchIds)]
  })
  return rs.rows.map(r => ({ batchId: Number(r.batch_id), lotId: Number(r.lot_id), quantity: Number(r.quantity) }))
}

export interface ShippedLineRow {
  shipmentId: number
  eventId: number
  occurredAt: string
  customerId: number
  shipFrom: PlaceRow
  referenceDocument: { type: string, number: string } | null
  lotId: number
  quantity: number
}
/** Live shipment lines, one per shipment and lot (summed), oldest shipment first (a shipment's event is its shipping). */
export async function listShippedLines (sql: Sql, f: ExportFilter): Promise<ShippedLineRow[]> {
  const w = where(f, 'm.lot_id', 'e.occurred_at', 's.id', { col: 'e.kind', is: 'shipping' })
  const rs = await sql.execute({
    sql: `SELECT s.id AS shipment_id, e.id, e.occurred_at, s.customer_id, loc.code AS from_code, loc.name AS from_name, loc.gln AS from_gln,
        e.ref_doc_type, e.ref_doc_number, m.lot_id, -SUM(m.quantity) AS quantity, MIN(m.id) AS first
      FROM live_movements m JOIN shipments s ON s.id = m.shipment_id JOIN events e ON e.id = s.event_id JOIN locations loc ON loc.id = s.ship_from_id
      WHERE m.kind = 'shipped' AND ${w.cond} GROUP BY s.id, m.lot_id ORDER BY e.occurred_at, s.id, first`,
    args: w.args
  })
  return rs.rows.map(r => ({
    shipmentId: Number(r.shipment_id), eventId: Number(r.id), occurredAt: String(r.occurred_at), customerId: Number(r.customer_id),
    shipFrom: place(r, 'from'), referenceDocument: refDoc(r), lotId: Number(r.lot_id), quantity: Number(r.quantity)
  }))
}

/** SSCCs on the shipments, with the lot each pallet holds (null for an SSCC we did not build). */
export async function listShipmentSsccs (sql: Sql, shipmentIds: number[]): Promise<Array<{ shipmentId: number, sscc: string, lotId: number | null }>> {
  const rs = await sql.execute({
    sql: `SELECT sp.shipment_id, sp.sscc, p.lot_id FROM shipment_pallets sp LEFT JOIN pallets p ON p.sscc = sp.sscc
      WHERE sp.shipment_id IN (SELECT value FROM json_each(?)) ORDER BY sp.shipment_id, sp.sscc`,
    args: [JSON.stringify(shipmentIds)]
  })
  return rs.rows.map(r => ({ shipmentId: Number(r.shipment_id), sscc: String(r.sscc), lotId: num(r.lot_id) }))
}

/** Whether a shipment exists and whether its event was voided; null when there is no such shipment. */
export async function getShipmentState (sql: Sql, id: number): Promise<{ voided: boolean } | null> {
  const rs = await sql.execute({ sql: 'SELECT EXISTS (SELECT 1 FROM voids v WHERE v.event_id = s.event_id) AS voided FROM shipments s WHERE s.id = ?', args: [id] })
  return rs.rows[0] ? { voided: Number(rs.rows[0].voided) === 1 } : null
}

export interface PalletRow { id: number, sscc: string, lotId: number, count: number, createdAt: string, station: string | null }
export async function listPallets (sql: Sql, f: ExportFilter): Promise<PalletRow[]> {
  const w = where(f, 'p.lot_id', 'p.created_at')
  const rs = await sql.execute({ sql: `SELECT p.id, p.sscc, p.lot_id, p.count, p.created_at, p.station FROM pallets p WHERE ${w.cond} ORDER BY p.created_at, p.id`, args: w.args })
  return rs.rows.map(r => ({ id: Number(r.id), sscc: String(r.sscc), lotId: Number(r.lot_id), count: Number(r.count), createdAt: String(r.created_at), station: str(r.station) }))
}

export interface ExportLotRow {
  id: number
  code: string
  unit: string
  origin: 'received' | 'produced'
  supplierLotCode: string | null
  tlcSource: string | null
  bestBefore: string | null
  expiryDate: string | null
  qcStatus: string | null
  product: { code: string, name: string, gtin: string | null, brand: string | null, commodity: string | null, variety: string | null, packSize: string | null, packStyle: string | null }
}
/** Lots with the product description FSMA 204 asks for (name, brand, commodity, variety, pack size and style). */
export async function listExportLots (sql: Sql, ids: number[]): Promise<ExportLotRow[]> {
  const rs = await sql.execute({
    sql: `SELECT l.id, l.code, l.unit, l.origin, l.supplier_lot_code, l.tlc_source, l.best_before, l.expiry_date, l.qc_status,
        p.code AS p_code, p.name AS p_name, p.gtin, p.brand, p.commodity, p.variety, p.pack_size, p.pack_style
      FROM lots l JOIN products p ON p.id = l.product_id WHERE l.id IN (SELECT value FROM json_each(?))`,
    args: [JSON.stringify(ids)]
  })
  return rs.rows.map(r => ({
    id: Number(r.id), code: String(r.code), unit: String(r.unit), origin: String(r.origin) as ExportLotRow['origin'], supplierLotCode: str(r.supplier_lot_code),
    tlcSource: str(r.tlc_source), bestBefore: str(r.best_before), expiryDate: str(r.expiry_date), qcStatus: str(r.qc_status),
    product: { code: String(r.p_code), name: String(r.p_name), gtin: str(r.gtin), brand: str(r.brand), commodity: str(r.commodity), variety: str(r.variety), packSize: str(r.pack_size), packStyle: str(r.pack_style) }
  }))
}

export async function listPartnersById (sql: Sql, ids: number[]): Promise<Partner[]> {
  const rs = await sql.execute({
    sql: 'SELECT id, code, role, name, contact, email, phone, address, city, state, zip, country, gln FROM partners WHERE id IN (SELECT value FROM json_each(?))',
    args: [JSON.stringify(ids)]
  })
  return rs.rows.map(toPartner)
}

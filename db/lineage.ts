import type { Row } from '@libsql/client'
import type { Sql } from './client.ts'

/**
 * Lineage walks. Each direction is ONE recursive query over the lot_edges view (consumed input →
 * the batch's output lot). `UNION` (not UNION ALL) keeps each lot once, so a loop left by a data
 * error ends the walk instead of hanging it.
 */

export interface EdgeRow {
  fromLot: number
  toLot: number
  batchCode: string
  eventId: number
  /** In the input lot's unit. */
  quantity: number
  enteredQuantity: number
  enteredUnit: string
  date: string
}

const edgeCols = `e.from_lot, e.to_lot, b.code AS batch_code, e.event_id, -e.quantity AS quantity, e.entered_quantity, e.entered_unit, ev.occurred_at`
const toEdge = (r: Row): EdgeRow => ({
  fromLot: Number(r.from_lot), toLot: Number(r.to_lot), batchCode: String(r.batch_code), eventId: Number(r.event_id),
  quantity: Number(r.quantity), enteredQuantity: Number(r.entered_quantity), enteredUnit: String(r.entered_unit), date: String(r.occurred_at)
})

const listAncestorEdgesSql = `WITH RECURSIVE up(lot_id) AS (
    SELECT ?1
    UNION
    SELECT e.from_lot FROM lot_edges e JOIN up ON e.to_lot = up.lot_id
  )
  SELECT ${edgeCols} FROM lot_edges e JOIN up ON e.to_lot = up.lot_id
  JOIN batches b ON b.id = e.batch_id JOIN events ev ON ev.id = e.event_id`
/** Every edge on the way back from a lot to its sources. */
export async function listAncestorEdges (sql: Sql, lotId: number): Promise<EdgeRow[]> {
  return (await sql.execute({ sql: listAncestorEdgesSql, args: [lotId] })).rows.map(toEdge)
}

const listDescendantEdgesSql = `WITH RECURSIVE down(lot_id) AS (
    SELECT ?1
    UNION
    SELECT e.to_lot FROM lot_edges e JOIN down ON e.from_lot = down.lot_id
  )
  SELECT ${edgeCols} FROM lot_edges e JOIN down ON e.from_lot = down.lot_id
  JOIN batches b ON b.id = e.batch_id JOIN events ev ON ev.id = e.event_id`
/** Every edge from a lot to everything made from it. */
export async function listDescendantEdges (sql: Sql, lotId: number): Promise<EdgeRow[]> {
  return (await sql.execute({ sql: listDescendantEdgesSql, args: [lotId] })).rows.map(toEdge)
}

export interface ShipmentLineRow {
  lotId: number
  shipmentId: number
  eventId: number
  shipDate: string
  quantity: number
  unit: string
  refDocType: string | null
  refDocNumber: string | null
  customer: Row
  shipFrom: string
}
const listShipmentLinesSql = `SELECT m.lot_id, s.id AS shipment_id, s.event_id, e.occurred_at, -m.quantity AS quantity, l.unit, e.ref_doc_type, e.ref_doc_number,
    c.id, c.code, c.role, c.name, c.contact, c.email, c.phone, c.address, c.city, c.state, c.zip, c.country, c.gln, loc.code AS ship_from
  FROM live_movements m JOIN shipments s ON s.id = m.shipment_id JOIN events e ON e.id = s.event_id JOIN lots l ON l.id = m.lot_id
  JOIN partners c ON c.id = s.customer_id JOIN locations loc ON loc.id = s.ship_from_id
  WHERE m.kind = 'shipped' AND m.lot_id IN (SELECT value FROM json_each(?))
  ORDER BY e.occurred_at, s.id`
/** Shipment lines of the given lots: who received them, when, how much, on which document. */
export async function listShipmentLines (sql: Sql, lotIds: number[]): Promise<ShipmentLineRow[]> {
  const rs = await sql.execute({ sql: listShipmentLinesSql, args: [JSON.stringify(lotIds)] })
  return rs.rows.map(r => ({
    lotId: Number(r.lot_id), shipmentId: Number(r.shipment_id), eventId: Number(r.event_id), shipDate: String(r.occurred_at), quantity: Number(r.quantity),
    unit: String(r.unit), refDocType: r.ref_doc_type === null ? null : String(r.ref_doc_type), refDocNumber: r.ref_doc_number === null ? null : String(r.ref_doc_number),
    customer: r, shipFrom: String(r.ship_from)
  }))
}

export interface OpenUseRow { lotId: number, batchCode: string, line: string, quantity: number, date: string }
const listOpenBatchUsesSql = `SELECT m.lot_id, b.code, loc.code AS line, -m.quantity AS quantity, e.occurred_at
  FROM live_movements m JOIN batches b ON b.id = m.batch_id JOIN locations loc ON loc.id = b.line_id JOIN events e ON e.id = m.event_id
  WHERE m.kind = 'consumed' AND m.lot_id IN (SELECT value FROM json_each(?))
    AND NOT EXISTS (SELECT 1 FROM lots o WHERE o.batch_id = b.id AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.event_id = o.event_id))`
/** Inputs fed into batches that have no output lot yet: product in progress a recall must not miss. */
export async function listOpenBatchUses (sql: Sql, lotIds: number[]): Promise<OpenUseRow[]> {
  const rs = await sql.execute({ sql: listOpenBatchUsesSql, args: [JSON.stringify(lotIds)] })
  return rs.rows.map(r => ({ lotId: Number(r.lot_id), batchCode: String(r.code), line: String(r.line), quantity: Number(r.quantity), date: String(r.occurred_at) }))
}

import type { Row } from '@libsql/client'
import type { Sql } from './client.ts'

/**
 * Lineage walks. Each direction is ONE recursive query over the lot_edges view (consumed input →
 * the batch's output lot) that carries the edges themselves, so the edges are read once. `UNION`
 * (not UNION ALL) keeps each edge once, so a loop left by a data error ends the walk instead of
 * hanging it.
 *
 * Performance: the walk's result is joined with CROSS JOIN, which makes SQLite keep the walk as
 * the outer loop and look batches and events up by primary key. With a plain JOIN (and no
 * ANALYZE statistics, as on every plant database) the planner guesses the walk is large and
 * builds an automatic index over all of movements or scans all batches on every trace: 30 ms on
 * 160,000 movements, growing with the plant's history (bench/run.ts measured it).
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

const toEdge = (r: Row): EdgeRow => ({
  fromLot: Number(r.from_lot), toLot: Number(r.to_lot), batchCode: String(r.batch_code), eventId: Number(r.event_id),
  quantity: Number(r.quantity), enteredQuantity: Number(r.entered_quantity), enteredUnit: String(r.entered_unit), date: String(r.occurred_at)
})

const walkCols = 'e.from_lot, e.to_lot, e.batch_id, e.event_id, e.quantity, e.entered_quantity, e.entered_unit'
const edgeWalkSql = (first: string, next: string) => `WITH RECURSIVE walk(from_lot, to_lot, batch_id, event_id, quantity, entered_quantity, entered_unit) AS (
    SELECT ${walkCols} FROM lot_edges e WHERE ${first}
    UNION
    SELECT ${walkCols} FROM walk w JOIN lot_edges e ON ${next}
  )
  SELECT w.from_lot, w.to_lot, b.code AS batch_code, w.event_id, -w.quantity AS quantity, w.entered_quantity, w.entered_unit, ev.occurred_at
  FROM walk w CROSS JOIN batches b ON b.id = w.batch_id CROSS JOIN events ev ON ev.id = w.event_id`

const listAncestorEdgesSql = edgeWalkSql('e.to_lot = ?1', 'e.to_lot = w.from_lot')
/** Every edge on the way back from a lot to its sources. */
export async function listAncestorEdges (sql: Sql, lotId: number): Promise<EdgeRow[]> {
  return (await sql.execute({ sql: listAncestorEdgesSql, args: [lotId] })).rows.map(toEdge)
}

const listDescendantEdgesSql = edgeWalkSql('e.from_lot = ?1', 'e.from_lot = w.to_lot')
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
  customerCode: string
  shipFrom: string
}
type ShipmentLineTuple = [number, number, number, string, string, string, string | null, string | null, string, string]
/**
 * One row holding every line as a JSON array: a lot used in thousands of batches reaches tens of
 * thousands of shipment lines, and @libsql/client builds a row object property by property
 * (~9 µs a row of 10 columns), while JSON.parse takes well under 1 µs a line. Quantities go as
 * 17-digit text because SQLite's JSON writes reals with 15 significant digits.
 */
const listShipmentLinesSql = `SELECT json_group_array(json_array(m.lot_id, s.id, s.event_id, e.occurred_at, printf('%!.17g', -m.quantity), l.unit,
      e.ref_doc_type, e.ref_doc_number, c.code, loc.code) ORDER BY e.occurred_at, s.id) AS lines
  FROM live_movements m JOIN shipments s ON s.id = m.shipment_id JOIN events e ON e.id = s.event_id JOIN lots l ON l.id = m.lot_id
  JOIN partners c ON c.id = s.customer_id JOIN locations loc ON loc.id = s.ship_from_id
  WHERE m.kind = 'shipped' AND m.lot_id IN (SELECT value FROM json_each(?))`
/** Shipment lines of the given lots, oldest first: who received them (customer code), when, how much, on which document. */
export async function listShipmentLines (sql: Sql, lotIds: number[]): Promise<ShipmentLineRow[]> {
  const rs = await sql.execute({ sql: listShipmentLinesSql, args: [JSON.stringify(lotIds)] })
  const lines = JSON.parse(String(rs.rows[0]!.lines)) as ShipmentLineTuple[]
  return lines.map(([lotId, shipmentId, eventId, shipDate, quantity, unit, refDocType, refDocNumber, customerCode, shipFrom]) => ({
    lotId, shipmentId, eventId, shipDate, quantity: Number(quantity), unit, refDocType, refDocNumber, customerCode, shipFrom
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

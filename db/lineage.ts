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
type EdgeTuple = [number, number, string, number, string, string, string, string]

/**
 * Results that can run to tens of thousands of rows (a salt lot used in thousands of batches) come
 * back as ONE row holding a JSON array: @libsql/client builds each row object property by property
 * (about 9 µs a row of 10 columns), while JSON.parse takes well under 1 µs a row. Reals go as
 * 17-digit text because SQLite's JSON writes them with 15 significant digits.
 */
async function jsonRows<T> (sql: Sql, query: string, args: Array<string | number>): Promise<T[]> {
  const rs = await sql.execute({ sql: query, args })
  const text = rs.rows[0]?.[0]
  return text === null || text === undefined ? [] : JSON.parse(String(text)) as T[]
}

const walkCols = 'e.from_lot, e.to_lot, e.batch_id, e.event_id, e.quantity, e.entered_quantity, e.entered_unit'
const edgeWalkSql = (first: string, next: string) => `WITH RECURSIVE walk(from_lot, to_lot, batch_id, event_id, quantity, entered_quantity, entered_unit) AS (
    SELECT ${walkCols} FROM lot_edges e WHERE ${first}
    UNION
    SELECT ${walkCols} FROM walk w JOIN lot_edges e ON ${next}
  )
  SELECT json_group_array(json_array(w.from_lot, w.to_lot, b.code, w.event_id, printf('%!.17g', -w.quantity), printf('%!.17g', w.entered_quantity),
      w.entered_unit, ev.occurred_at))
  FROM walk w CROSS JOIN batches b ON b.id = w.batch_id CROSS JOIN events ev ON ev.id = w.event_id`
const toEdge = ([fromLot, toLot, batchCode, eventId, quantity, enteredQuantity, enteredUnit, date]: EdgeTuple): EdgeRow =>
  ({ fromLot, toLot, batchCode, eventId, quantity: Number(quantity), enteredQuantity: Number(enteredQuantity), enteredUnit, date })

const listAncestorEdgesSql = edgeWalkSql('e.to_lot = ?1', 'e.to_lot = w.from_lot')
/** Every edge on the way back from a lot to its sources. */
export async function listAncestorEdges (sql: Sql, lotId: number): Promise<EdgeRow[]> {
  return (await jsonRows<EdgeTuple>(sql, listAncestorEdgesSql, [lotId])).map(toEdge)
}

const listDescendantEdgesSql = edgeWalkSql('e.from_lot = ?1', 'e.from_lot = w.to_lot')
/** Every edge from a lot to everything made from it. */
export async function listDescendantEdges (sql: Sql, lotId: number): Promise<EdgeRow[]> {
  return (await jsonRows<EdgeTuple>(sql, listDescendantEdgesSql, [lotId])).map(toEdge)
}

export interface ShipmentRow {
  id: number
  customerCode: string
  shipFrom: string
  shipDate: string
  refDocType: string | null
  refDocNumber: string | null
  /** Only the lines of the lots asked for, in the lot's unit, as positive amounts. */
  lines: Array<{ lotId: number, quantity: number }>
}
type ShippedTuple = [number, number, string]
type ShipmentTuple = [number, string, string, string, string | null, string | null]

/*
 * Shipment lines in two narrow reads instead of one wide join: the shipped movements of the lots
 * (lot, shipment, quantity: read from the movements_shipped index alone, migration 031), then each
 * shipment those lines belong to, once. A lot used in thousands of batches reaches ~72,000 lines
 * in ~7,600 shipments (bench/run.ts, issue 7); joining events, lots and partners per line cost
 * 255 ms, these two reads ~45 ms. A shipment is voided as a whole (its lines carry its event id),
 * so the void check is made once per shipment.
 */
const listShippedSql = `SELECT json_group_array(json_array(m.lot_id, m.shipment_id, printf('%!.17g', -m.quantity)))
  FROM movements m WHERE m.kind = 'shipped' AND m.lot_id IN (SELECT value FROM json_each(?))`
const listShipmentsSql = `SELECT json_group_array(json_array(s.id, c.code, loc.code, e.occurred_at, e.ref_doc_type, e.ref_doc_number))
  FROM (SELECT s.* FROM shipments s WHERE s.id IN (SELECT value FROM json_each(?))
    AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.event_id = s.event_id) ORDER BY s.id) s
  CROSS JOIN events e ON e.id = s.event_id CROSS JOIN partners c ON c.id = s.customer_id CROSS JOIN locations loc ON loc.id = s.ship_from_id`
/** The live shipments that carried any of the given lots, oldest first, each with those lots' lines. */
export async function listShipmentsOfLots (sql: Sql, lotIds: number[]): Promise<ShipmentRow[]> {
  const shipped = await jsonRows<ShippedTuple>(sql, listShippedSql, [JSON.stringify(lotIds)])
  if (shipped.length === 0) return []
  const lines = new Map<number, ShipmentRow['lines']>()
  for (const [lotId, shipmentId, quantity] of shipped) {
    const list = lines.get(shipmentId)
    if (list) list.push({ lotId, quantity: Number(quantity) })
    else lines.set(shipmentId, [{ lotId, quantity: Number(quantity) }])
  }
  const shipments = await jsonRows<ShipmentTuple>(sql, listShipmentsSql, [JSON.stringify([...lines.keys()])])
  return shipments
    .map(([id, customerCode, shipFrom, shipDate, refDocType, refDocNumber]) => ({ id, customerCode, shipFrom, shipDate, refDocType, refDocNumber, lines: lines.get(id)! }))
    .sort((a, b) => a.shipDate < b.shipDate ? -1 : a.shipDate > b.shipDate ? 1 : a.id - b.id)
}

export interface OpenUseRow { lotId: number, batchCode: string, line: string, quantity: number, date: string }
const listOpenBatchUsesSql = `SELECT m.lot_id, b.code, loc.code AS line, -m.quantity AS quantity, e.occurred_at
  FROM live_movements m JOIN batches b ON b.id = m.batch_id JOIN locations loc ON loc.id = b.line_id JOIN events e ON e.id = m.event_id
  WHERE m.kind = 'consumed' AND m.lot_id IN (SELECT value FROM json_each(?))
    AND NOT EXISTS (SELECT 1 FROM lots o WHERE o.batch_id = b.id AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.event_id = o.event_id))`
/** Inputs fed into batches that have no output lot yet: product in progress a recall must not miss. */
export async function listOpenBatchUses (sql: Sql, lotIds: number[]): Promise<OpenUseRow[]> {
  if (lotIds.length === 0) return []
  const rs = await sql.execute({ sql: listOpenBatchUsesSql, args: [JSON.stringify(lotIds)] })
  return rs.rows.map(r => ({ lotId: Number(r.lot_id), batchCode: String(r.code), line: String(r.line), quantity: Number(r.quantity), date: String(r.occurred_at) }))
}

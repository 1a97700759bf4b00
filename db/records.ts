import type { Row } from '@libsql/client'
import type { EventKind, EventRecord, Lot, MassBalance } from '../server/domain/types.ts'
import { beforeCommit, type Sql } from './client.ts'
import { canonical, chainHash, nextLink, sealEvent } from './audit.ts'

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v))
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))

export interface InsertEventArgs {
  kind: EventKind
  occurredAt: string
  recordedAt: string
  user: string
  station: string | null
  locationId?: number | null
  partnerId?: number | null
  refDocType?: string | null
  refDocNumber?: string | null
  batchId?: number | null
  shipmentId?: number | null
  correctsEventId?: number | null
  reason?: string | null
  note?: string | null
  requestId?: string | null
}
const insertEventSql = `INSERT INTO events (id, kind, occurred_at, recorded_at, user_name, station, location_id, partner_id, ref_doc_type, ref_doc_number,
  batch_id, shipment_id, corrects_event_id, reason, note, request_id, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
/**
 * Appends an event chained to the one before it (db/audit.ts), and its audit entry, sealed just
 * before the transaction commits so that it also covers the lots and movements written after
 * this row. Must run inside db.write().
 */
export async function insertEvent (sql: Sql, a: InsertEventArgs): Promise<number> {
  const link = await nextLink(sql, 'events')
  const values = canonical('events', {
    id: link.id, kind: a.kind, occurred_at: a.occurredAt, recorded_at: a.recordedAt, user_name: a.user, station: a.station, location_id: a.locationId,
    partner_id: a.partnerId, ref_doc_type: a.refDocType, ref_doc_number: a.refDocNumber, batch_id: a.batchId, shipment_id: a.shipmentId,
    corrects_event_id: a.correctsEventId, reason: a.reason, note: a.note, request_id: a.requestId
  })
  const seal = () => sealEvent(sql, { id: link.id, kind: a.kind, user: a.user, station: a.station, at: a.recordedAt })
  if (!beforeCommit(sql, seal)) throw new Error('insertEvent must run inside db.write(): its audit entry is sealed when the transaction commits')
  await sql.execute({ sql: insertEventSql, args: [...values, link.prevHash, chainHash(link.prevHash, 'events', values)] })
  return link.id
}

export async function insertVoid (sql: Sql, eventId: number, voidEventId: number): Promise<void> {
  await sql.execute({ sql: 'INSERT INTO voids (event_id, void_event_id) VALUES (?, ?)', args: [eventId, voidEventId] })
}

export interface InsertLotArgs {
  code: string
  productId: number
  unit: string
  origin: 'received' | 'produced'
  eventId: number
  batchId?: number | null
  supplierId?: number | null
  supplierLotCode?: string | null
  tlcSource?: string | null
  productionDate?: string | null
  bestBefore?: string | null
  expiryDate?: string | null
  qcStatus?: 'accepted' | 'rejected' | null
  qcTemperatureC?: number | null
  qcNote?: string | null
  createdAt: string
}
export async function insertLot (sql: Sql, a: InsertLotArgs): Promise<number> {
  const rs = await sql.execute({
    sql: `INSERT INTO lots (code, product_id, unit, origin, event_id, batch_id, supplier_id, supplier_lot_code, tlc_source, production_date, best_before,
      expiry_date, qc_status, qc_temperature_c, qc_note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    args: [a.code, a.productId, a.unit, a.origin, a.eventId, a.batchId ?? null, a.supplierId ?? null, a.supplierLotCode ?? null, a.tlcSource ?? null,
      a.productionDate ?? null, a.bestBefore ?? null, a.expiryDate ?? null, a.qcStatus ?? null, a.qcTemperatureC ?? null, a.qcNote ?? null, a.createdAt]
  })
  return Number(rs.rows[0]!.id)
}

export interface InsertMovementArgs {
  eventId: number
  lotId: number
  kind: 'received' | 'produced' | 'consumed' | 'shipped' | 'adjusted'
  /** Signed, in the lot's unit: negative for consumed and shipped. */
  quantity: number
  enteredQuantity: number
  enteredUnit: string
  batchId?: number | null
  shipmentId?: number | null
}
export async function insertMovement (sql: Sql, a: InsertMovementArgs): Promise<void> {
  await sql.execute({
    sql: 'INSERT INTO movements (event_id, lot_id, kind, quantity, entered_quantity, entered_unit, batch_id, shipment_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    args: [a.eventId, a.lotId, a.kind, a.quantity, a.enteredQuantity, a.enteredUnit, a.batchId ?? null, a.shipmentId ?? null]
  })
}

export async function insertBatch (sql: Sql, a: { code: string, productId: number, lineId: number, openEventId: number, createdAt: string }): Promise<number> {
  const rs = await sql.execute({ sql: 'INSERT INTO batches (code, product_id, line_id, open_event_id, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id', args: [a.code, a.productId, a.lineId, a.openEventId, a.createdAt] })
  return Number(rs.rows[0]!.id)
}

export async function insertShipment (sql: Sql, a: { customerId: number, shipFromId: number, eventId: number, createdAt: string }): Promise<number> {
  const rs = await sql.execute({ sql: 'INSERT INTO shipments (customer_id, ship_from_id, event_id, created_at) VALUES (?, ?, ?, ?) RETURNING id', args: [a.customerId, a.shipFromId, a.eventId, a.createdAt] })
  return Number(rs.rows[0]!.id)
}

export const lotSelect = `SELECT l.id, l.code, l.unit, l.origin, l.supplier_lot_code, l.tlc_source, l.production_date, l.best_before, l.expiry_date,
    l.qc_status, l.qc_temperature_c, l.qc_note, l.created_at, l.product_id, l.event_id,
    p.code AS product_code, p.name AS product_name, p.gtin AS product_gtin,
    s.code AS supplier_code, s.name AS supplier_name, b.code AS batch_code,
    e.occurred_at, e.ref_doc_type, e.ref_doc_number, loc.code AS location_code,
    EXISTS (SELECT 1 FROM voids v WHERE v.event_id = l.event_id) AS voided
  FROM lots l JOIN products p ON p.id = l.product_id JOIN events e ON e.id = l.event_id
  LEFT JOIN partners s ON s.id = l.supplier_id LEFT JOIN batches b ON b.id = l.batch_id LEFT JOIN locations loc ON loc.id = e.location_id`

export const toLot = (r: Row): Lot => ({
  id: Number(r.id),
  code: String(r.code),
  product: { code: String(r.product_code), name: String(r.product_name), gtin: str(r.product_gtin) },
  unit: String(r.unit),
  origin: String(r.origin) as Lot['origin'],
  supplier: r.supplier_code === null ? null : { code: String(r.supplier_code), name: String(r.supplier_name) },
  supplierLotCode: str(r.supplier_lot_code),
  tlcSource: str(r.tlc_source),
  batch: str(r.batch_code),
  productionDate: str(r.production_date),
  bestBefore: str(r.best_before),
  expiryDate: str(r.expiry_date),
  qc: r.qc_status === null ? null : { status: String(r.qc_status) as 'accepted' | 'rejected', temperatureC: num(r.qc_temperature_c), note: str(r.qc_note) },
  createdAt: String(r.created_at),
  date: String(r.occurred_at),
  location: str(r.location_code),
  referenceDocument: r.ref_doc_number === null ? null : { type: String(r.ref_doc_type ?? ''), number: String(r.ref_doc_number) },
  voided: Number(r.voided) === 1
})

export async function getLotByCode (sql: Sql, code: string): Promise<Lot | null> {
  const rs = await sql.execute({ sql: `${lotSelect} WHERE l.code = ?`, args: [code] })
  return rs.rows[0] ? toLot(rs.rows[0]) : null
}
export async function getLotById (sql: Sql, id: number): Promise<Lot | null> {
  const rs = await sql.execute({ sql: `${lotSelect} WHERE l.id = ?`, args: [id] })
  return rs.rows[0] ? toLot(rs.rows[0]) : null
}
/** Our lots whose supplier lot code (TLC) is `code`: how a supplier's case label finds our lot. */
export async function listLotsBySupplierLot (sql: Sql, code: string): Promise<Lot[]> {
  return (await sql.execute({ sql: `${lotSelect} WHERE l.supplier_lot_code = ? ORDER BY l.id`, args: [code] })).rows.map(toLot)
}

/** What is left of a lot, in its unit: the sum of its live (not voided) movements. */
export async function getOnHand (sql: Sql, lotId: number): Promise<number> {
  const rs = await sql.execute({ sql: 'SELECT COALESCE(SUM(quantity), 0) AS q FROM live_movements WHERE lot_id = ?', args: [lotId] })
  return Number(rs.rows[0]!.q)
}

/**
 * One sum per lot and kind, each read from the movements_lot index alone (migration 010), instead
 * of a GROUP BY over live_movements: a trace asks for the balance of every lot it reaches, and a
 * backward trace of any cookie lot reaches the salt lot with thousands of movements. Sorting those
 * into a temporary B-tree and reading each movement row was most of a backward trace (bench/run.ts,
 * issue 7: 3.4 ms -> 1.1 ms for a typical trace's lots). NOT IN is live_movements' NOT EXISTS
 * (voids.event_id is never NULL) without a correlated subquery per movement. q is NULL for a kind
 * with no live movement.
 */
const balanceSql = `SELECT json_group_array(json_array(lot_id, unit, kind, q)) FROM (SELECT l.id AS lot_id, l.unit, k.kind,
    (SELECT SUM(m.quantity) FROM movements m WHERE m.lot_id = l.id AND m.kind = k.kind
      AND m.event_id NOT IN (SELECT event_id FROM voids)) AS q
  FROM lots l CROSS JOIN (SELECT 'adjusted' AS kind UNION ALL SELECT 'consumed' UNION ALL SELECT 'produced' UNION ALL SELECT 'received' UNION ALL SELECT 'shipped') k
  WHERE l.id IN (SELECT value FROM json_each(?)))`
/** Mass balance of each lot: received or produced, consumed, shipped, adjusted, on hand (consumed and shipped as positive amounts). */
export async function listBalances (sql: Sql, lotIds: number[]): Promise<Map<number, MassBalance>> {
  const out = new Map<number, MassBalance>()
  if (lotIds.length === 0) return out
  const rs = await sql.execute({ sql: balanceSql, args: [JSON.stringify(lotIds)] })
  // One JSON row, like listLotsById: a trace asks for thousands of lots' balances. SQLite's JSON
  // keeps 15 significant digits of each sum, beyond any quantity a plant weighs.
  for (const [id, unit, kind, q] of JSON.parse(String(rs.rows[0]![0])) as Array<[number, string, 'received' | 'produced' | 'consumed' | 'shipped' | 'adjusted', number | null]>) {
    if (q === null) continue
    const b = out.get(id) ?? { unit, received: 0, produced: 0, consumed: 0, shipped: 0, adjusted: 0, onHand: 0 }
    b[kind] = kind === 'consumed' || kind === 'shipped' ? -q : q
    b.onHand += q
    out.set(id, b)
  }
  for (const b of out.values()) b.onHand = Math.round(b.onHand * 1e9) / 1e9 // as roundQuantity in domain/units.ts
  return out
}

/** What a station's rules read of a lot: its own row and its product, not its supplier, batch or creating event. */
export type LotRow = Pick<Lot, 'id' | 'code' | 'product' | 'unit' | 'origin' | 'qc' | 'voided'>
/**
 * A lot and its mass balance in one statement, without its event list: what a station needs to
 * judge a scan (a lot with years of events costs no more than a new one). Two tables, not
 * lotSelect's six: a scan compiles this statement each time, and the joins were half its cost.
 * The balance is the same per-kind sums as listBalances, read through the same JSON, so it equals
 * getLot's to the last digit; one statement is one snapshot. Null for an unknown code.
 */
const lotWithBalanceSql = `SELECT l.id, l.code, l.unit, l.origin, l.qc_status, l.qc_temperature_c, l.qc_note,
    p.code AS product_code, p.name AS product_name, p.gtin AS product_gtin,
    EXISTS (SELECT 1 FROM voids v WHERE v.event_id = l.event_id) AS voided,
    (SELECT json_group_array(json_array(k.kind,
        (SELECT SUM(m.quantity) FROM movements m WHERE m.lot_id = l.id AND m.kind = k.kind AND m.event_id NOT IN (SELECT event_id FROM voids))))
      FROM (SELECT 'adjusted' AS kind UNION ALL SELECT 'consumed' UNION ALL SELECT 'produced' UNION ALL SELECT 'received' UNION ALL SELECT 'shipped') k) AS balance
  FROM lots l JOIN products p ON p.id = l.product_id WHERE l.code = ?`
export async function getLotWithBalance (sql: Sql, code: string): Promise<{ lot: LotRow, balance: MassBalance } | null> {
  const r = (await sql.execute({ sql: lotWithBalanceSql, args: [code] })).rows[0]
  if (!r) return null
  const lot: LotRow = {
    id: Number(r.id),
    code: String(r.code),
    product: { code: String(r.product_code), name: String(r.product_name), gtin: str(r.product_gtin) },
    unit: String(r.unit),
    origin: String(r.origin) as Lot['origin'],
    qc: r.qc_status === null ? null : { status: String(r.qc_status) as 'accepted' | 'rejected', temperatureC: num(r.qc_temperature_c), note: str(r.qc_note) },
    voided: Number(r.voided) === 1
  }
  // As listBalances: a kind with no live movement stays 0; on hand is the sum in the same order, rounded the same way.
  const balance: MassBalance = { unit: lot.unit, received: 0, produced: 0, consumed: 0, shipped: 0, adjusted: 0, onHand: 0 }
  for (const [kind, q] of JSON.parse(String(r.balance)) as Array<['received' | 'produced' | 'consumed' | 'shipped' | 'adjusted', number | null]>) {
    if (q === null) continue
    balance[kind] = kind === 'consumed' || kind === 'shipped' ? -q : q
    balance.onHand += q
  }
  balance.onHand = Math.round(balance.onHand * 1e9) / 1e9
  return { lot, balance }
}

const eventSelect = `SELECT e.id, e.kind, e.occurred_at, e.recorded_at, e.user_name, e.station, loc.code AS location_code, p.code AS partner_code,
    e.ref_doc_type, e.ref_doc_number, b.code AS batch_code, e.shipment_id, e.corrects_event_id, e.reason, e.note, v.void_event_id
  FROM events e LEFT JOIN locations loc ON loc.id = e.location_id LEFT JOIN partners p ON p.id = e.partner_id
  LEFT JOIN batches b ON b.id = e.batch_id LEFT JOIN voids v ON v.event_id = e.id`
const toEvent = (r: Row): EventRecord => ({
  id: Number(r.id), kind: String(r.kind) as EventKind, occurredAt: String(r.occurred_at), recordedAt: String(r.recorded_at), user: String(r.user_name),
  station: str(r.station), location: str(r.location_code), partner: str(r.partner_code),
  referenceDocument: r.ref_doc_number === null ? null : { type: String(r.ref_doc_type ?? ''), number: String(r.ref_doc_number) },
  batch: str(r.batch_code), shipmentId: num(r.shipment_id), correctsEventId: num(r.corrects_event_id), reason: str(r.reason), note: str(r.note),
  voidedBy: num(r.void_event_id),
  ...(r.quantity === undefined ? {} : { quantity: Number(r.quantity) })
})

export async function getEvent (sql: Sql, id: number): Promise<EventRecord | null> {
  const rs = await sql.execute({ sql: `${eventSelect} WHERE e.id = ?`, args: [id] })
  return rs.rows[0] ? toEvent(rs.rows[0]) : null
}
export async function getEventByRequestId (sql: Sql, requestId: string): Promise<EventRecord | null> {
  const rs = await sql.execute({ sql: `${eventSelect} WHERE e.request_id = ?`, args: [requestId] })
  return rs.rows[0] ? toEvent(rs.rows[0]) : null
}

/** Every event that touched a lot (its movements), and the corrections that name those events, oldest first. */
export async function listLotEvents (sql: Sql, lotId: number): Promise<EventRecord[]> {
  const rs = await sql.execute({
    sql: `SELECT * FROM (
        ${eventSelect.replace('SELECT e.id,', 'SELECT SUM(m.quantity) AS quantity, e.id,')} JOIN movements m ON m.event_id = e.id WHERE m.lot_id = ?1 GROUP BY e.id
        UNION ALL
        ${eventSelect.replace('SELECT e.id,', 'SELECT NULL AS quantity, e.id,')} WHERE e.corrects_event_id IN (SELECT event_id FROM movements WHERE lot_id = ?1)
      ) ORDER BY id`,
    args: [lotId]
  })
  return rs.rows.map(toEvent)
}

export interface MovementRow { lotId: number, kind: string, quantity: number }
export async function listEventMovements (sql: Sql, eventId: number): Promise<MovementRow[]> {
  const rs = await sql.execute({ sql: 'SELECT lot_id, kind, quantity FROM movements WHERE event_id = ?', args: [eventId] })
  return rs.rows.map(r => ({ lotId: Number(r.lot_id), kind: String(r.kind), quantity: Number(r.quantity) }))
}
/** Lots whose existence comes from this event (a receipt or a batch close). */
export async function listLotsCreatedBy (sql: Sql, eventId: number): Promise<number[]> {
  const rs = await sql.execute({ sql: 'SELECT id FROM lots WHERE event_id = ?', args: [eventId] })
  return rs.rows.map(r => Number(r.id))
}
/** Live movements on a lot other than the one that created it: anything that used the lot. */
export async function countLotUses (sql: Sql, lotId: number): Promise<number> {
  const rs = await sql.execute({ sql: "SELECT COUNT(*) AS n FROM live_movements WHERE lot_id = ? AND kind NOT IN ('received', 'produced')", args: [lotId] })
  return Number(rs.rows[0]!.n)
}

export interface BatchRow {
  id: number
  code: string
  productId: number
  productCode: string
  lineId: number
  lineCode: string
  openEventId: number
  openedAt: string
  status: 'open' | 'closed' | 'cancelled'
  outputLotId: number | null
  closeEventId: number | null
}
const batchSelect = `SELECT b.id, b.code, b.product_id, p.code AS product_code, b.line_id, loc.code AS line_code, b.open_event_id, oe.occurred_at AS opened_at,
    EXISTS (SELECT 1 FROM voids v WHERE v.event_id = b.open_event_id) AS cancelled,
    (SELECT l.id FROM lots l WHERE l.batch_id = b.id AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.event_id = l.event_id)) AS output_lot_id,
    (SELECT l.event_id FROM lots l WHERE l.batch_id = b.id AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.event_id = l.event_id)) AS close_event_id
  FROM batches b JOIN products p ON p.id = b.product_id JOIN locations loc ON loc.id = b.line_id JOIN events oe ON oe.id = b.open_event_id`
const toBatch = (r: Row): BatchRow => ({
  id: Number(r.id), code: String(r.code), productId: Number(r.product_id), productCode: String(r.product_code), lineId: Number(r.line_id),
  lineCode: String(r.line_code), openEventId: Number(r.open_event_id), openedAt: String(r.opened_at),
  status: Number(r.cancelled) === 1 ? 'cancelled' : r.output_lot_id === null ? 'open' : 'closed',
  outputLotId: num(r.output_lot_id), closeEventId: num(r.close_event_id)
})
export async function getBatch (sql: Sql, code: string): Promise<BatchRow | null> {
  const rs = await sql.execute({ sql: `${batchSelect} WHERE b.code = ?`, args: [code] })
  return rs.rows[0] ? toBatch(rs.rows[0]) : null
}
/** The batch a batch_open event opened (that event cannot carry batch_id: the batch row is written after it). */
export async function getBatchByOpenEvent (sql: Sql, eventId: number): Promise<BatchRow | null> {
  const rs = await sql.execute({ sql: `${batchSelect} WHERE b.open_event_id = ?`, args: [eventId] })
  return rs.rows[0] ? toBatch(rs.rows[0]) : null
}
export async function getBatchById (sql: Sql, id: number): Promise<BatchRow | null> {
  const rs = await sql.execute({ sql: `${batchSelect} WHERE b.id = ?`, args: [id] })
  return rs.rows[0] ? toBatch(rs.rows[0]) : null
}
export async function listOpenBatches (sql: Sql): Promise<BatchRow[]> {
  const rs = await sql.execute(`SELECT * FROM (${batchSelect}) WHERE 1 ORDER BY id`)
  return rs.rows.map(toBatch).filter(b => b.status === 'open')
}

export interface BatchInputRow { eventId: number, lotCode: string, productCode: string, productName: string, quantity: number, unit: string, enteredQuantity: number, enteredUnit: string, at: string }
export async function listBatchInputs (sql: Sql, batchId: number): Promise<BatchInputRow[]> {
  const rs = await sql.execute({
    sql: `SELECT m.event_id, l.code, p.code AS product_code, p.name AS product_name, -m.quantity AS quantity, l.unit, m.entered_quantity, m.entered_unit, e.occurred_at
      FROM live_movements m JOIN lots l ON l.id = m.lot_id JOIN products p ON p.id = l.product_id JOIN events e ON e.id = m.event_id
      WHERE m.batch_id = ? AND m.kind = 'consumed' ORDER BY m.id`,
    args: [batchId]
  })
  return rs.rows.map(r => ({
    eventId: Number(r.event_id), lotCode: String(r.code), productCode: String(r.product_code), productName: String(r.product_name), quantity: Number(r.quantity),
    unit: String(r.unit), enteredQuantity: Number(r.entered_quantity), enteredUnit: String(r.entered_unit), at: String(r.occurred_at)
  }))
}

export async function getShipmentByEvent (sql: Sql, eventId: number): Promise<number | null> {
  const rs = await sql.execute({ sql: 'SELECT id FROM shipments WHERE event_id = ?', args: [eventId] })
  return rs.rows[0] ? Number(rs.rows[0].id) : null
}

const lotColumns = ['id', 'code', 'unit', 'origin', 'supplier_lot_code', 'tlc_source', 'production_date', 'best_before', 'expiry_date',
  'qc_status', 'qc_temperature_c', 'qc_note', 'created_at', 'product_id', 'event_id', 'product_code', 'product_name', 'product_gtin',
  'supplier_code', 'supplier_name', 'batch_code', 'occurred_at', 'ref_doc_type', 'ref_doc_number', 'location_code', 'voided']
/**
 * Many lots at once (a trace of a salt lot reaches thousands) as one JSON row of objects with the
 * same keys as lotSelect's columns: @libsql/client builds a row object per column (~20 µs a lot
 * here), JSON.parse a fraction of that. Lot columns hold no REAL beyond a temperature, which
 * SQLite's 15 significant digits keep exactly.
 */
const listLotsByIdSql = `SELECT json_group_array(json_object(${lotColumns.map(c => `'${c}', ${c}`).join(', ')}))
  FROM (${lotSelect} WHERE l.id IN (SELECT value FROM json_each(?)))`
export async function listLotsById (sql: Sql, ids: number[]): Promise<Lot[]> {
  if (ids.length === 0) return []
  const rs = await sql.execute({ sql: listLotsByIdSql, args: [JSON.stringify(ids)] })
  return (JSON.parse(String(rs.rows[0]![0])) as Row[]).map(toLot)
}

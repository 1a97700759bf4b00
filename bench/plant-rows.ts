import { addDays } from '../server/domain/dates.ts'
import { DEFAULT_LOT_FORMAT, lotNumberScope, renderLotNumber } from '../server/domain/lot-number.ts'

/**
 * Rows exactly as server/domain/lots.ts writes them (receive, openBatch + inputs + closeBatch,
 * ship, voidEvent), without going through it: the domain commits one request per transaction and
 * would need hours for five years of a plant. Keep this file in step with lots.ts; the smoke test
 * (test/bench/generator.test.ts) traces generated lots through the real app to catch drift.
 */

export type Table = 'products' | 'partners' | 'locations' | 'events' | 'voids' | 'lots' | 'batches' | 'shipments' | 'movements' | 'sequences'
export type Value = string | number | null

/** Column order of every row handed to a RowSink. */
export const COLUMNS: Record<Table, readonly string[]> = {
  products: ['id', 'code', 'name', 'gtin', 'unit', 'shelf_life_days', 'ftl', 'brand', 'commodity', 'variety', 'pack_size', 'pack_style', 'net_weight_kg', 'created_at'],
  partners: ['id', 'code', 'role', 'name', 'contact', 'email', 'phone', 'address', 'city', 'state', 'zip', 'country', 'gln', 'created_at'],
  locations: ['id', 'code', 'kind', 'name', 'gln', 'created_at'],
  events: ['id', 'kind', 'occurred_at', 'recorded_at', 'user_name', 'station', 'location_id', 'partner_id', 'ref_doc_type', 'ref_doc_number', 'batch_id', 'shipment_id', 'corrects_event_id', 'reason', 'note'],
  voids: ['event_id', 'void_event_id'],
  lots: ['id', 'code', 'product_id', 'unit', 'origin', 'event_id', 'batch_id', 'supplier_id', 'supplier_lot_code', 'tlc_source', 'production_date', 'best_before', 'expiry_date', 'qc_status', 'qc_temperature_c', 'qc_note', 'created_at'],
  batches: ['id', 'code', 'product_id', 'line_id', 'open_event_id', 'created_at'],
  shipments: ['id', 'customer_id', 'ship_from_id', 'event_id', 'created_at'],
  movements: ['id', 'event_id', 'lot_id', 'kind', 'quantity', 'entered_quantity', 'entered_unit', 'batch_id', 'shipment_id'],
  sequences: ['scope', 'last']
}

export interface RowSink { row (table: Table, values: Value[]): void }

export interface LotRef { id: number, code: string, unit: string }
/** `refNo`: the batch log number, on the open and the close event (lots.ts produce passes one referenceDocument to both). */
export interface BatchRef { id: number, code: string, lineId: number, station: string, refNo: string }
/** Who and where: the operator and the kiosk's station code (a line or dock code). */
export interface Actor { user: string, station: string }

/** Business time (ISO, UTC) and the server's commit time a few seconds later. */
const recorded = (at: string) => new Date(Date.parse(at) + 3000).toISOString()
const day = (at: string) => at.slice(0, 10)

export function createPlantWriter (sink: RowSink, lotFormat = DEFAULT_LOT_FORMAT) {
  const ids = { event: 0, lot: 0, batch: 0, shipment: 0, movement: 0 }
  const lotSeqs = new Map<string, number>()
  let batchSeq = 0

  function event (kind: string, at: string, who: Actor, f: { location?: number, partner?: number, refType?: string, refNo?: string, batch?: number, shipment?: number, corrects?: number, reason?: string } = {}): number {
    const id = ++ids.event
    sink.row('events', [id, kind, at, recorded(at), who.user, who.station, f.location ?? null, f.partner ?? null, f.refType ?? null, f.refNo ?? null,
      f.batch ?? null, f.shipment ?? null, f.corrects ?? null, f.reason ?? null, null])
    return id
  }
  function movement (eventId: number, lotId: number, kind: string, quantity: number, unit: string, batch: number | null, shipment: number | null): void {
    // Signed in the lot's unit (negative for consumed and shipped); entered as keyed, positive.
    sink.row('movements', [++ids.movement, eventId, lotId, kind, quantity, Math.abs(quantity), unit, batch, shipment])
  }
  /** lots.ts allocateLotCode: the default format counts per day and station. */
  function lotCode (date: string, station: string): string {
    const parts = { date, station }
    const scope = lotNumberScope(lotFormat, parts)
    const seq = (lotSeqs.get(scope) ?? 0) + 1
    lotSeqs.set(scope, seq)
    return renderLotNumber(lotFormat, parts, seq)
  }

  return {
    ids,
    /** lots.ts receiveIn: receiving event, a lot keeping the supplier's TLC, one `received` movement. */
    receive (a: Actor & { at: string, productId: number, unit: string, supplierId: number, supplierLotCode: string, tlcSource: string, dockId: number, quantity: number, po: string, qcTemperatureC: number, bestBefore: string | null }): LotRef & { eventId: number } {
      const eventId = event('receiving', a.at, a, { location: a.dockId, partner: a.supplierId, refType: 'PO', refNo: a.po })
      const code = lotCode(day(a.at), a.station)
      const id = ++ids.lot
      sink.row('lots', [id, code, a.productId, a.unit, 'received', eventId, null, a.supplierId, a.supplierLotCode, a.tlcSource, null, a.bestBefore, null,
        'accepted', a.qcTemperatureC, null, recorded(a.at)])
      movement(eventId, id, 'received', a.quantity, a.unit, null, null)
      return { id, code, unit: a.unit, eventId }
    },
    /** lots.ts openIn: the batch_open event carries the line, not the batch (the batch row comes after it). */
    openBatch (a: Actor & { at: string, productId: number, lineId: number, refNo: string }): BatchRef {
      const eventId = event('batch_open', a.at, a, { location: a.lineId, refType: 'batch log', refNo: a.refNo })
      const id = ++ids.batch
      const code = `B${a.at.slice(2, 4)}${String(++batchSeq).padStart(6, '0')}`
      sink.row('batches', [id, code, a.productId, a.lineId, eventId, recorded(a.at)])
      return { id, code, lineId: a.lineId, station: a.station, refNo: a.refNo }
    },
    /** lots.ts inputIn: one batch_input event and one `consumed` movement per input lot. Returns the event id. */
    input (b: BatchRef, lot: LotRef, quantity: number, at: string, user: string): number {
      const eventId = event('batch_input', at, { user, station: b.station }, { location: b.lineId, batch: b.id })
      movement(eventId, lot.id, 'consumed', -quantity, lot.unit, b.id, null)
      return eventId
    },
    /** lots.ts closeIn: batch_close event, the output lot (lots.batch_id set), one `produced` movement. */
    closeBatch (b: BatchRef, a: { at: string, user: string, productId: number, unit: string, quantity: number, shelfLifeDays: number | null }): LotRef {
      const eventId = event('batch_close', a.at, { user: a.user, station: b.station }, { location: b.lineId, batch: b.id, refType: 'batch log', refNo: b.refNo })
      const productionDate = day(a.at)
      const code = lotCode(productionDate, b.station)
      const id = ++ids.lot
      sink.row('lots', [id, code, a.productId, a.unit, 'produced', eventId, b.id, null, null, b.station, productionDate,
        a.shelfLifeDays === null ? null : addDays(productionDate, a.shelfLifeDays), null, null, null, null, recorded(a.at)])
      movement(eventId, id, 'produced', a.quantity, a.unit, b.id, null)
      return { id, code, unit: a.unit }
    },
    /** lots.ts ship: shipping event, shipment row, one `shipped` movement per line. */
    ship (a: Actor & { at: string, customerId: number, dockId: number, bol: string, lines: Array<{ lot: LotRef, quantity: number }> }): number {
      const shipmentId = ++ids.shipment
      const eventId = event('shipping', a.at, a, { location: a.dockId, partner: a.customerId, refType: 'BOL', refNo: a.bol })
      sink.row('shipments', [shipmentId, a.customerId, a.dockId, eventId, recorded(a.at)])
      for (const l of a.lines) movement(eventId, l.lot.id, 'shipped', -l.quantity, l.lot.unit, null, shipmentId)
      return shipmentId
    },
    /** lots.ts voidEvent: a void event naming the event, and the voids row that takes it out of live_movements and lot_edges. */
    voidEvent (eventId: number, at: string, who: Actor, reason: string): void {
      const voidId = event('void', at, who, { corrects: eventId, reason })
      sink.row('voids', [eventId, voidId])
    },
    /** The sequences a live kiosk continues from, so its next lot number or batch code does not clash. */
    writeSequences (): void {
      for (const [scope, last] of lotSeqs) sink.row('sequences', [scope, last])
      sink.row('sequences', ['batch', batchSeq])
    }
  }
}

export type PlantWriter = ReturnType<typeof createPlantWriter>

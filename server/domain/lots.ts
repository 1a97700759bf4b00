import type { Transaction } from '@libsql/client'
import type { Db, Sql } from '../../db/client.ts'
import * as m from '../../db/master.ts'
import * as r from '../../db/records.ts'
import { createSequenceLedger, nextSequence, type SequenceLedger } from '../../db/sequences.ts'
import { addDays, checkDate, plantDate } from './dates.ts'
import { DomainError } from './errors.ts'
import { checkStationCode, DEFAULT_LOT_FORMAT, lotNumberScope, renderLotNumber } from './lot-number.ts'
import type { Actor, EventRecord, Lot, MassBalance, ReferenceDocument } from './types.ts'
import { convertQuantity, formatQuantity, normalizeUnit, roundQuantity } from './units.ts'

export interface LotsDeps {
  db: Db
  clock?: () => Date                // injected for testability
  lotFormat?: string                // see lot-number.ts
  ledger?: SequenceLedger           // high-water marks outside the database (restored backups)
  timeZone?: string                 // the plant's, for date codes; default: this machine's
}

export interface QuantityInput { quantity: number, unit?: string }
export interface Idempotent { requestId?: string }

export interface ReceiveInput extends Actor, Idempotent, QuantityInput {
  product: string
  supplier: string
  supplierLotCode: string
  tlcSource?: string
  receivedAt?: string
  location: string
  referenceDocument?: ReferenceDocument
  qc?: { status: 'accepted' | 'rejected', temperatureC?: number, note?: string }
  productionDate?: string
  bestBefore?: string
  expiryDate?: string
  note?: string
}

export interface BatchOpenInput extends Actor, Idempotent {
  product: string
  line: string
  openedAt?: string
  referenceDocument?: ReferenceDocument
  note?: string
}
export interface BatchInputInput extends Actor, Idempotent, QuantityInput { lot: string, at?: string }
export interface BatchCloseInput extends Actor, Idempotent, QuantityInput {
  completedAt?: string
  productionDate?: string
  bestBefore?: string
  expiryDate?: string
  referenceDocument?: ReferenceDocument
}
export interface BatchProduceInput extends BatchOpenInput {
  inputs: Array<QuantityInput & { lot: string }>
  output: Omit<BatchCloseInput, keyof Actor | 'requestId' | 'referenceDocument'>
}

export interface ShipInput extends Actor, Idempotent {
  customer: string
  shipFrom: string
  shippedAt?: string
  referenceDocument?: ReferenceDocument
  lines: Array<QuantityInput & { lot: string }>
  /** SSCCs of the pallets on the truck. */
  pallets?: string[]
  note?: string
}

export interface CorrectionInput extends Actor, Idempotent { reason: string }
export interface AdjustInput extends CorrectionInput, QuantityInput { correctsEventId?: number }

export interface BatchView {
  code: string
  product: string
  line: string
  status: 'open' | 'closed' | 'cancelled'
  openedAt: string
  inputs: r.BatchInputRow[]
  lot: Lot | null
}

export interface ShipmentView {
  id: number
  eventId: number
  customer: string
  shipFrom: string
  shippedAt: string
  referenceDocument: ReferenceDocument | null
  lines: Array<{ lot: string, product: string, quantity: number, unit: string }>
  voided: boolean
}

/** What a station's rules read of a lot (db/records.ts getLotWithBalance). */
export type { LotRow } from '../../db/records.ts'

/** Results say whether they are a replay of an earlier request with the same requestId. */
export type Recorded<T> = T & { replayed: boolean }

const EPSILON = 1e-6

export function createLots ({ db, clock = () => new Date(), lotFormat = DEFAULT_LOT_FORMAT, ledger = createSequenceLedger(null), timeZone }: LotsDeps) {
  const now = () => clock().toISOString()
  const today = () => plantDate(clock(), timeZone)
  const dayOf = (occurredAt: string) => occurredAt.length === 10 ? occurredAt : plantDate(new Date(occurredAt), timeZone)

  /** `day` is the business date the lot belongs to (received or produced), for the date code. */
  async function allocateLotCode (tx: Sql, station: string, day: string): Promise<string> {
    checkStationCode(station)
    const parts = { date: day, station }
    const scope = lotNumberScope(lotFormat, parts)
    for (;;) {
      const seq = await nextSequence(tx, scope, ledger.floor(scope))
      const code = renderLotNumber(lotFormat, parts, seq)
      ledger.record(scope, seq)
      // A lot that already has this code can only come from a changed format: skip past it.
      const taken = await tx.execute({ sql: 'SELECT 1 FROM lots WHERE code = ?', args: [code] })
      if (taken.rows.length === 0) return code
    }
  }

  async function product (tx: Sql, key: string) {
    const p = await m.getProduct(tx, key)
    if (!p) throw new DomainError('INVALID', `No product with code or GTIN "${key}"`, { product: key })
    return p
  }
  async function partner (tx: Sql, code: string, role: 'supplier' | 'customer') {
    const p = await m.getPartner(tx, code)
    if (!p) throw new DomainError('INVALID', `No ${role} with code "${code}"`, { [role]: code })
    if (p.role !== role && p.role !== 'both') throw new DomainError('INVALID', `${p.name} (${code}) is not set up as a ${role}`, { [role]: code })
    return p
  }
  async function location (tx: Sql, code: string, kinds?: string[]) {
    const l = await m.getLocation(tx, code.toUpperCase())
    if (!l) throw new DomainError('INVALID', `No location with code "${code}"`, { location: code })
    if (kinds && !kinds.includes(l.kind)) throw new DomainError('INVALID', `${l.name} (${l.code}) is a ${l.kind}, not a ${kinds.join(' or ')}`, { location: code })
    return l
  }
  async function lotOrThrow (tx: Sql, code: string): Promise<Lot> {
    const lot = await r.getLotByCode(tx, code)
    if (!lot) throw new DomainError('NOT_FOUND', `Lot ${code} not found`, { lot: code })
    return lot
  }
  async function batchOrThrow (tx: Sql, code: string) {
    const b = await r.getBatch(tx, code)
    if (!b) throw new DomainError('NOT_FOUND', `Batch ${code} not found`, { batch: code })
    return b
  }

  /** Takes quantity from a lot for a batch or a shipment, refusing more than is left. */
  async function take (tx: Sql, lot: Lot, q: QuantityInput, use: { eventId: number, kind: 'consumed' | 'shipped', batchId?: number, shipmentId?: number }) {
    if (lot.voided) throw new DomainError('CONFLICT', `Lot ${lot.code} was voided and cannot be used`, { lot: lot.code })
    if (lot.qc?.status === 'rejected') throw new DomainError('CONFLICT', `Lot ${lot.code} was rejected at receiving and cannot be used`, { lot: lot.code })
    const entered = checkQuantity(q.quantity, 'quantity')
    const enteredUnit = normalizeUnit(q.unit ?? lot.unit)
    const inLotUnit = convertQuantity(entered, enteredUnit, lot.unit)
    const left = await r.getOnHand(tx, lot.id)
    if (inLotUnit > left + EPSILON) {
      throw new DomainError('INSUFFICIENT_QUANTITY',
        `Lot ${lot.code} has ${formatQuantity(Math.max(left, 0), lot.unit)} left; ${formatQuantity(entered, enteredUnit)} requested`,
        { lot: lot.code, onHand: Math.max(left, 0), unit: lot.unit, requested: entered, requestedUnit: enteredUnit })
    }
    await r.insertMovement(tx, { eventId: use.eventId, lotId: lot.id, kind: use.kind, quantity: -inLotUnit, enteredQuantity: entered, enteredUnit, batchId: use.batchId, shipmentId: use.shipmentId })
  }

  /** Looks up an earlier event with this requestId; refuses a key reused for another kind of request. */
  async function replayOf (tx: Sql, requestId: string | undefined, kind: EventRecord['kind']): Promise<EventRecord | null> {
    if (!requestId) return null
    const e = await r.getEventByRequestId(tx, requestId)
    if (e && e.kind !== kind) throw new DomainError('CONFLICT', `requestId ${requestId} was already used for a ${e.kind} event (#${e.id})`, { requestId })
    return e
  }

  const actor = (a: Actor) => ({ user: a.user?.trim() || 'api', station: a.station ?? null })
  const occurred = (v: string | undefined, field: string) => v ? checkDate(v, field) : now()

  async function receiveIn (tx: Transaction, input: ReceiveInput): Promise<Recorded<{ lot: Lot, eventId: number }>> {
    const prior = await replayOf(tx, input.requestId, 'receiving')
    if (prior) {
      const [lotId] = await r.listLotsCreatedBy(tx, prior.id)
      return { lot: (await r.getLotById(tx, lotId!))!, eventId: prior.id, replayed: true }
    }
    const prod = await product(tx, input.product)
    const supplier = await partner(tx, input.supplier, 'supplier')
    const loc = await location(tx, input.location)
    const supplierLotCode = (input.supplierLotCode ?? '').trim()
    if (!supplierLotCode) throw new DomainError('INVALID', 'supplierLotCode (the traceability lot code on the supplier\'s label) is required')
    const entered = checkQuantity(input.quantity, 'quantity')
    const enteredUnit = normalizeUnit(input.unit ?? prod.unit)
    const quantity = convertQuantity(entered, enteredUnit, prod.unit)
    const receivedAt = occurred(input.receivedAt, 'receivedAt')
    const who = actor(input)
    const eventId = await r.insertEvent(tx, {
      kind: 'receiving', occurredAt: receivedAt, recordedAt: now(), ...who, locationId: loc.id, partnerId: supplier.id,
      refDocType: input.referenceDocument?.type ?? null, refDocNumber: input.referenceDocument?.number ?? null, note: input.note ?? null, requestId: input.requestId ?? null
    })
    const code = await allocateLotCode(tx, input.station ?? loc.code, dayOf(receivedAt))
    const lotId = await r.insertLot(tx, {
      code, productId: prod.id, unit: prod.unit, origin: 'received', eventId, supplierId: supplier.id, supplierLotCode,
      tlcSource: input.tlcSource?.trim() || supplierTlcSource(supplier), productionDate: opt(input.productionDate, 'productionDate'),
      bestBefore: opt(input.bestBefore, 'bestBefore'), expiryDate: opt(input.expiryDate, 'expiryDate'),
      qcStatus: input.qc?.status ?? null, qcTemperatureC: input.qc?.temperatureC ?? null, qcNote: input.qc?.note ?? null, createdAt: now()
    })
    await r.insertMovement(tx, { eventId, lotId, kind: 'received', quantity, enteredQuantity: entered, enteredUnit })
    return { lot: (await r.getLotById(tx, lotId))!, eventId, replayed: false }
  }

  async function openIn (tx: Transaction, input: BatchOpenInput): Promise<{ batchId: number, eventId: number }> {
    const prod = await product(tx, input.product)
    const line = await location(tx, input.line, ['line'])
    const eventId = await r.insertEvent(tx, {
      kind: 'batch_open', occurredAt: occurred(input.openedAt, 'openedAt'), recordedAt: now(), ...actor(input), locationId: line.id,
      refDocType: input.referenceDocument?.type ?? null, refDocNumber: input.referenceDocument?.number ?? null, note: input.note ?? null, requestId: input.requestId ?? null
    })
    const code = `B${today().slice(2, 4)}${String(await nextSequence(tx, 'batch')).padStart(6, '0')}`
    const batchId = await r.insertBatch(tx, { code, productId: prod.id, lineId: line.id, openEventId: eventId, createdAt: now() })
    return { batchId, eventId }
  }

  async function inputIn (tx: Transaction, batch: r.BatchRow, input: BatchInputInput): Promise<number> {
    if (batch.status !== 'open') throw new DomainError('CONFLICT', `Batch ${batch.code} is ${batch.status}: inputs can only be added to an open batch`, { batch: batch.code })
    const lot = await lotOrThrow(tx, input.lot)
    const eventId = await r.insertEvent(tx, {
      kind: 'batch_input', occurredAt: occurred(input.at, 'at'), recordedAt: now(), ...actor(input), locationId: batch.lineId, batchId: batch.id, requestId: input.requestId ?? null
    })
    await take(tx, lot, input, { eventId, kind: 'consumed', batchId: batch.id })
    return eventId
  }

  async function closeIn (tx: Transaction, batch: r.BatchRow, input: BatchCloseInput): Promise<number> {
    if (batch.status !== 'open') throw new DomainError('CONFLICT', `Batch ${batch.code} is already ${batch.status}`, { batch: batch.code })
    const prod = (await m.getProduct(tx, batch.productCode))!
    const entered = checkQuantity(input.quantity, 'output quantity')
    const enteredUnit = normalizeUnit(input.unit ?? prod.unit)
    const quantity = convertQuantity(entered, enteredUnit, prod.unit)
    const completedAt = occurred(input.completedAt, 'completedAt')
    const productionDate = opt(input.productionDate, 'productionDate') ?? dayOf(completedAt)
    const eventId = await r.insertEvent(tx, {
      kind: 'batch_close', occurredAt: completedAt, recordedAt: now(), ...actor(input), locationId: batch.lineId, batchId: batch.id,
      refDocType: input.referenceDocument?.type ?? null, refDocNumber: input.referenceDocument?.number ?? null, requestId: input.requestId ?? null
    })
    const code = await allocateLotCode(tx, input.station ?? batch.lineCode, dayOf(productionDate))
    const lotId = await r.insertLot(tx, {
      code, productId: prod.id, unit: prod.unit, origin: 'produced', eventId, batchId: batch.id, tlcSource: batch.lineCode, productionDate,
      bestBefore: opt(input.bestBefore, 'bestBefore') ?? (prod.shelfLifeDays !== null && !input.expiryDate ? addDays(productionDate, prod.shelfLifeDays) : null),
      expiryDate: opt(input.expiryDate, 'expiryDate'), createdAt: now()
    })
    await r.insertMovement(tx, { eventId, lotId, kind: 'produced', quantity, enteredQuantity: entered, enteredUnit, batchId: batch.id })
    return eventId
  }

  async function inputsIn (tx: Transaction, batchId: number, who: BatchOpenInput, inputs: BatchProduceInput['inputs']): Promise<void> {
    const batch = (await r.getBatchById(tx, batchId))!
    for (const [i, line] of inputs.entries()) {
      try {
        await inputIn(tx, batch, { ...line, user: who.user, station: who.station, at: who.openedAt })
      } catch (e) {
        if (e instanceof DomainError) throw new DomainError(e.code, `inputs[${i}]: ${e.message}`, { ...e.details, index: i })
        throw e
      }
    }
  }

  async function batchView (sql: Sql, batchId: number): Promise<BatchView> {
    const b = (await r.getBatchById(sql, batchId))!
    return {
      code: b.code, product: b.productCode, line: b.lineCode, status: b.status, openedAt: b.openedAt,
      inputs: await r.listBatchInputs(sql, b.id),
      lot: b.outputLotId === null ? null : await r.getLotById(sql, b.outputLotId)
    }
  }

  return {
    receive: (input: ReceiveInput) => db.write(tx => receiveIn(tx, input)),

    /** Opens a batch that inputs are fed into over time, with any first inputs, all or nothing. */
    openBatch: (input: BatchOpenInput & { inputs?: BatchProduceInput['inputs'] }): Promise<Recorded<BatchView>> => db.write(async tx => {
      const prior = await replayOf(tx, input.requestId, 'batch_open')
      if (prior) return { ...(await batchView(tx, (await r.getBatchByOpenEvent(tx, prior.id))!.id)), replayed: true }
      const { batchId } = await openIn(tx, input)
      await inputsIn(tx, batchId, input, input.inputs ?? [])
      return { ...(await batchView(tx, batchId)), replayed: false }
    }),

    addBatchInput: (batchCode: string, input: BatchInputInput): Promise<Recorded<BatchView>> => db.write(async tx => {
      const batch = await batchOrThrow(tx, batchCode)
      const prior = await replayOf(tx, input.requestId, 'batch_input')
      if (prior && prior.batch !== batch.code) throw new DomainError('CONFLICT', `requestId ${input.requestId} was already used for batch ${prior.batch}`, { requestId: input.requestId })
      if (!prior) await inputIn(tx, batch, input)
      return { ...(await batchView(tx, batch.id)), replayed: prior !== null }
    }),

    closeBatch: (batchCode: string, input: BatchCloseInput): Promise<Recorded<BatchView>> => db.write(async tx => {
      const batch = await batchOrThrow(tx, batchCode)
      const prior = await replayOf(tx, input.requestId, 'batch_close')
      if (prior && prior.batch !== batch.code) throw new DomainError('CONFLICT', `requestId ${input.requestId} was already used for batch ${prior.batch}`, { requestId: input.requestId })
      if (!prior) await closeIn(tx, batch, input)
      return { ...(await batchView(tx, batch.id)), replayed: prior !== null }
    }),

    /** A whole batch in one transaction: open, every input, close. All or nothing. */
    produce: (input: BatchProduceInput): Promise<Recorded<BatchView>> => db.write(async tx => {
      const prior = await replayOf(tx, input.requestId, 'batch_open')
      if (prior) return { ...(await batchView(tx, (await r.getBatchByOpenEvent(tx, prior.id))!.id)), replayed: true }
      if (!Array.isArray(input.inputs) || input.inputs.length === 0) throw new DomainError('INVALID', 'A batch needs at least one input lot')
      const { batchId } = await openIn(tx, input)
      await inputsIn(tx, batchId, input, input.inputs)
      await closeIn(tx, (await r.getBatchById(tx, batchId))!, { ...input.output, user: input.user, station: input.station, referenceDocument: input.referenceDocument })
      return { ...(await batchView(tx, batchId)), replayed: false }
    }),

    getBatch: async (code: string): Promise<BatchView | null> => {
      const b = await r.getBatch(db.client, code)
      return b ? batchView(db.client, b.id) : null
    },
    listOpenBatches: () => r.listOpenBatches(db.client),

    ship: (input: ShipInput): Promise<Recorded<ShipmentView>> => db.write(async tx => {
      const prior = await replayOf(tx, input.requestId, 'shipping')
      if (prior) return { ...(await shipmentView(tx, (await r.getShipmentByEvent(tx, prior.id))!))!, replayed: true }
      const customer = await partner(tx, input.customer, 'customer')
      const from = await location(tx, input.shipFrom)
      if (!Array.isArray(input.lines) || input.lines.length === 0) throw new DomainError('INVALID', 'A shipment needs at least one line')
      const eventId = await r.insertEvent(tx, {
        kind: 'shipping', occurredAt: occurred(input.shippedAt, 'shippedAt'), recordedAt: now(), ...actor(input), locationId: from.id, partnerId: customer.id,
        refDocType: input.referenceDocument?.type ?? null, refDocNumber: input.referenceDocument?.number ?? null, note: input.note ?? null, requestId: input.requestId ?? null
      })
      const shipmentId = await r.insertShipment(tx, { customerId: customer.id, shipFromId: from.id, eventId, createdAt: now() })
      for (const [i, line] of input.lines.entries()) {
        try {
          await take(tx, await lotOrThrow(tx, line.lot), line, { eventId, kind: 'shipped', shipmentId })
        } catch (e) {
          if (e instanceof DomainError) throw new DomainError(e.code, `lines[${i}]: ${e.message}`, { ...e.details, index: i })
          throw e
        }
      }
      for (const sscc of new Set(input.pallets ?? [])) {
        if (!/^\d{18}$/.test(sscc)) throw new DomainError('INVALID', `"${sscc}" is not an SSCC (18 digits)`)
        await tx.execute({ sql: 'INSERT INTO shipment_pallets (shipment_id, sscc) VALUES (?, ?)', args: [shipmentId, sscc] })
      }
      return { ...(await shipmentView(tx, shipmentId))!, replayed: false }
    }),
    getShipment: (id: number) => shipmentView(db.client, id),

    /**
     * Cancels an event by recording a void that names it, the reason and the user. Refused where
     * it would leave history inconsistent: a lot that was already used, or a lot below zero.
     */
    voidEvent: (eventId: number, input: CorrectionInput): Promise<Recorded<{ voidEventId: number, voided: EventRecord }>> => db.write(async tx => {
      const reason = requiredReason(input.reason)
      const prior = await replayOf(tx, input.requestId, 'void')
      if (prior) return { voidEventId: prior.id, voided: (await r.getEvent(tx, prior.correctsEventId!))!, replayed: true }
      const target = await r.getEvent(tx, eventId)
      if (!target) throw new DomainError('NOT_FOUND', `Event ${eventId} not found`, { event: eventId })
      if (target.kind === 'void') throw new DomainError('CONFLICT', `Event ${eventId} is itself a void; record the original again instead`)
      if (target.voidedBy !== null) throw new DomainError('CONFLICT', `Event ${eventId} was already voided by event ${target.voidedBy}`)
      if (target.kind === 'batch_open') {
        const b = (await r.getBatchByOpenEvent(tx, target.id))!
        if (b.status !== 'open' || (await r.listBatchInputs(tx, b.id)).length > 0) {
          throw new DomainError('CONFLICT', `Batch ${b.code} has inputs or an output lot: void those first`)
        }
      }
      for (const lotId of await r.listLotsCreatedBy(tx, eventId)) {
        if (await r.countLotUses(tx, lotId) > 0) {
          const lot = (await r.getLotById(tx, lotId))!
          throw new DomainError('CONFLICT', `Lot ${lot.code} has already been used or shipped: void those events first`, { lot: lot.code })
        }
      }
      const voidEventId = await r.insertEvent(tx, { kind: 'void', occurredAt: now(), recordedAt: now(), ...actor(input), correctsEventId: eventId, reason, requestId: input.requestId ?? null })
      await r.insertVoid(tx, eventId, voidEventId)
      for (const mv of await r.listEventMovements(tx, eventId)) {
        const left = await r.getOnHand(tx, mv.lotId)
        if (left < -EPSILON) {
          const lot = (await r.getLotById(tx, mv.lotId))!
          throw new DomainError('CONFLICT', `Voiding event ${eventId} would leave lot ${lot.code} at ${formatQuantity(left, lot.unit)}: void the later uses first`, { lot: lot.code })
        }
      }
      return { voidEventId, voided: (await r.getEvent(tx, eventId))!, replayed: false }
    }),

    /** Corrects a lot's quantity by a signed amount (a count found short, spillage, a receipt keyed wrong). */
    adjustLot: (code: string, input: AdjustInput): Promise<Recorded<{ eventId: number, balance: MassBalance }>> => db.write(async tx => {
      const reason = requiredReason(input.reason)
      const lot = await lotOrThrow(tx, code)
      const prior = await replayOf(tx, input.requestId, 'adjustment')
      if (prior) return { eventId: prior.id, balance: (await r.listBalances(tx, [lot.id])).get(lot.id)!, replayed: true }
      if (lot.voided) throw new DomainError('CONFLICT', `Lot ${code} was voided`)
      if (typeof input.quantity !== 'number' || !Number.isFinite(input.quantity) || input.quantity === 0) throw new DomainError('INVALID', 'quantity must be a non-zero number (negative to take away)')
      if (Math.abs(input.quantity) > 1e9) throw new DomainError('INVALID', `quantity ${input.quantity} is not plausible`) // as checkQuantity: keeps Infinity out of the sums
      if (input.correctsEventId !== undefined && !(await r.getEvent(tx, input.correctsEventId))) throw new DomainError('NOT_FOUND', `Event ${input.correctsEventId} not found`)
      const enteredUnit = normalizeUnit(input.unit ?? lot.unit)
      const quantity = convertQuantity(input.quantity, enteredUnit, lot.unit)
      const left = await r.getOnHand(tx, lot.id)
      if (left + quantity < -EPSILON) {
        throw new DomainError('INSUFFICIENT_QUANTITY', `Lot ${code} has ${formatQuantity(left, lot.unit)} left; cannot take ${formatQuantity(-input.quantity, enteredUnit)}`, { lot: code, onHand: left, unit: lot.unit })
      }
      const eventId = await r.insertEvent(tx, { kind: 'adjustment', occurredAt: now(), recordedAt: now(), ...actor(input), correctsEventId: input.correctsEventId ?? null, reason, requestId: input.requestId ?? null })
      await r.insertMovement(tx, { eventId, lotId: lot.id, kind: 'adjusted', quantity, enteredQuantity: input.quantity, enteredUnit })
      return { eventId, balance: (await r.listBalances(tx, [lot.id])).get(lot.id)!, replayed: false }
    }),

    /** A lot with every event that touched it and its mass balance, or null. */
    getLot: (code: string) => db.read(async tx => {
      const lot = await r.getLotByCode(tx, code)
      if (!lot) return null
      const balance = (await r.listBalances(tx, [lot.id])).get(lot.id) ?? emptyBalance(lot.unit)
      return { lot, balance, events: await r.listLotEvents(tx, lot.id) }
    }),
    /** A lot and its mass balance without its events (what a scan needs: one statement), or null. Same balance as getLot. */
    getLotBalance: (code: string) => r.getLotWithBalance(db.client, code),
    findLotsBySupplierLot: (code: string) => r.listLotsBySupplierLot(db.client, code),
    getEvent: (id: number) => r.getEvent(db.client, id)
  }

  async function shipmentView (sql: Sql, id: number): Promise<ShipmentView | null> {
    const rs = await sql.execute({
      sql: `SELECT s.id, s.event_id, c.code AS customer, loc.code AS ship_from, e.occurred_at, e.ref_doc_type, e.ref_doc_number,
          EXISTS (SELECT 1 FROM voids v WHERE v.event_id = s.event_id) AS voided
        FROM shipments s JOIN partners c ON c.id = s.customer_id JOIN locations loc ON loc.id = s.ship_from_id JOIN events e ON e.id = s.event_id WHERE s.id = ?`,
      args: [id]
    })
    const s = rs.rows[0]
    if (!s) return null
    const lines = await sql.execute({
      sql: `SELECT l.code, p.code AS product, -m.quantity AS quantity, l.unit FROM movements m JOIN lots l ON l.id = m.lot_id JOIN products p ON p.id = l.product_id
        WHERE m.shipment_id = ? AND m.kind = 'shipped' ORDER BY m.id`,
      args: [id]
    })
    return {
      id: Number(s.id), eventId: Number(s.event_id), customer: String(s.customer), shipFrom: String(s.ship_from), shippedAt: String(s.occurred_at),
      referenceDocument: s.ref_doc_number === null ? null : { type: String(s.ref_doc_type ?? ''), number: String(s.ref_doc_number) },
      lines: lines.rows.map(l => ({ lot: String(l.code), product: String(l.product), quantity: Number(l.quantity), unit: String(l.unit) })),
      voided: Number(s.voided) === 1
    }
  }
}

export type Lots = ReturnType<typeof createLots>

export const emptyBalance = (unit: string): MassBalance => ({ unit, received: 0, produced: 0, consumed: 0, shipped: 0, adjusted: 0, onHand: 0 })

function checkQuantity (q: unknown, field: string): number {
  if (typeof q !== 'number' || !Number.isFinite(q) || q <= 0) throw new DomainError('INVALID', `${field} must be a number greater than zero`)
  if (q > 1e9) throw new DomainError('INVALID', `${field} ${q} is not plausible`)
  return roundQuantity(q)
}

function requiredReason (reason: string | undefined): string {
  const t = (reason ?? '').trim()
  if (t.length < 3) throw new DomainError('INVALID', 'A correction needs a reason (at least 3 characters)')
  return t
}

function opt (v: string | undefined, field: string): string | null {
  return v ? checkDate(v, field) : null
}

/** FSMA 204: the TLC source is where the lot code was assigned: the supplier's GLN, else its address. */
function supplierTlcSource (s: { gln: string | null, name: string, city: string | null, state: string | null }): string {
  return s.gln ? `GLN ${s.gln}` : [s.name, s.city, s.state].filter(Boolean).join(', ')
}

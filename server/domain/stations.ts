import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { Db } from '../../db/client.ts'
import * as q from '../../db/stations.ts'
import { DomainError } from './errors.ts'
import type { Lots } from './lots.ts'
import type { MasterData } from './master-data.ts'
import type { Pallets } from './pallets.ts'
import { readScan } from './scan-input.ts'
import { createScanFlows, type Answer, type ScanResult, type StationState } from './station-flows.ts'
import type { ReferenceDocument } from './types.ts'

export type StationKind = 'receiving' | 'production' | 'shipping'
export interface StationDef { code: string, kind: StationKind, location: string }

/** Asks for a label once an event is committed. Its failure never undoes the event. */
export type LabelRequest = (req: { station: string, template: 'receiving' | 'case', lot: string, user: string }) => Promise<{ jobId: number } | null>

export interface StationsDeps {
  db: Db
  lots: Lots
  masterData: MasterData
  stations: StationDef[]
  clock?: () => Date                 // injected for testability
  /** Identical scans at one station inside this window count once (ms). Default 1500. */
  repeatWindowMs?: number
  requestLabel?: LabelRequest
  pallets?: Pallets
}

export type ScanSourceKind = 'serial' | 'keyboard' | 'api'

/**
 * The scan-driven station workflows. Every scan gets an id and a line in the scans log; a scan
 * replayed with the same id returns the first answer and records nothing again. Operations on one
 * station run one at a time. Results and state changes are published on `events` for the pages.
 */
export function createStations ({ db, lots, masterData, pallets, stations, clock = () => new Date(), repeatWindowMs = 1500, requestLabel }: StationsDeps) {
  const events = new EventEmitter()
  events.setMaxListeners(0)
  const byCode = new Map(stations.map(s => [s.code.toUpperCase(), s]))
  const chains = new Map<string, Promise<unknown>>()
  const lastScan = new Map<string, { raw: string, at: number }>()
  const flows = createScanFlows({ lots, masterData, pallets, requestLabel })

  function station (code: string): StationDef {
    const s = byCode.get(code.toUpperCase())
    if (!s) throw new DomainError('NOT_FOUND', `No station "${code}" on this server`)
    return s
  }

  /** Runs `fn` after everything already queued for this station. */
  function serial<T> (code: string, fn: () => Promise<T>): Promise<T> {
    const run = (chains.get(code) ?? Promise.resolve()).then(fn)
    chains.set(code, run.catch(() => {}))
    return run
  }

  const parseState = (raw: string | null): StationState => raw ? JSON.parse(raw) as StationState : {}
  async function load (code: string): Promise<StationState> {
    return parseState(await q.getStationState(db.client, code))
  }
  async function save (code: string, state: StationState): Promise<void> {
    await db.write(tx => q.putStationState(tx, code, JSON.stringify(state), clock().toISOString()))
    events.emit('state', { station: code, state })
  }

  /**
   * Applies a state change, saving and publishing it when it differs. Anything but a scan (an
   * answer, a new batch…) ends the repeat window: scanning the same label after it is deliberate.
   * (A scan runs in handleScan and saves its state change itself, with its scan row.)
   */
  async function withState<T> (code: string, fn: (state: StationState, def: StationDef) => Promise<T>): Promise<T> {
    const def = station(code)
    return serial(def.code, async () => {
      lastScan.delete(def.code)
      const state = await load(def.code)
      const before = JSON.stringify(state)
      const out = await fn(state, def)
      if (JSON.stringify(state) !== before) await save(def.code, state)
      return out
    })
  }

  return {
    events,
    list: () => [...byCode.values()],
    get: (code: string) => station(code),
    state: (code: string) => load(station(code).code),
    recentScans: async (code: string, limit?: number) => (await q.listRecentScans(db.client, station(code).code, limit)).map(r => JSON.parse(r.result) as ScanResult),

    /** A scan from a serial scanner, a keyboard-wedge scanner typing into a page, or the API. */
    handleScan (code: string, raw: string, { scanId, source = 'api', at: scannedAt }: { scanId?: string, source?: ScanSourceKind, at?: string } = {}): Promise<ScanResult> {
      scanId ??= randomUUID()
      const def = station(code)
      return serial(def.code, async () => {
        // The station's state and an earlier answer to this scan id, in one read.
        const saved = await q.getStateAndScanResult(db.client, def.code, scanId)
        if (saved.result !== null) return { ...(JSON.parse(saved.result) as ScanResult), replayed: true }
        const before = saved.state ?? '{}'   // written by JSON.stringify, so the same text as re-stringifying it
        const state = parseState(saved.state)
        const at = clock()
        // A scan kept while the database was away is recorded with the time it was scanned.
        const base = { scanId, station: def.code, at: scannedAt ?? at.toISOString(), raw, replayed: false }
        let result: ScanResult
        const last = lastScan.get(def.code)
        if (last && last.raw === raw && at.getTime() - last.at < repeatWindowMs) {
          result = { ...base, outcome: 'repeat', signal: 'good', message: 'Same scan again: counted once' }
        } else {
          try {
            result = { ...base, ...await flows.scan(def, state, readScan(raw), scanId) }
          } catch (e) {
            if (!(e instanceof DomainError)) throw e
            result = { ...base, outcome: 'refused', signal: 'bad', message: e.message }
          }
        }
        // The scan and what it changed at the station commit together: a crash leaves both or neither.
        const after = JSON.stringify(state)
        const changed = after !== before
        await db.write(async tx => {
          await q.insertScan(tx, { id: scanId, station: def.code, source, raw, receivedAt: base.at, outcome: result.outcome, message: result.message, result: JSON.stringify(result) })
          if (changed) await q.putStationState(tx, def.code, after, clock().toISOString())
        })
        if (changed) events.emit('state', { station: def.code, state })
        // Only a scan that was recorded starts a repeat window: one kept for later must not hide its own replay.
        if (result.outcome !== 'repeat') lastScan.set(def.code, { raw, at: at.getTime() })
        events.emit('scan', result)
        return result
      })
    },

    /** The operator's answer to what the station shows: confirm (with the fields it asked for) or cancel. */
    answer: (code: string, answer: Answer) => withState(code, async (state, def) => {
      const result = await flows.answer(def, state, answer)
      events.emit('answer', { station: def.code, ...result })
      return result
    }),

    setDelivery: (code: string, delivery: { supplier: string, referenceDocument?: ReferenceDocument } | null) => withState(code, async (state, def) => {
      if (def.kind !== 'receiving') throw new DomainError('CONFLICT', `${def.code} is a ${def.kind} station`)
      if (delivery) {
        const s = await masterData.getPartner(delivery.supplier)
        if (!s || s.role === 'customer') throw new DomainError('INVALID', `No supplier with code "${delivery.supplier}"`)
        state.delivery = delivery
      } else delete state.delivery
      return state
    }),

    openBatch: (code: string, input: { product: string, referenceDocument?: ReferenceDocument, user?: string }) => withState(code, async (state, def) => {
      if (def.kind !== 'production') throw new DomainError('CONFLICT', `${def.code} is a ${def.kind} station`)
      if (state.batch) throw new DomainError('CONFLICT', `Batch ${state.batch} is still open on this line: close it first`)
      const batch = await lots.openBatch({ product: input.product, line: def.location, referenceDocument: input.referenceDocument, user: input.user, station: def.code })
      state.batch = batch.code
      return batch
    }),

    closeBatch: (code: string, input: { quantity: number, unit?: string, user?: string }) => withState(code, async (state, def) => {
      if (!state.batch) throw new DomainError('CONFLICT', 'No batch is open on this line')
      if (state.pending) throw new DomainError('CONFLICT', 'Confirm or cancel the scanned input first')
      const batch = await lots.closeBatch(state.batch, { ...input, station: def.code, requestId: `${def.code}:close:${state.batch}` })
      delete state.batch
      const label = batch.lot ? await flows.label(def, 'case', batch.lot.code, input.user) : null
      return { batch, label }
    }),

    openShipment: (code: string, input: { customer: string, referenceDocument?: ReferenceDocument }) => withState(code, async (state, def) => {
      if (def.kind !== 'shipping') throw new DomainError('CONFLICT', `${def.code} is a ${def.kind} station`)
      if (state.shipment) throw new DomainError('CONFLICT', `A shipment to ${state.shipment.customer} is still open: close or cancel it first`)
      const c = await masterData.getPartner(input.customer)
      if (!c || c.role === 'supplier') throw new DomainError('INVALID', `No customer with code "${input.customer}"`)
      state.shipment = { id: randomUUID(), customer: c.code, customerName: c.name, referenceDocument: input.referenceDocument, lines: [], openedAt: clock().toISOString() }
      return state.shipment
    }),

    closeShipment: (code: string, input: { shippedAt?: string, user?: string }) => withState(code, async (state, def) => {
      const s = state.shipment
      if (!s) throw new DomainError('CONFLICT', 'No shipment is open at this dock')
      if (state.pending) throw new DomainError('CONFLICT', 'Answer the question about the last scan first')
      if (s.lines.length === 0) throw new DomainError('INVALID', 'The shipment has no lines: scan cases or pallets first')
      const shipment = await lots.ship({
        customer: s.customer, shipFrom: def.location, shippedAt: input.shippedAt, referenceDocument: s.referenceDocument, user: input.user, station: def.code,
        lines: s.lines.map(l => ({ lot: l.lot, quantity: l.quantity, unit: l.unit })), pallets: s.lines.flatMap(l => l.ssccs), requestId: `${def.code}:ship:${s.id}`
      })
      delete state.shipment
      return shipment
    }),

    cancelShipment: (code: string) => withState(code, async (state) => {
      delete state.shipment
      delete state.pending
      return state
    })
  }
}

export type Stations = ReturnType<typeof createStations>

import type { Db, Sql } from '../../../db/client.ts'
import * as x from '../../../db/exports.ts'
import { addDays, checkDate } from '../dates.ts'
import { DomainError } from '../errors.ts'
import type { Trace } from '../lineage.ts'
import type { Partner } from '../types.ts'
import { dayOf } from './kdes.ts'
import type { ExportData, ExportLot, PlantInfo, ShipmentRecord } from './types.ts'

type Loaded = Pick<ExportData, 'receipts' | 'transformations' | 'shipments' | 'pallets'>

const toExportLot = (l: x.ExportLotRow): ExportLot => ({
  id: l.id,
  code: l.code,
  // FSMA 204: a receiver keeps the TLC its supplier assigned; a lot we made carries our own code as its TLC.
  tlc: l.origin === 'received' ? (l.supplierLotCode ?? l.code) : l.code,
  tlcSource: l.tlcSource,
  unit: l.unit,
  origin: l.origin,
  product: { ...l.product },
  bestBefore: l.bestBefore,
  expiryDate: l.expiryDate,
  qcStatus: l.qcStatus
})

/**
 * Reads every live event of one scope and resolves lots, products and partners once each.
 * `lots` selects receipts, transformations (by output lot) and pallets; `shipped` selects shipment
 * lines. `keep` drops rows outside a date range after the SQL's wider, time-zone-free match.
 */
async function load (tx: Sql, lots: x.ExportFilter, shipped: x.ExportFilter, keep: (at: string) => boolean = () => true): Promise<Loaded> {
  const receiving = (await x.listReceivingEvents(tx, lots)).filter(r => keep(r.occurredAt))
  const closes = (await x.listBatchCloses(tx, lots)).filter(c => keep(c.occurredAt))
  const inputs = await x.listBatchInputTotals(tx, closes.map(c => c.batchId))
  const lines = (await x.listShippedLines(tx, shipped)).filter(s => keep(s.occurredAt))
  const pallets = (await x.listPallets(tx, lots)).filter(p => keep(p.createdAt))
  const ssccs = await x.listShipmentSsccs(tx, [...new Set(lines.map(s => s.shipmentId))])

  const lotIds = [...receiving.map(r => r.lotId), ...closes.map(c => c.outputLotId), ...inputs.map(i => i.lotId), ...lines.map(s => s.lotId), ...pallets.map(p => p.lotId)]
  const lotById = new Map((await x.listExportLots(tx, [...new Set(lotIds)])).map(l => [l.id, toExportLot(l)]))
  const partnerIds = [...receiving.map(r => r.supplierId).filter((id): id is number => id !== null), ...lines.map(s => s.customerId)]
  const partnerById = new Map((await x.listPartnersById(tx, [...new Set(partnerIds)])).map(p => [p.id, p]))
  const lot = (id: number) => lotById.get(id)!
  const inputsOf = new Map<number, Array<{ lot: ExportLot, quantity: number }>>()
  for (const i of inputs) {
    let list = inputsOf.get(i.batchId)
    if (!list) inputsOf.set(i.batchId, list = [])
    list.push({ lot: lot(i.lotId), quantity: i.quantity })
  }

  const shipments = new Map<number, ShipmentRecord>()
  for (const s of lines) {
    const rec = shipments.get(s.shipmentId) ?? {
      shipmentId: s.shipmentId, eventId: s.eventId, occurredAt: s.occurredAt, customer: partnerById.get(s.customerId) as Partner,
      shipFrom: s.shipFrom, referenceDocument: s.referenceDocument, lines: [], pallets: []
    }
    rec.lines.push({ lot: lot(s.lotId), quantity: s.quantity })
    shipments.set(s.shipmentId, rec)
  }
  // A pallet belongs in a shipment's record when it holds one of the lots exported for that shipment.
  for (const { shipmentId, sscc, lotId } of ssccs) {
    const rec = shipments.get(shipmentId)!
    if (lotId === null || rec.lines.some(l => l.lot.id === lotId)) rec.pallets.push(sscc)
  }
  return {
    receipts: receiving.map(r => ({
      eventId: r.eventId, occurredAt: r.occurredAt, lot: lot(r.lotId), quantity: r.quantity,
      supplier: r.supplierId === null ? null : partnerById.get(r.supplierId) ?? null, dock: r.dock, referenceDocument: r.referenceDocument
    })),
    transformations: closes.map(c => ({
      eventId: c.eventId, occurredAt: c.occurredAt, batch: c.batchCode, line: c.line, output: lot(c.outputLotId), quantity: c.quantity,
      referenceDocument: c.referenceDocument, inputs: inputsOf.get(c.batchId) ?? []
    })),
    shipments: [...shipments.values()],
    pallets: pallets.map(p => ({ id: p.id, sscc: p.sscc, lot: lot(p.lotId), count: p.count, createdAt: p.createdAt, station: p.station }))
  }
}

export interface CollectDeps {
  db: Db
  plant?: PlantInfo | null
  /** The plant's IANA time zone: which calendar day a date-time belongs to. Default: plant.timeZone, else this machine's. */
  timeZone?: string
  clock?: () => Date                 // injected for testability
}

/** Gathers the recorded events behind an export: of a trace, of a date range, of one shipment. */
export function createCollector ({ db, plant = null, timeZone, clock = () => new Date() }: CollectDeps) {
  const tz = timeZone ?? plant?.timeZone
  const wrap = (scope: string, loaded: Loaded): ExportData => ({ scope, generatedAt: clock().toISOString(), plant, timeZone: tz, ...loaded })

  return {
    /**
     * The events of a trace: the creation (receipt or batch) of every lot it reaches and the pallets
     * of those lots, and the shipment lines the trace lists (forward only, as the trace does).
     */
    fromTrace (trace: Trace): Promise<ExportData> {
      const idOf = new Map(trace.lots.map(l => [l.code, l.id]))
      const lotIds = trace.lots.map(l => l.id)
      const shippedIds = [...new Set(trace.shipments.flatMap(s => s.lines.map(l => idOf.get(l.lot)!)))]
      return db.read(async tx => wrap(`lot ${trace.lot} (${trace.direction})`, await load(tx, { lotIds }, { lotIds: shippedIds })))
    },

    /** Every event whose business date, in the plant's time zone, is from `from` to `to` inclusive. */
    fromRange (from: string, to: string): Promise<ExportData> {
      for (const [v, field] of [[from, 'from'], [to, 'to']] as const) {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new DomainError('INVALID', `${field} must be a date (YYYY-MM-DD), got "${v}"`)
        checkDate(v, field)
      }
      if (from > to) throw new DomainError('INVALID', `from (${from}) is after to (${to})`)
      // A date-time recorded in UTC can fall on the plant's previous or next day: match a day wider, then filter exactly.
      const wide = { from: addDays(from, -1), to: addDays(to, 1) }
      // Once per distinct date-time (a shipment's lines share their event's): cheap since plantDate caches its formatter, and still fewer calls.
      const kept = new Map<string, boolean>()
      const keep = (at: string) => {
        let k = kept.get(at)
        if (k === undefined) { const d = dayOf(at, tz); kept.set(at, k = d >= from && d <= to) }
        return k
      }
      return db.read(async tx => wrap(`${from} to ${to}`, await load(tx, wide, wide, keep)))
    },

    /** The lines of one shipment; null when there is none. A voided shipment did not happen: CONFLICT. */
    fromShipment (id: number): Promise<ExportData | null> {
      return db.read(async tx => {
        const state = await x.getShipmentState(tx, id)
        if (!state) return null
        if (state.voided) throw new DomainError('CONFLICT', `Shipment ${id} was voided: there is nothing to send the recipient`, { shipment: id })
        return wrap(`shipment ${id}`, await load(tx, { shipmentId: id }, { shipmentId: id }))
      })
    }
  }
}

export type Collector = ReturnType<typeof createCollector>

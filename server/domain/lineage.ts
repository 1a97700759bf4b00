import type { Db } from '../../db/client.ts'
import * as lin from '../../db/lineage.ts'
import { listPartnersByCode } from '../../db/master.ts'
import { listBalances, listLotsById, getLotByCode } from '../../db/records.ts'
import { emptyBalance } from './lots.ts'
import type { Lot, MassBalance, Partner, ReferenceDocument } from './types.ts'

export type TraceDirection = 'backward' | 'forward' | 'both'

export interface TraceLot extends Lot { balance: MassBalance }
export interface TraceEdge {
  from: string
  to: string
  batch: string
  date: string
  /** Taken from the input lot, in that lot's unit. */
  quantity: number
  unit: string
  enteredQuantity: number
  enteredUnit: string
}
/** One of our lots on a shipment, in that lot's unit. */
export interface TraceShipmentLine { lot: string, quantity: number, unit: string }
/** A shipment that carried lots this trace reached, with only those lots' lines. */
export interface TraceShipment {
  shipmentId: number
  /** The customer's partner code; its record is in `customers`. */
  customer: string
  shipDate: string
  shipFrom: string
  referenceDocument: ReferenceDocument | null
  lines: TraceShipmentLine[]
}
/** Who must be called: the customer's record, which shipments, and how much in all. */
export interface TraceCustomer {
  customer: Partner
  shipmentIds: number[]
  lines: number
  totals: Array<{ unit: string, quantity: number }>
  firstShipDate: string
  lastShipDate: string
}
export interface Trace {
  lot: string
  direction: TraceDirection
  generatedAt: string
  tookMs: number
  lots: TraceLot[]
  edges: TraceEdge[]
  /**
   * Forward: every shipment that carried a lot reached, oldest first. Each shipment appears once
   * with its lines (a salt lot reaches ~7,600 shipments and ~72,000 lines in five years).
   */
  shipments: TraceShipment[]
  /** Forward: lots reached that sit in batches not yet closed (product in progress). */
  openBatches: Array<{ lot: string, batch: string, line: string, quantity: number, unit: string, date: string }>
  /** Forward: who must be called, by name. */
  customers: TraceCustomer[]
  /** Backward: where it came from: suppliers with their lot codes. */
  suppliers: Array<{ supplier: Partner, lots: Array<{ lot: string, product: string, supplierLotCode: string | null, tlcSource: string | null, receivedAt: string, quantity: number, unit: string, referenceDocument: ReferenceDocument | null }> }>
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6

/** Each customer once, with its shipments, line count, totals per unit and first and last ship dates. */
function customersOf (shipments: TraceShipment[], records: Map<string, Partner>): TraceCustomer[] {
  const by = new Map<string, { c: TraceCustomer, totals: Map<string, number> }>()
  for (const s of shipments) {
    let entry = by.get(s.customer)
    if (!entry) {
      entry = { c: { customer: records.get(s.customer)!, shipmentIds: [], lines: 0, totals: [], firstShipDate: s.shipDate, lastShipDate: s.shipDate }, totals: new Map() }
      by.set(s.customer, entry)
    }
    const c = entry.c
    c.shipmentIds.push(s.shipmentId)
    c.lines += s.lines.length
    if (s.shipDate < c.firstShipDate) c.firstShipDate = s.shipDate
    if (s.shipDate > c.lastShipDate) c.lastShipDate = s.shipDate
    for (const l of s.lines) entry.totals.set(l.unit, (entry.totals.get(l.unit) ?? 0) + l.quantity)
  }
  return [...by.values()]
    .map(({ c, totals }) => ({ ...c, totals: [...totals].map(([unit, quantity]) => ({ unit, quantity: round6(quantity) })) }))
    .sort((a, b) => a.customer.name.localeCompare(b.customer.name))
}

/** A trace's shipments grouped by customer code, oldest first within each. */
export function shipmentsByCustomer (t: Pick<Trace, 'shipments'>): Map<string, TraceShipment[]> {
  const out = new Map<string, TraceShipment[]>()
  for (const s of t.shipments) {
    const list = out.get(s.customer)
    if (list) list.push(s)
    else out.set(s.customer, [s])
  }
  return out
}

/** Each lot's shipment lines, with the shipment they are on: what the trace tree shows under a lot. */
export function shipmentLinesByLot (t: Pick<Trace, 'shipments'>): Map<string, Array<{ shipment: TraceShipment, line: TraceShipmentLine }>> {
  const out = new Map<string, Array<{ shipment: TraceShipment, line: TraceShipmentLine }>>()
  for (const shipment of t.shipments) {
    for (const line of shipment.lines) {
      const list = out.get(line.lot)
      if (list) list.push({ shipment, line })
      else out.set(line.lot, [{ shipment, line }])
    }
  }
  return out
}

/** Backward and forward traces: one recursive query per direction, then one query per kind of detail. */
export function createLineage ({ db, clock = () => new Date() }: { db: Db, clock?: () => Date }) {
  return {
    async trace (code: string, direction: TraceDirection = 'both'): Promise<Trace | null> {
      const started = performance.now()
      return db.read(async tx => {
        const root = await getLotByCode(tx, code)
        if (!root) return null
        const back = direction === 'forward' ? [] : await lin.listAncestorEdges(tx, root.id)
        const fwd = direction === 'backward' ? [] : await lin.listDescendantEdges(tx, root.id)
        const backIds = new Set([root.id, ...back.map(e => e.fromLot)])
        const fwdIds = new Set([root.id, ...fwd.map(e => e.toLot)])
        const ids = [...new Set([...backIds, ...fwdIds, ...back.map(e => e.toLot), ...fwd.map(e => e.fromLot)])]
        const lots = await listLotsById(tx, ids)
        const balances = await listBalances(tx, ids)
        const byId = new Map(lots.map(l => [l.id, { ...l, balance: balances.get(l.id) ?? emptyBalance(l.unit) }]))
        const shipRows = direction === 'backward' ? [] : await lin.listShipmentsOfLots(tx, [...fwdIds])
        // Only a lot that was ever consumed can sit in an open batch: most lots a forward trace
        // reaches are finished goods, so this skips thousands of index probes for the salt lot.
        const consumedIds = direction === 'backward' ? [] : [...fwdIds].filter(id => (byId.get(id)?.balance.consumed ?? 0) !== 0)
        const openUses = await lin.listOpenBatchUses(tx, consumedIds)
        const codeOf = (id: number) => byId.get(id)!.code
        const edgeMap = new Map<number, TraceEdge>()
        for (const e of [...back, ...fwd]) {
          edgeMap.set(e.eventId, {
            from: codeOf(e.fromLot), to: codeOf(e.toLot), batch: e.batchCode, date: e.date, quantity: e.quantity,
            unit: byId.get(e.fromLot)!.unit, enteredQuantity: e.enteredQuantity, enteredUnit: e.enteredUnit
          })
        }
        const shipments: TraceShipment[] = shipRows.map(s => ({
          shipmentId: s.id, customer: s.customerCode, shipDate: s.shipDate, shipFrom: s.shipFrom,
          referenceDocument: s.refDocNumber === null ? null : { type: s.refDocType ?? '', number: s.refDocNumber },
          lines: s.lines.map(l => { const lot = byId.get(l.lotId)!; return { lot: lot.code, quantity: l.quantity, unit: lot.unit } })
        }))
        const customerRecords = new Map((await listPartnersByCode(tx, [...new Set(shipRows.map(s => s.customerCode))])).map(p => [p.code, p]))
        const received = [...backIds].map(id => byId.get(id)!).filter(l => l.origin === 'received' && l.supplier)
        const partners = new Map((await listPartnersByCode(tx, [...new Set(received.map(l => l.supplier!.code))])).map(p => [p.code, p]))
        const suppliers = new Map<string, Trace['suppliers'][number]>()
        for (const l of received) {
          const entry = suppliers.get(l.supplier!.code) ?? { supplier: partners.get(l.supplier!.code)!, lots: [] }
          entry.lots.push({ lot: l.code, product: l.product.code, supplierLotCode: l.supplierLotCode, tlcSource: l.tlcSource, receivedAt: l.date, quantity: l.balance.received, unit: l.unit, referenceDocument: l.referenceDocument })
          suppliers.set(l.supplier!.code, entry)
        }
        return {
          lot: root.code,
          direction,
          generatedAt: clock().toISOString(),
          tookMs: Math.round((performance.now() - started) * 100) / 100,
          lots: [...byId.values()],
          edges: [...edgeMap.values()],
          shipments,
          openBatches: openUses.map(u => ({ lot: codeOf(u.lotId), batch: u.batchCode, line: u.line, quantity: u.quantity, unit: byId.get(u.lotId)!.unit, date: u.date })),
          customers: customersOf(shipments, customerRecords),
          suppliers: [...suppliers.values()].sort((a, b) => a.supplier.name.localeCompare(b.supplier.name))
        }
      })
    }
  }
}

export type Lineage = ReturnType<typeof createLineage>

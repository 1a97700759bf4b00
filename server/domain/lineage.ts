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
export interface TraceShipment {
  lot: string
  product: string
  customer: string
  shipmentId: number
  shipDate: string
  shipFrom: string
  quantity: number
  unit: string
  referenceDocument: ReferenceDocument | null
}
export interface Trace {
  lot: string
  direction: TraceDirection
  generatedAt: string
  tookMs: number
  lots: TraceLot[]
  edges: TraceEdge[]
  /** Forward: every shipment line of every lot reached. */
  shipments: TraceShipment[]
  /** Forward: lots reached that sit in batches not yet closed (product in progress). */
  openBatches: Array<{ lot: string, batch: string, line: string, quantity: number, unit: string, date: string }>
  /** Forward: who must be called, with what they got. */
  customers: Array<{ customer: Partner, shipments: TraceShipment[] }>
  /** Backward: where it came from: suppliers with their lot codes. */
  suppliers: Array<{ supplier: Partner, lots: Array<{ lot: string, product: string, supplierLotCode: string | null, tlcSource: string | null, receivedAt: string, quantity: number, unit: string, referenceDocument: ReferenceDocument | null }> }>
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
        const [lots, balances, shipLines, openUses] = await Promise.all([
          listLotsById(tx, ids),
          listBalances(tx, ids),
          direction === 'backward' ? [] : lin.listShipmentLines(tx, [...fwdIds]),
          direction === 'backward' ? [] : lin.listOpenBatchUses(tx, [...fwdIds])
        ])
        const byId = new Map(lots.map(l => [l.id, { ...l, balance: balances.get(l.id) ?? emptyBalance(l.unit) }]))
        const codeOf = (id: number) => byId.get(id)!.code
        const edgeMap = new Map<string, TraceEdge>()
        for (const e of [...back, ...fwd]) {
          edgeMap.set(`${e.eventId}`, {
            from: codeOf(e.fromLot), to: codeOf(e.toLot), batch: e.batchCode, date: e.date, quantity: e.quantity,
            unit: byId.get(e.fromLot)!.unit, enteredQuantity: e.enteredQuantity, enteredUnit: e.enteredUnit
          })
        }
        const shipments: TraceShipment[] = shipLines.map(s => ({
          lot: codeOf(s.lotId), product: byId.get(s.lotId)!.product.code, customer: s.customerCode, shipmentId: s.shipmentId,
          shipDate: s.shipDate, shipFrom: s.shipFrom, quantity: s.quantity, unit: s.unit,
          referenceDocument: s.refDocNumber === null ? null : { type: s.refDocType ?? '', number: s.refDocNumber }
        }))
        // Each customer's record once, not once per shipment line (a widely used lot reaches tens of thousands).
        const customerRecords = new Map((await listPartnersByCode(tx, [...new Set(shipLines.map(s => s.customerCode))])).map(p => [p.code, p]))
        const customers = new Map<string, { customer: Partner, shipments: TraceShipment[] }>()
        for (const [i, s] of shipLines.entries()) {
          const c = customers.get(s.customerCode) ?? { customer: customerRecords.get(s.customerCode)!, shipments: [] }
          c.shipments.push(shipments[i]!)
          customers.set(s.customerCode, c)
        }
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
          customers: [...customers.values()].sort((a, b) => a.customer.name.localeCompare(b.customer.name)),
          suppliers: [...suppliers.values()].sort((a, b) => a.supplier.name.localeCompare(b.supplier.name))
        }
      })
    }
  }
}

export type Lineage = ReturnType<typeof createLineage>

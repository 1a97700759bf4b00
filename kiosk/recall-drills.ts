import type { Db } from '../db/client.ts'
import { getRecallDrill, insertRecallDrill, listRecallDrills } from '../db/recall-drills.ts'
import { DomainError } from '../server/domain/errors.ts'
import { shipmentsByCustomer, type Lineage } from '../server/domain/lineage.ts'
import type { MassBalance, Partner, ReferenceDocument } from '../server/domain/types.ts'

/**
 * A shipment as the recall report lists it: when, on which document, which of our lots and how
 * much (in the lot's unit). Lines are [lot, quantity] pairs, the lots' product and unit kept once in
 * the summary's `lots`: a drill of a salt lot keeps ~72,000 lines, and this halves what is stored.
 */
export interface DrillShipment {
  shipmentId: number
  shipDate: string
  referenceDocument: ReferenceDocument | null
  lines: Array<[lot: string, quantity: number]>
}

/**
 * Drills recorded before shipments were grouped (one entry per shipment line, with lot, product,
 * quantity and unit on the entry) are read as one-line shipments: a kept report still shows.
 */
function upgradeSummary (summary: DrillSummary): DrillSummary {
  summary.lots ??= {}
  for (const c of summary.customers) {
    c.shipments = c.shipments.map(s => {
      if ('lines' in s) return s
      const old = s as unknown as { shipmentId: number, shipDate: string, referenceDocument: ReferenceDocument | null, lot: string, product: string, quantity: number, unit: string }
      summary.lots[old.lot] = { product: old.product, unit: old.unit }
      return { shipmentId: old.shipmentId, shipDate: old.shipDate, referenceDocument: old.referenceDocument, lines: [[old.lot, old.quantity]] }
    })
  }
  return summary
}

/** What a mock recall found, as kept with the drill: the report is drawn from this, as it was that day. */
export interface DrillSummary {
  lot: { code: string, product: { code: string, name: string }, origin: 'received' | 'produced', supplierLotCode: string | null, date: string }
  balance: MassBalance
  customers: Array<{ customer: Partner, shipments: DrillShipment[], total: Array<{ quantity: number, unit: string }> }>
  /** Product code and unit of each lot on a shipment line. */
  lots: Record<string, { product: string, unit: string }>
  suppliers: Array<{ supplier: Partner, lots: Array<{ lot: string, product: string, supplierLotCode: string | null, receivedAt: string, quantity: number, unit: string, referenceDocument: ReferenceDocument | null }> }>
  openBatches: Array<{ lot: string, batch: string, line: string, quantity: number, unit: string, date: string }>
  /** Lots reached that are still in the plant: to hold. */
  onHand: Array<{ lot: string, product: string, quantity: number, unit: string }>
  generatedAt: string
}

export interface Drill { id: number, lotCode: string, user: string, startedAt: string, durationMs: number, traceMs: number, summary: DrillSummary }

/** Mock recalls: one click from a lot runs both traces, keeps the result as a record, and times it. */
export function createRecallDrills ({ db, lineage, clock = () => new Date() }: { db: Db, lineage: Lineage, clock?: () => Date }) {
  return {
    async run (lotCode: string, user: string): Promise<number> {
      const startedAt = clock().toISOString()
      const t0 = performance.now()
      // The traced lot is in its own trace, with its balance: no second read of the lot (a salt lot's
      // event list alone is thousands of rows).
      const trace = await lineage.trace(lotCode, 'both')
      const l = trace?.lots.find(x => x.code === trace.lot)
      if (!trace || !l) throw new DomainError('NOT_FOUND', `Lot ${lotCode} not found`)
      const shipmentsOf = shipmentsByCustomer(trace)
      const shipped = new Set(trace.shipments.flatMap(s => s.lines.map(x => x.lot)))
      const summary: DrillSummary = {
        lot: { code: l.code, product: { code: l.product.code, name: l.product.name }, origin: l.origin, supplierLotCode: l.supplierLotCode, date: l.date },
        balance: l.balance,
        customers: trace.customers.map(c => ({
          customer: c.customer,
          shipments: (shipmentsOf.get(c.customer.code) ?? []).map(s => ({
            shipmentId: s.shipmentId, shipDate: s.shipDate, referenceDocument: s.referenceDocument,
            lines: s.lines.map(x => [x.lot, x.quantity] as [string, number])
          })),
          total: c.totals
        })),
        lots: Object.fromEntries(trace.lots.filter(x => shipped.has(x.code)).map(x => [x.code, { product: x.product.code, unit: x.unit }])),
        suppliers: trace.suppliers,
        openBatches: trace.openBatches,
        onHand: trace.lots.filter(x => x.balance.onHand > 1e-6 && !x.voided).map(x => ({ lot: x.code, product: x.product.name, quantity: x.balance.onHand, unit: x.unit })),
        generatedAt: trace.generatedAt
      }
      const durationMs = Math.round((performance.now() - t0) * 100) / 100
      return db.write(tx => insertRecallDrill(tx, {
        lotCode: l.code, user, startedAt, durationMs, traceMs: trace.tookMs, customers: trace.customers.length, suppliers: trace.suppliers.length,
        shipments: trace.shipments.length, lots: trace.lots.length, summary: JSON.stringify(summary)
      }))
    },
    async get (id: number): Promise<Drill | null> {
      const r = await getRecallDrill(db.client, id)
      return r ? { id: r.id, lotCode: r.lotCode, user: r.user, startedAt: r.startedAt, durationMs: r.durationMs, traceMs: r.traceMs, summary: upgradeSummary(JSON.parse(r.summary) as DrillSummary) } : null
    },
    list: (lotCode?: string) => listRecallDrills(db.client, { lotCode })
  }
}

export type RecallDrills = ReturnType<typeof createRecallDrills>

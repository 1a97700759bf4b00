import type { Db } from '../db/client.ts'
import { getRecallDrill, insertRecallDrill, listRecallDrills } from '../db/recall-drills.ts'
import { DomainError } from '../server/domain/errors.ts'
import type { Lineage, TraceShipment } from '../server/domain/lineage.ts'
import type { Lots } from '../server/domain/lots.ts'
import type { MassBalance, Partner, ReferenceDocument } from '../server/domain/types.ts'

/** What a mock recall found, as kept with the drill: the report is drawn from this, as it was that day. */
export interface DrillSummary {
  lot: { code: string, product: { code: string, name: string }, origin: 'received' | 'produced', supplierLotCode: string | null, date: string }
  balance: MassBalance
  customers: Array<{ customer: Partner, shipments: TraceShipment[], total: Array<{ quantity: number, unit: string }> }>
  suppliers: Array<{ supplier: Partner, lots: Array<{ lot: string, product: string, supplierLotCode: string | null, receivedAt: string, quantity: number, unit: string, referenceDocument: ReferenceDocument | null }> }>
  openBatches: Array<{ lot: string, batch: string, line: string, quantity: number, unit: string, date: string }>
  /** Lots reached that are still in the plant: to hold. */
  onHand: Array<{ lot: string, product: string, quantity: number, unit: string }>
  generatedAt: string
}

export interface Drill { id: number, lotCode: string, user: string, startedAt: string, durationMs: number, traceMs: number, summary: DrillSummary }

/** Mock recalls: one click from a lot runs both traces, keeps the result as a record, and times it. */
export function createRecallDrills ({ db, lots, lineage, clock = () => new Date() }: { db: Db, lots: Lots, lineage: Lineage, clock?: () => Date }) {
  return {
    async run (lotCode: string, user: string): Promise<number> {
      const startedAt = clock().toISOString()
      const t0 = performance.now()
      const found = await lots.getLot(lotCode)
      if (!found) throw new DomainError('NOT_FOUND', `Lot ${lotCode} not found`)
      const trace = (await lineage.trace(found.lot.code, 'both'))!
      const l = found.lot
      const totals = (ships: TraceShipment[]) => {
        const by = new Map<string, number>()
        for (const s of ships) by.set(s.unit, (by.get(s.unit) ?? 0) + s.quantity)
        return [...by].map(([unit, quantity]) => ({ unit, quantity: Math.round(quantity * 1e6) / 1e6 }))
      }
      const summary: DrillSummary = {
        lot: { code: l.code, product: { code: l.product.code, name: l.product.name }, origin: l.origin, supplierLotCode: l.supplierLotCode, date: l.date },
        balance: found.balance,
        customers: trace.customers.map(c => ({ ...c, total: totals(c.shipments) })),
        suppliers: trace.suppliers,
        openBatches: trace.openBatches,
        onHand: trace.lots.filter(x => x.balance.onHand > 1e-6 && !x.voided).map(x => ({ lot: x.code, product: x.product.name, quantity: x.balance.onHand, unit: x.unit })),
        generatedAt: trace.generatedAt
      }
      const durationMs = Math.round((performance.now() - t0) * 100) / 100
      return db.write(tx => insertRecallDrill(tx, {
        lotCode: l.code, user, startedAt, durationMs, traceMs: trace.tookMs, customers: trace.customers.length, suppliers: trace.suppliers.length,
        shipments: new Set(trace.shipments.map(s => s.shipmentId)).size, lots: trace.lots.length, summary: JSON.stringify(summary)
      }))
    },
    async get (id: number): Promise<Drill | null> {
      const r = await getRecallDrill(db.client, id)
      return r ? { id: r.id, lotCode: r.lotCode, user: r.user, startedAt: r.startedAt, durationMs: r.durationMs, traceMs: r.traceMs, summary: JSON.parse(r.summary) as DrillSummary } : null
    },
    list: (lotCode?: string) => listRecallDrills(db.client, { lotCode })
  }
}

export type RecallDrills = ReturnType<typeof createRecallDrills>

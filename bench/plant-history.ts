import { addDays } from '../server/domain/dates.ts'
import { seeded } from '../server/demo-plant.ts'
import { createCatalogue, LINES, WIP, type Product } from './plant-catalogue.ts'
import { createPlantWriter, type BatchRef, type LotRef, type RowSink } from './plant-rows.ts'

export interface HistoryOptions {
  /** 1 = a mid-size bakery: ~27 batches a day (~50,000 in five years), ~550 shipment lines a day. */
  scale: number
  seed: number
  /** Default five years (1,826 days) from `start`. */
  days?: number
  start?: string
  /** Called after each simulated day: the loader flushes its buffers here. */
  onDayEnd?: (day: number) => Promise<void>
}
export interface HistoryStats { days: number, batches: number, wipBatches: number, receivedLots: number, producedLots: number, inputs: number, shipments: number, shipmentLines: number, voids: number, reworkInputs: number }

const USERS = ['ana', 'ben', 'chen', 'dee', 'eli', 'fay', 'gus', 'hana', 'ivo', 'jo', 'kai', 'lea']
/** Chance that an input is scanned twice (the duplicate is voided), and that a receipt is keyed twice (voided). */
const DOUBLE_SCAN = 0.003
const DOUBLE_RECEIPT = 0.003
/** Chance that a finished lot holds back 2-8 cases that go back into a later batch of its family (rework). */
const REWORK = 0.08

const round3 = (x: number) => Math.round(x * 1000) / 1000

/**
 * Simulates a plant day by day, deterministic from `seed`, writing every row through `sink`.
 * Ingredients are used first-in first-out, a new lot is received when the current one runs out,
 * each finished lot is shipped in ~20 lines of 10-56 cases over the next ten days.
 */
export async function generatePlant (sink: RowSink, o: HistoryOptions): Promise<HistoryStats> {
  const rnd = seeded(o.seed)
  const start = o.start ?? '2021-01-04'
  const days = o.days ?? 1826
  const cat = createCatalogue(rnd, sink, `${start}T00:00:00.000Z`)
  const w = createPlantWriter(sink)
  const s: HistoryStats = { days, batches: 0, wipBatches: 0, receivedLots: 0, producedLots: 0, inputs: 0, shipments: 0, shipmentLines: 0, voids: 0, reworkInputs: 0 }
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!
  const user = () => pick(USERS)
  const stock = new Map<string, Array<{ lot: LotRef, left: number }>>()     // open lots per material or WIP, oldest first
  const rework = new Map<string, Array<{ lot: LotRef, qty: number, from: number }>>()
  const pending = new Map<number, Array<{ lot: LotRef, quantity: number }>>()  // shipment lines by day
  const listOf = <K, V>(m: Map<K, V[]>, k: K): V[] => { let l = m.get(k); if (!l) m.set(k, l = []); return l }
  const perLine = 25.5 * o.scale / LINES.length
  let po = 450_000; let bol = 880_000

  for (let d = 0; d < days; d++) {
    const date = addDays(start, d)
    const dayMs = Date.parse(`${date}T00:00:00Z`)
    const at = (minute: number) => new Date(dayMs + minute * 60_000).toISOString()
    let receipts = 0; let prepMinute = 180

    const receive = (code: string): { lot: LotRef, left: number } => {
      const m = cat.materials.get(code)!
      const supplierId = pick(m.suppliers)
      const args = {
        user: user(), station: 'DOCK1', at: at(240 + Math.min(receipts++, 119)), productId: m.id, unit: m.unit, supplierId,
        supplierLotCode: `SL${supplierId}-${date.replaceAll('-', '').slice(2)}-${receipts}`, tlcSource: cat.suppliers.get(supplierId)!,
        dockId: cat.locations.get('DOCK1')!, quantity: m.pack, po: String(po++), qcTemperatureC: m.code === 'BUTTER' || m.code === 'EGG' ? 3.5 : 18, bestBefore: addDays(date, 365)
      }
      const lot = w.receive(args)
      s.receivedLots++
      if (rnd() < DOUBLE_RECEIPT) {
        const dup = w.receive({ ...args, at: at(240 + Math.min(receipts++, 119)) })
        w.voidEvent(dup.eventId, at(245 + Math.min(receipts, 119)), args, 'receipt keyed twice')
        s.voids++
      }
      return { lot, left: m.pack }
    }
    /** Takes `need` from the open lots of `code`, FIFO, receiving a new lot when the last one runs out. */
    const take = (code: string, need: number, b: BatchRef, minute: number, who: string) => {
      const open = listOf(stock, code)
      need = round3(need)
      while (need > 0) {
        if (open.length === 0) {
          if (WIP[code]) throw new Error(`no ${code} made before a batch needed it`)
          open.push(receive(code))
        }
        const st = open[0]!
        const q = Math.min(st.left, need)
        w.input(b, st.lot, q, at(minute), who)
        s.inputs++
        if (rnd() < DOUBLE_SCAN && st.left - q >= q) {
          w.voidEvent(w.input(b, st.lot, q, at(minute), who), at(minute + 1), { user: who, station: b.station }, 'scanned twice')
          s.voids++
        }
        st.left = round3(st.left - q); need = round3(need - q)
        if (st.left <= 0) open.shift()
      }
    }
    const close = (b: BatchRef, p: Product, minute: number, who: string, quantity: number) => {
      s.batches++; s.producedLots++
      return w.closeBatch(b, { at: at(minute), user: who, productId: p.id, unit: p.unit, quantity, shelfLifeDays: p.shelfLifeDays })
    }
    /** A 1,000 kg filling batch on the prep line, early in the day. */
    const makeWip = (code: string) => {
      const p = cat.wip.get(code)!; const who = user(); const minute = prepMinute; prepMinute += 20
      const b = w.openBatch({ user: who, station: 'PREP', at: at(minute), productId: p.id, lineId: cat.locations.get('PREP')!, refNo: `BL-${date}-PREP-${minute}` })
      for (const [i, [input, use]] of WIP[code]!.inputs.entries()) take(input, use * (0.97 + rnd() * 0.06), b, minute + 1 + i, who)
      const qty = Math.round(p.output * (0.97 + rnd() * 0.06))
      listOf(stock, code).push({ lot: close(b, p, minute + 15, who, qty), left: qty })
      s.wipBatches++
    }

    for (const line of LINES) {
      const n = Math.floor(perLine) + (rnd() < perLine % 1 ? 1 : 0)
      const families = cat.families.filter(f => f.line === line)
      for (let k = 0; k < n; k++) {
        const f = pick(families); const p = pick(cat.finished.get(f.code)!); const who = user()
        const minute = 360 + Math.round(k * Math.min(180, 1080 / n))
        const wipNeed = f.wip ? round3(f.wip.use * (0.95 + rnd() * 0.05)) : 0
        if (f.wip && listOf(stock, f.wip.code).reduce((sum, l) => sum + l.left, 0) < wipNeed) makeWip(f.wip.code)
        const b = w.openBatch({ user: who, station: line, at: at(minute), productId: p.id, lineId: cat.locations.get(line)!, refNo: `BL-${date}-${line}-${k + 1}` })
        let t = minute + 1
        for (const code of f.inputs) take(code, cat.materials.get(code)!.use * (0.95 + rnd() * 0.1), b, t++, who)
        if (f.wip) take(f.wip.code, wipNeed, b, t++, who)
        const queue = rework.get(f.code)
        if (queue && queue[0] && queue[0].from <= d) { const r = queue.shift()!; w.input(b, r.lot, r.qty, at(t++), who); s.inputs++; s.reworkInputs++ }
        const out = Math.round(p.output * (0.9 + rnd() * 0.2))
        const lot = close(b, p, minute + 150, who, out)
        let left = out
        if (rnd() < REWORK) {
          const qty = 2 + Math.floor(rnd() * 7); left -= qty
          listOf(rework, f.code).push({ lot, qty, from: d + 1 })
        }
        while (left > 0) {
          let q = 10 + Math.floor(rnd() * 47)
          if (left - q < 5) q = left
          listOf(pending, d + 1 + Math.floor(rnd() * 10)).push({ lot, quantity: q })
          left -= q
        }
      }
    }

    const lines = pending.get(d) ?? []
    pending.delete(d)
    const groups: Array<typeof lines> = Array.from({ length: Math.max(1, Math.round(lines.length / 10)) }, () => [])
    for (const l of lines) groups[Math.floor(rnd() * groups.length)]!.push(l)
    for (const [i, g] of groups.entries()) {
      if (g.length === 0) continue
      // Squared uniform: a few big customers get most shipments, as in real distribution.
      const customerId = cat.customers[Math.floor(cat.customers.length * rnd() ** 2)]!
      w.ship({ user: user(), station: 'DOCK2', at: at(780 + i), customerId, dockId: cat.locations.get('DOCK2')!, bol: String(bol++), lines: g })
      s.shipments++; s.shipmentLines += g.length
    }
    await o.onDayEnd?.(d)
  }
  w.writeSequences()
  return s
}

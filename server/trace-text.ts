import { shipmentsByCustomer, type Trace } from './domain/lineage.ts'
import { formatQuantity } from './domain/units.ts'

/** A trace as plain text for the terminal: what a QA manager reads out on the phone. */
export function formatTrace (t: Trace): string {
  const lots = new Map(t.lots.map(l => [l.code, l]))
  const root = lots.get(t.lot)!
  const out: string[] = []
  const desc = (code: string) => {
    const l = lots.get(code)!
    return `${code}  ${l.product.name}${l.supplierLotCode ? `  (supplier lot ${l.supplierLotCode}, ${l.supplier?.name ?? ''})` : ''}`
  }
  out.push(`Lot ${desc(t.lot)}`)
  const b = root.balance
  out.push(`  mass balance: in ${formatQuantity(b.received + b.produced, b.unit)}, consumed ${formatQuantity(b.consumed, b.unit)}, shipped ${formatQuantity(b.shipped, b.unit)}, adjusted ${formatQuantity(b.adjusted, b.unit)}, on hand ${formatQuantity(b.onHand, b.unit)}`)

  if (t.direction !== 'forward') {
    out.push('', 'Backward (inputs):')
    const walk = (code: string, depth: number, seen: Set<string>) => {
      for (const e of t.edges.filter(x => x.to === code)) {
        out.push(`${'  '.repeat(depth)}<- ${desc(e.from)}  ${formatQuantity(e.quantity, e.unit)} in batch ${e.batch} on ${e.date.slice(0, 10)}`)
        if (!seen.has(e.from)) walk(e.from, depth + 1, new Set([...seen, e.from]))
      }
    }
    walk(t.lot, 1, new Set([t.lot]))
    out.push('', 'Source suppliers:')
    for (const s of t.suppliers) {
      out.push(`  ${s.supplier.name} (${s.supplier.code})${s.supplier.phone ? `, ${s.supplier.phone}` : ''}`)
      for (const l of s.lots) out.push(`    supplier lot ${l.supplierLotCode}  -> our lot ${l.lot}, ${formatQuantity(l.quantity, l.unit)} received ${l.receivedAt.slice(0, 10)}${l.referenceDocument ? `, ${l.referenceDocument.type} ${l.referenceDocument.number}` : ''}`)
    }
  }
  if (t.direction !== 'backward') {
    out.push('', 'Forward (made into):')
    const walk = (code: string, depth: number, seen: Set<string>) => {
      for (const e of t.edges.filter(x => x.from === code)) {
        out.push(`${'  '.repeat(depth)}-> ${desc(e.to)}  (${formatQuantity(e.quantity, e.unit)} used in batch ${e.batch} on ${e.date.slice(0, 10)})`)
        if (!seen.has(e.to)) walk(e.to, depth + 1, new Set([...seen, e.to]))
      }
    }
    walk(t.lot, 1, new Set([t.lot]))
    for (const o of t.openBatches) out.push(`  in open batch ${o.batch} on line ${o.line}: ${formatQuantity(o.quantity, o.unit)} of ${o.lot}`)
    out.push('', 'Affected customers:')
    const shipmentsOf = shipmentsByCustomer(t)
    if (t.customers.length === 0) out.push('  none: nothing made from this lot has shipped')
    for (const c of t.customers) {
      const p = c.customer
      out.push(`  ${p.name} (${p.code})${p.contact ? `, ${p.contact}` : ''}${p.phone ? `, ${p.phone}` : ''}${p.email ? `, ${p.email}` : ''}`)
      for (const s of shipmentsOf.get(p.code) ?? []) {
        for (const l of s.lines) out.push(`    ${s.shipDate.slice(0, 10)}  lot ${l.lot}  ${formatQuantity(l.quantity, l.unit)}${s.referenceDocument ? `  ${s.referenceDocument.type} ${s.referenceDocument.number}` : ''}`)
      }
    }
  }
  out.push('', `${t.lots.length} lots, ${t.edges.length} links, traced in ${t.tookMs} ms`)
  return out.join('\n')
}

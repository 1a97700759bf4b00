import { shipmentLinesByLot, type Trace, type TraceLot } from '../../server/domain/lineage.ts'
import { day, lotLink, qty, refDoc } from './format.ts'
import { html, type Html } from './html.ts'

/** A widely used lot (salt) reaches thousands of batches: the tree stops here and says so. */
export const MAX_TREE_NODES = 1500
/** Levels shown open when the page loads; deeper ones are one tap away. */
const OPEN_DEPTH = 2

/**
 * Backward and forward traces as nested <details>: every step with its quantity and date, down to
 * suppliers and their lot codes, and up to shipments and customers. A lot reached twice is shown
 * each time (it was used twice); a loop in the records is cut and marked.
 */
export function traceTree (t: Trace, direction: 'backward' | 'forward'): Html {
  const lots = new Map(t.lots.map(l => [l.code, l]))
  const budget = { left: MAX_TREE_NODES, cut: 0 }
  const customers = new Map(t.customers.map(c => [c.customer.code, c.customer]))
  const shippedOf = shipmentLinesByLot(t)

  const lotLine = (l: TraceLot | undefined, code: string) => l
    ? html`${lotLink(code)} ${l.product.name}${l.voided ? html` <b class="field-error">VOIDED</b>` : ''}`
    : html`${lotLink(code)}`

  function backward (code: string, path: Set<string>, depth: number): Html {
    const l = lots.get(code)
    const inputs = t.edges.filter(e => e.to === code)
    const origin = l?.origin === 'received'
      ? html` <span class="step">received ${day(l.date)} from <b>${l.supplier?.name ?? '?'}</b>, supplier lot <b class="mono">${l.supplierLotCode ?? '?'}</b>${l.referenceDocument ? `, ${refDoc(l.referenceDocument)}` : ''}, ${qty(l.balance.received, l.unit)}</span>`
      : ''
    if (inputs.length === 0) return html`<li>${lotLine(l, code)}${origin}</li>`
    const children = inputs.map(e => {
      if (budget.left-- <= 0) { budget.cut++; return '' }
      if (path.has(e.from)) return html`<li>${lotLink(e.from)} <b class="field-error">loop in the records</b></li>`
      const step = html`<span class="step">${qty(e.quantity, e.unit)} into batch ${e.batch} on ${day(e.date)}</span>`
      return html`<li><span class="step">←</span> ${step}<ul>${backward(e.from, new Set([...path, e.from]), depth + 1)}</ul></li>`
    })
    return html`<li><details${depth < OPEN_DEPTH ? html` open` : ''}><summary>${lotLine(l, code)}${origin} <span class="step">(${inputs.length} input${inputs.length === 1 ? '' : 's'})</span></summary><ul>${children}</ul></details></li>`
  }

  function forward (code: string, path: Set<string>, depth: number): Html {
    const l = lots.get(code)
    const outputs = t.edges.filter(e => e.from === code)
    const ships = shippedOf.get(code) ?? []
    const open = t.openBatches.filter(o => o.lot === code)
    const n = outputs.length + ships.length + open.length
    if (n === 0) return html`<li>${lotLine(l, code)} <span class="step">${l ? `${qty(l.balance.onHand, l.unit)} on hand` : ''}</span></li>`
    const children = [
      ...outputs.map(e => {
        if (budget.left-- <= 0) { budget.cut++; return '' }
        if (path.has(e.to)) return html`<li>${lotLink(e.to)} <b class="field-error">loop in the records</b></li>`
        return html`<li><span class="step">→ ${qty(e.quantity, e.unit)} used in batch ${e.batch} on ${day(e.date)}, made</span><ul>${forward(e.to, new Set([...path, e.to]), depth + 1)}</ul></li>`
      }),
      ...ships.map(({ shipment: s, line }) => {
        if (budget.left-- <= 0) { budget.cut++; return '' }
        const c = customers.get(s.customer)
        return html`<li class="ship">→ shipped ${qty(line.quantity, line.unit)} on ${day(s.shipDate)} to <b>${c?.name ?? s.customer}</b>${s.referenceDocument ? `, ${refDoc(s.referenceDocument)}` : ''} <span class="step">(shipment ${s.shipmentId})</span></li>`
      }),
      ...open.map(o => html`<li class="step">→ ${qty(o.quantity, o.unit)} in open batch ${o.batch} on line ${o.line} since ${day(o.date)}</li>`)
    ]
    return html`<li><details${depth < OPEN_DEPTH ? html` open` : ''}><summary>${lotLine(l, code)} <span class="step">(${n} use${n === 1 ? '' : 's'})</span></summary><ul>${children}</ul></details></li>`
  }

  const body = direction === 'backward' ? backward(t.lot, new Set([t.lot]), 0) : forward(t.lot, new Set([t.lot]), 0)
  return html`<div class="tree" id="tree-${direction}"><ul>${body}</ul></div>
${budget.cut > 0 ? html`<p class="notice info">${budget.cut} more steps are not shown here: download the trace (CSV or FDA spreadsheet) for all of them.</p>` : ''}`
}

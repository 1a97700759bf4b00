import type { RecallDrillRow } from '../../db/recall-drills.ts'
import type { Partner } from '../../server/domain/types.ts'
import type { Drill, DrillShipment } from '../recall-drills.ts'
import { day, field, lotLink, qty, refDoc, when } from './format.ts'
import { href, html, type Html } from './html.ts'
import { exportLinks, massBalance } from './lot.ts'

const address = (p: Partner) => [p.address, [p.city, p.state, p.zip].filter(Boolean).join(' '), p.country].filter(Boolean).join(', ')

/** The recall report: who to call, with what they got; where it came from; what is still here. Prints cleanly. */
export function recallReport (d: Drill): Html {
  const s = d.summary
  const shipments = new Set(s.customers.flatMap(c => c.shipments.map(x => x.shipmentId)))
  const lines = s.customers.reduce((n, c) => n + c.shipments.reduce((m, x) => m + x.lines.length, 0), 0)
  // Line by line while a person can read it; a salt lot's drill reaches tens of thousands of lines:
  // one row per shipment then, the lot-by-lot list in the exports linked at the end.
  const byLine = lines <= MAX_LINE_ROWS
  const unitOf = (lot: string) => s.lots[lot]?.unit ?? ''
  const shipmentLines = (list: DrillShipment[]) => html`<thead><tr><th>Ship date</th><th>Shipment</th><th>Lot</th><th>Product</th><th class="num">Quantity</th><th>Document</th></tr></thead><tbody>
${list.map(x => x.lines.map(([lot, q], i) => html`<tr${i > 0 ? html` class="same-shipment"` : ''}><td>${i === 0 ? day(x.shipDate) : ''}</td><td>${i === 0 ? String(x.shipmentId) : ''}</td><td class="mono">${lot}</td><td>${s.lots[lot]?.product ?? ''}</td><td class="num">${qty(q, unitOf(lot))}</td><td>${i === 0 ? refDoc(x.referenceDocument) : ''}</td></tr>`))}
</tbody>`
  const shipmentRows = (list: DrillShipment[]) => html`<thead><tr><th>Ship date</th><th>Shipment</th><th>Lots</th><th>Products</th><th class="num">Quantity</th><th>Document</th></tr></thead><tbody>
${list.map(x => html`<tr><td>${day(x.shipDate)}</td><td>${x.shipmentId}</td><td>${x.lines.length} lot${x.lines.length === 1 ? '' : 's'}</td><td>${[...new Set(x.lines.map(([lot]) => s.lots[lot]?.product ?? ''))].join(', ')}</td><td class="num">${totals(x.lines.map(([lot, q]) => ({ quantity: q, unit: unitOf(lot) }))).map(t => qty(t.quantity, t.unit)).join(' + ')}</td><td>${refDoc(x.referenceDocument)}</td></tr>`)}
</tbody>`
  return html`<h1>Mock recall #${d.id}: lot <span class="mono">${s.lot.code}</span></h1>
<div class="panel"><dl class="kv">
<dt>Lot</dt><dd>${lotLink(s.lot.code)} · ${s.lot.product.name} (${s.lot.product.code}) · ${s.lot.origin === 'received' ? `received ${day(s.lot.date)}, supplier lot ${s.lot.supplierLotCode ?? '?'}` : `made ${day(s.lot.date)}`}</dd>
<dt>Run by</dt><dd>${d.user} on ${when(d.startedAt)} (server time, UTC)</dd>
<dt>Time to trace</dt><dd><span class="big-number">${fmtMs(d.durationMs)}</span> from the click to this report (the trace queries: ${fmtMs(d.traceMs)})</dd>
<dt>Found</dt><dd><b>${s.customers.length}</b> customer${s.customers.length === 1 ? '' : 's'}, <b>${shipments.size}</b> shipment${shipments.size === 1 ? '' : 's'}, <b>${s.suppliers.length}</b> supplier${s.suppliers.length === 1 ? '' : 's'}, <b>${s.onHand.length}</b> lot${s.onHand.length === 1 ? '' : 's'} still on hand</dd>
</dl>
<p class="no-print"><button type="button" class="btn good" data-action="print">Print report</button> <a class="btn plain" href="/recalls">All drills</a></p></div>

<div class="panel"><h2>Affected customers: who to call</h2>
${byLine ? '' : html`<p class="notice info">This recall reached ${lines} shipment lines: each shipment is one row below. The lot-by-lot list is in the trace CSV and the FDA spreadsheet under "Exports for the regulator".</p>`}
${s.customers.length === 0 ? html`<p>Nothing made from this lot was shipped.</p>` : s.customers.map(c => html`<h3>${c.customer.name} <small class="hint">(${c.customer.code})</small></h3>
<p>${c.customer.contact ? html`<b>${c.customer.contact}</b> · ` : ''}${c.customer.phone ?? 'no phone on file'}${c.customer.email ? ` · ${c.customer.email}` : ''}${address(c.customer) ? html`<br>${address(c.customer)}` : ''}${c.customer.gln ? ` · GLN ${c.customer.gln}` : ''}</p>
<table>${byLine ? shipmentLines(c.shipments) : shipmentRows(c.shipments)}<tfoot><tr><th colspan="4">Total</th><th class="num">${c.total.map(t => qty(t.quantity, t.unit)).join(' + ')}</th><th></th></tr></tfoot></table>`)}
</div>

<div class="panel"><h2>Source suppliers and their lot codes</h2>
${s.suppliers.length === 0 ? html`<p>No received ingredient or packaging lot is behind this lot.</p>` : html`<table><thead><tr><th>Supplier</th><th>Contact</th><th>Their lot (TLC)</th><th>Our lot</th><th>Product</th><th>Received</th><th class="num">Quantity</th><th>Document</th></tr></thead><tbody>
${s.suppliers.flatMap(sp => sp.lots.map(x => html`<tr><td>${sp.supplier.name}</td><td>${[sp.supplier.contact, sp.supplier.phone].filter(Boolean).join(' · ')}</td><td class="mono"><b>${x.supplierLotCode ?? '?'}</b></td><td class="mono">${x.lot}</td><td>${x.product}</td><td>${day(x.receivedAt)}</td><td class="num">${qty(x.quantity, x.unit)}</td><td>${refDoc(x.referenceDocument)}</td></tr>`))}
</tbody></table>`}</div>

<div class="panel"><h2>Mass balance of lot ${s.lot.code}</h2>${massBalance(s.balance)}
${s.onHand.length > 0 ? html`<h3>Still in the plant: hold these</h3><table><thead><tr><th>Lot</th><th>Product</th><th class="num">On hand</th></tr></thead><tbody>
${s.onHand.map(x => html`<tr><td class="mono">${x.lot}</td><td>${x.product}</td><td class="num">${qty(x.quantity, x.unit)}</td></tr>`)}</tbody></table>` : ''}
${s.openBatches.length > 0 ? html`<h3>In open batches</h3><ul>${s.openBatches.map(o => html`<li>${qty(o.quantity, o.unit)} of ${o.lot} in batch ${o.batch} on ${o.line} since ${day(o.date)}</li>`)}</ul>` : ''}</div>
<div class="panel no-print"><h2>Exports for the regulator</h2>${exportLinks(s.lot.code, [...shipments])}</div>`
}

export function drillList (drills: RecallDrillRow[], lot: string | undefined, error: string | undefined, csrf: string | null): Html {
  return html`<h1>Mock recalls</h1>
<form class="panel" method="post" action="/recalls">${csrf ? html`<input type="hidden" name="_csrf" value="${csrf}">` : ''}
${field({ name: 'lot', label: 'Start a drill from lot', value: lot, error, required: true, hint: 'Our lot number. Or open any lot and use its "Run a mock recall" button.' })}
<button class="btn bad">Run mock recall</button></form>
<div class="panel"><h2>Past drills</h2>
${drills.length === 0 ? html`<p class="hint">No drill yet.</p>` : html`<table><thead><tr><th>#</th><th>When</th><th>Lot</th><th>Who</th><th class="num">Customers</th><th class="num">Shipments</th><th class="num">Suppliers</th><th class="num">Lots</th><th class="num">Time</th></tr></thead><tbody>
${drills.map(d => html`<tr><td><a href="${href`/recalls/${d.id}`}">#${d.id}</a></td><td>${when(d.startedAt)}</td><td>${lotLink(d.lotCode)}</td><td>${d.user}</td><td class="num">${d.customers}</td><td class="num">${d.shipments}</td><td class="num">${d.suppliers}</td><td class="num">${d.lots}</td><td class="num">${fmtMs(d.durationMs)}</td></tr>`)}
</tbody></table>`}</div>`
}

/** Above this many shipment lines in a drill, the report lists shipments, not lines. */
export const MAX_LINE_ROWS = 2000

/** Quantities summed per unit, in the order the units first appear. */
function totals (xs: Array<{ quantity: number, unit: string }>): Array<{ quantity: number, unit: string }> {
  const by = new Map<string, number>()
  for (const x of xs) by.set(x.unit, (by.get(x.unit) ?? 0) + x.quantity)
  return [...by].map(([unit, quantity]) => ({ unit, quantity: Math.round(quantity * 1e6) / 1e6 }))
}

const fmtMs = (ms: number) => (ms < 1000 ? `${Math.round(ms * 10) / 10} ms` : `${(ms / 1000).toFixed(2)} s`)

import type { PrintJobRow } from '../../db/print-jobs.ts'
import type { Trace } from '../../server/domain/lineage.ts'
import type { EventRecord, Lot, MassBalance } from '../../server/domain/types.ts'
import { day, notice, qty, refDoc, when } from './format.ts'
import { href, html, type Html } from './html.ts'
import { traceGraph } from './trace-graph.ts'
import { traceTree } from './trace-tree.ts'

export interface LotPageData { lot: Lot, balance: MassBalance, events: EventRecord[], trace: Trace, jobs: PrintJobRow[] | null, csrf: string | null, canRecall: boolean }

const KIND: Record<EventRecord['kind'], string> = {
  receiving: 'Received', batch_open: 'Batch opened', batch_input: 'Used in batch', batch_close: 'Made (batch closed)', shipping: 'Shipped', adjustment: 'Adjusted', void: 'Void'
}

export function lotPage (d: LotPageData): Html {
  const l = d.lot
  const shipmentIds = [...new Set(d.trace.shipments.map(s => s.shipmentId))]
  return html`<h1>Lot <span class="mono">${l.code}</span>${l.voided ? html` <span class="pill bad">VOIDED</span>` : ''}</h1>
<div class="panel"><dl class="kv">
<dt>Product</dt><dd>${l.product.name} (${l.product.code}${l.product.gtin ? `, GTIN ${l.product.gtin}` : ''})</dd>
${l.origin === 'received'
    ? html`<dt>Received</dt><dd>${when(l.date)} from <b>${l.supplier?.name ?? ''}</b> at ${l.location ?? ''}</dd>
<dt>Supplier lot (TLC)</dt><dd class="mono">${l.supplierLotCode ?? ''}</dd><dt>TLC source</dt><dd>${l.tlcSource ?? ''}</dd>`
    : html`<dt>Made</dt><dd>${when(l.date)} in batch <b>${l.batch ?? ''}</b> at ${l.location ?? ''}</dd>`}
${l.referenceDocument ? html`<dt>Document</dt><dd>${refDoc(l.referenceDocument)}</dd>` : ''}
${l.productionDate || l.bestBefore || l.expiryDate ? html`<dt>Dates</dt><dd>${[l.productionDate && `produced ${l.productionDate}`, l.bestBefore && `best before ${l.bestBefore}`, l.expiryDate && `expires ${l.expiryDate}`].filter(Boolean).join(' · ')}</dd>` : ''}
${l.qc ? html`<dt>QC</dt><dd>${l.qc.status}${l.qc.temperatureC !== null ? `, ${l.qc.temperatureC} °C` : ''}${l.qc.note ? `, ${l.qc.note}` : ''}</dd>` : ''}
</dl></div>
<div class="panel no-print">${d.canRecall ? html`<form method="post" action="/recalls">
${d.csrf ? html`<input type="hidden" name="_csrf" value="${d.csrf}">` : ''}<input type="hidden" name="lot" value="${l.code}">
<button class="btn bad">Run a mock recall from this lot</button></form>` : ''}
<h2>Exports</h2>${exportLinks(l.code, shipmentIds)}</div>
<div class="panel"><h2>Mass balance</h2>${massBalance(d.balance)}</div>
<div class="panel"><h2>Events</h2>${eventsTable(d.events, d.balance.unit)}</div>
<div class="panel"><h2>Backward trace: where it came from</h2>
<p class="no-print"><button type="button" class="btn plain" data-action="expand" data-target="tree-backward">Open all</button> <button type="button" class="btn plain" data-action="collapse" data-target="tree-backward">Close all</button></p>
${traceTree(d.trace, 'backward')}
<h2>Forward trace: where it went</h2>
<p class="no-print"><button type="button" class="btn plain" data-action="expand" data-target="tree-forward">Open all</button> <button type="button" class="btn plain" data-action="collapse" data-target="tree-forward">Close all</button></p>
${traceTree(d.trace, 'forward')}
<p class="hint">Trace of ${d.trace.lots.length} lots, ${d.trace.shipments.length} shipments and ${d.trace.shipments.reduce((n, s) => n + s.lines.length, 0)} shipment lines took ${d.trace.tookMs} ms.</p></div>
<div class="panel"><h2>Trace graph</h2><p class="hint">Inputs on the left, what was made from this lot and the customers on the right. Every arrow: quantity · date.</p>${traceGraph(d.trace)}</div>
<div class="panel" id="jobs">${d.jobs === null ? html`<h2>Labels</h2><p class="hint">No printers are set up on this server.</p>` : jobsFragment(l.code, d.jobs)}</div>`
}

/** The export routes (server/routes/api/exports.ts). Plain links: the browser downloads them. */
export function exportLinks (code: string, shipmentIds: number[]): Html {
  return html`<p class="exports">
<a class="btn plain" data-export="csv" href="${href`/api/v1/trace/${code}/export.csv`}" download>Trace (CSV)</a>
<a class="btn plain" data-export="fda" href="${href`/api/v1/trace/${code}/fda.xlsx`}" download>FDA sortable spreadsheet (XLSX)</a>
<a class="btn plain" data-export="epcis" href="${href`/api/v1/trace/${code}/epcis.jsonld`}" download>GS1 EPCIS 2.0 (JSON-LD)</a>
${shipmentIds.slice(0, 20).map(id => html`<a class="btn plain" data-export="kdes" href="${href`/api/v1/shipments/${id}/kdes`}" download>Shipment ${id} KDEs</a>`)}
</p>`
}

export function massBalance (b: MassBalance): Html {
  const into = b.received + b.produced
  const out = b.consumed + b.shipped
  const flag = b.onHand < -1e-6 || out > into + b.adjusted + 1e-6
  return html`<div class="balance">
<div><span>Received</span><b>${qty(b.received, b.unit)}</b></div><div><span>Produced</span><b>${qty(b.produced, b.unit)}</b></div>
<div><span>Consumed</span><b>${qty(b.consumed, b.unit)}</b></div><div><span>Shipped</span><b>${qty(b.shipped, b.unit)}</b></div>
<div><span>Adjusted</span><b>${qty(b.adjusted, b.unit)}</b></div><div class="${flag ? 'warn' : ''}"><span>On hand</span><b>${qty(b.onHand, b.unit)}</b></div>
</div>${flag ? notice('error', 'More went out than came in: check the records of this lot.') : ''}`
}

function eventsTable (events: EventRecord[], unit: string): Html {
  return html`<table><thead><tr><th>#</th><th>What</th><th>When</th><th>Who</th><th>Where</th><th>Partner</th><th>Document</th><th class="num">Quantity</th><th>Note</th></tr></thead><tbody>
${events.map(e => html`<tr${e.voidedBy ? html` class="voided"` : ''}><td>${e.id}</td><td>${KIND[e.kind]}${e.batch ? ` ${e.batch}` : ''}${e.shipmentId ? ` (shipment ${e.shipmentId})` : ''}${e.voidedBy ? html` <b class="field-error">voided by #${e.voidedBy}</b>` : ''}</td>
<td>${when(e.occurredAt)}</td><td>${e.user}</td><td>${[e.station, e.location].filter(Boolean).join(' · ')}</td><td>${e.partner ?? ''}</td><td>${refDoc(e.referenceDocument)}</td>
<td class="num">${e.quantity !== undefined && e.quantity !== null ? qty(e.quantity, unit) : ''}</td><td>${e.reason ?? e.note ?? ''}${e.correctsEventId ? ` (corrects #${e.correctsEventId})` : ''}</td></tr>`)}
</tbody></table>`
}

/** The lot's labels with reprint: a reprint needs a reason, and is recorded under the logged-in person. */
export function jobsFragment (code: string, jobs: PrintJobRow[], message?: Html): Html {
  return html`<h2>Labels</h2>${message ?? ''}
${jobs.length === 0 ? html`<p class="hint">No label was printed for this lot.</p>` : html`<table><thead><tr><th>#</th><th>Printer</th><th>Label</th><th>Status</th><th>By</th><th>When</th><th class="no-print">Reprint</th></tr></thead><tbody>
${jobs.map(j => html`<tr><td>${j.id}</td><td>${j.printer}</td><td>${j.template}${j.reprintNumber ? ` · REPRINT ${j.reprintNumber}: ${j.reason ?? ''}` : ''}</td><td>${j.status}${j.lastError ? html`<br><small>${j.lastError}</small>` : ''}</td><td>${j.user}</td><td>${when(j.createdAt)}</td>
<td class="no-print"><form hx-post="${href`/lots/${code}/reprint/${j.id}`}" hx-target="#jobs"><input name="reason" placeholder="Reason (required)" aria-label="Reason for reprinting label ${j.id}" required minlength="3"> <button class="btn plain">Reprint</button></form></td></tr>`)}
</tbody></table>`}`
}


import { day, lotLink, qty, refDoc, when } from '../format.ts'
import { href, html, type Html } from '../html.ts'
import type { StationView } from '../../station-view.ts'
import { keypad, numField, tiles } from './controls.ts'
import { pendingForm, type FormState } from './pending.ts'

/** A refused form, keyed by which form it was, so it comes back with what was typed and why. */
export type Refused = { form: 'answer' | 'delivery' | 'batch' | 'close-batch' | 'shipment' | 'close-shipment' | 'drop-shipment' | 'reprint', state: FormState }

const none: FormState = { values: {}, errors: {} }
const of = (r: Refused | undefined, form: Refused['form']) => r?.form === form ? r.state : none
const top = (f: FormState) => f.message ? html`<p class="form-error" role="alert">${f.message}</p>` : ''

/** The open receipt, batch or shipment with its lines, and what the station is waiting for. */
export function workPanel (v: StationView, refused?: Refused): Html {
  if (v.state.pending) return pendingForm(v, v.state.pending, of(refused, 'answer'))
  if (v.def.kind === 'receiving') return receiving(v, refused)
  if (v.def.kind === 'production') return production(v, refused)
  return shipping(v, refused)
}

const post = (v: StationView, path: string) => href`/stations/${v.def.code}` + path

function receiving (v: StationView, refused?: Refused): Html {
  const d = v.state.delivery
  const f = of(refused, 'delivery')
  const supplier = d ? v.suppliers.find(s => s.code === d.supplier) : null
  return html`${d
    ? html`<div class="open-box"><h2>Delivery from ${supplier?.name ?? d.supplier}</h2>
<p>${d.referenceDocument ? refDoc(d.referenceDocument) : 'No delivery document entered'} · scan each case label</p>
<form hx-post="${post(v, '/delivery/clear')}" hx-swap="none"><button class="btn plain">Delivery done / other supplier</button></form></div>`
    : html`<form class="open-box" hx-post="${post(v, '/delivery')}" hx-swap="none">
<h2>Which supplier's truck?</h2>${top(f)}
${tiles({ name: 'supplier', legend: 'Supplier', options: v.suppliers.map(s => ({ value: s.code, label: s.name })), checked: f.values.supplier, error: f.errors.supplier })}
${docFields(f, 'BOL')}
<div class="actions"><button class="btn good big">Start unloading</button></div>
<p class="hint">Or just scan a case label: the supplier can be chosen when you confirm.</p></form>`}
<h3>Received here in the last 12 hours</h3>
${v.today.length === 0 ? html`<p class="hint">Nothing yet.</p>` : html`<div class="lines-wrap"><table class="lines"><thead><tr><th>Lot</th><th>Product</th><th>Supplier lot</th><th>QC</th><th>When</th></tr></thead><tbody>
${v.today.map(l => html`<tr><td>${lotLink(l.code)}</td><td>${l.product.name}</td><td class="mono">${l.supplierLotCode ?? ''}</td><td>${l.qc?.status ?? ''}</td><td>${when(l.createdAt).slice(11)}</td></tr>`)}
</tbody></table></div>`}`
}

function production (v: StationView, refused?: Refused): Html {
  const b = v.batch
  if (!b) {
    const f = of(refused, 'batch')
    return html`<form class="open-box" hx-post="${post(v, '/batch')}" hx-swap="none">
<h2>Start a batch</h2>${top(f)}
${tiles({ name: 'product', legend: 'Product to make', options: v.products.map(p => ({ value: p.code, label: p.name, sub: p.code })), checked: f.values.product, error: f.errors.product })}
${docFields(f, 'work order')}
<div class="actions"><button class="btn good big">▶ Start batch</button></div></form>`
  }
  const f = of(refused, 'close-batch')
  return html`<div class="open-box"><h2>Batch ${b.code}</h2>
<p>${v.products.find(p => p.code === b.product)?.name ?? b.product} · started ${when(b.openedAt)} · scan each input lot</p>
${b.inputs.length === 0 ? html`<p class="hint">No inputs yet.</p>` : html`<div class="lines-wrap"><table class="lines"><thead><tr><th>Input lot</th><th>Product</th><th>Quantity</th><th>When</th></tr></thead><tbody>
${b.inputs.map(i => html`<tr><td>${lotLink(i.lotCode)}</td><td>${i.productName}</td><td>${qty(i.enteredQuantity, i.enteredUnit)}</td><td>${when(i.at).slice(11)}</td></tr>`)}
</tbody></table></div>`}</div>
<form class="close-box" hx-post="${post(v, '/batch/close')}" hx-swap="none">
<h3>Close the batch</h3>${top(f)}
<div class="pending-grid"><div class="fields">
${numField({ id: `made-${b.code}`, name: 'quantity', label: 'Quantity made', value: f.values.quantity, unit: v.products.find(p => p.code === b.product)?.unit, error: f.errors.quantity })}
<button class="btn good big">■ Close batch and print label</button></div>${keypad()}</div></form>`
}

function shipping (v: StationView, refused?: Refused): Html {
  const s = v.state.shipment
  if (!s) {
    const f = of(refused, 'shipment')
    return html`<form class="open-box" hx-post="${post(v, '/shipment')}" hx-swap="none">
<h2>Start a shipment</h2>${top(f)}
${tiles({ name: 'customer', legend: 'Customer', options: v.customers.map(c => ({ value: c.code, label: c.name, sub: [c.city, c.state].filter(Boolean).join(', ') })), checked: f.values.customer, error: f.errors.customer })}
${docFields(f, 'BOL')}
<div class="actions"><button class="btn good big">▶ Start loading</button></div></form>`
  }
  const f = of(refused, 'close-shipment')
  const drop = refused?.form === 'drop-shipment'
  const cases = s.lines.reduce((n, l) => n + l.cases, 0)
  return html`<div class="open-box"><h2>Shipment to ${s.customerName}</h2>
<p>${s.referenceDocument ? refDoc(s.referenceDocument) : 'No document number'} · started ${when(s.openedAt)} · ${s.lines.length} lot${s.lines.length === 1 ? '' : 's'}, ${cases} case${cases === 1 ? '' : 's'} / pallet${cases === 1 ? '' : 's'}</p>
${s.lines.length === 0 ? html`<p class="hint">Scan cases or pallets to load them.</p>` : html`<div class="lines-wrap"><table class="lines"><thead><tr><th>Lot</th><th>Product</th><th>Quantity</th><th>Scans</th><th>Pallets</th></tr></thead><tbody>
${s.lines.map(l => html`<tr><td>${lotLink(l.lot)}</td><td>${l.product}</td><td>${qty(l.quantity, l.unit)}</td><td>${l.cases}</td><td class="mono">${l.ssccs.join(' ')}</td></tr>`)}
</tbody></table></div>`}</div>
${top(f)}
${drop
    ? html`<form class="close-box warn" hx-post="${post(v, '/shipment/cancel')}" hx-swap="none"><p class="big-text">Drop this shipment? The ${s.lines.length} loaded line(s) are forgotten; nothing was recorded yet.</p>
<div class="actions"><button class="btn bad big" name="sure" value="yes">Yes, drop it</button><button class="btn plain big" name="sure" value="no">No, keep loading</button></div></form>`
    : html`<div class="actions">
<form hx-post="${post(v, '/shipment/close')}" hx-swap="none"><button class="btn good big"${s.lines.length === 0 ? html` disabled` : ''}>■ Truck leaves: record shipment</button></form>
<form hx-post="${post(v, '/shipment/cancel')}" hx-swap="none"><button class="btn plain big">Drop shipment…</button></form></div>`}
<p class="hint">Ship date: ${day(v.now)}</p>`
}

/** Optional delivery / work-order document: FSMA 204 wants its type and number on the event. */
function docFields (f: FormState, type: string): Html {
  return html`<div class="field${f.errors.refNumber ? ' has-error' : ''}"><label for="ref-number">${type[0]!.toUpperCase() + type.slice(1)} number (optional)</label>
<input type="hidden" name="refType" value="${f.values.refType ?? type}">
<input id="ref-number" name="refNumber" value="${f.values.refNumber ?? ''}" autocomplete="off">
${f.errors.refNumber ? html`<p class="field-error">${f.errors.refNumber}</p>` : ''}</div>`
}

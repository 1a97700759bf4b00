import type { Pending } from '../../../server/domain/station-flows.ts'
import { qty } from '../format.ts'
import { href, html, type Html } from '../html.ts'
import type { StationView } from '../../station-view.ts'
import { confirmCancel, keypad, numField, tiles } from './controls.ts'

/** What the operator typed and what was wrong with it, after a refused confirm: shown again, nothing lost. */
export interface FormState { values: Record<string, string>, errors: Record<string, string>, message?: string }

const none: FormState = { values: {}, errors: {} }

/** The confirmation the station waits for, with only the fields it needs. */
export function pendingForm (v: StationView, p: Pending, f: FormState = none): Html {
  const val = (name: string, fallback?: string | number | null) => f.values[name] ?? (fallback === null || fallback === undefined ? '' : String(fallback))
  const action = href`/stations/${v.def.code}/answer`
  const top = f.message ? html`<p class="form-error" role="alert">${f.message}</p>` : ''
  switch (p.type) {
    case 'another-case':
      return html`<form id="pending-${p.id}" class="pending ask" hx-post="${action}" hx-swap="none">
<h2>Another case?</h2>
<p class="big-text">Lot ${p.lot || '(none on label)'} again: is this another case? It would make <b>${p.count}</b>.</p>${top}
<div class="actions"><button type="submit" class="btn good big" name="confirm" value="yes">✔ Yes, another case</button>
<button type="submit" class="btn bad big" name="confirm" value="no">✖ No, same case</button></div>
</form>`
    case 'map-gtin':
      return html`<form id="pending-${p.id}" class="pending ask" hx-post="${action}" hx-swap="none">
<h2>Unknown product barcode</h2>
<p>GTIN <b class="mono">${p.gtin}</b> is not one of our products yet. Which product is it? Nothing was recorded.</p>${top}
${tiles({ name: 'product', legend: 'Product', options: v.products.map(pr => ({ value: pr.code, label: pr.name, sub: pr.code })), checked: f.values.product, error: f.errors.product })}
${confirmCancel('This is the product')}
</form>`
    case 'input':
      return html`<form id="pending-${p.id}" class="pending" hx-post="${action}" hx-swap="none">
<h2>Input: ${p.productName} <small>lot <b class="mono">${p.lot}</b> · ${qty(p.onHand, p.unit)} left · batch ${v.state.batch ?? ''}</small></h2>${top}
<div class="pending-grid"><div class="fields">
${numField({ id: `qty-${p.id}`, name: 'quantity', label: 'Quantity used', value: val('quantity', p.quantity), unit: p.unit, error: f.errors.quantity })}
</div>${keypad()}</div>
${confirmCancel('Add to batch')}
</form>`
    case 'receipt':
      return html`<form id="pending-${p.id}" class="pending" hx-post="${action}" hx-swap="none">
<h2>Receive: ${p.productName} <small>GTIN <span class="mono">${p.gtin}</span>${p.supplierLotCode ? html` · supplier lot <b class="mono">${p.supplierLotCode}</b>` : ''}${p.cases > 1 ? html` · <b>${p.cases} cases</b>` : ''}${p.bestBefore ? ` · best before ${p.bestBefore}` : ''}${p.expiryDate ? ` · expires ${p.expiryDate}` : ''}</small></h2>${top}
<div class="pending-grid"><div class="fields">
${p.supplierLotCode
    ? ''
    : html`<div class="field${f.errors.supplierLotCode ? ' has-error' : ''}"><label for="slot-${p.id}">Supplier lot code (from the label)</label>
<input id="slot-${p.id}" name="supplierLotCode" value="${val('supplierLotCode')}" autocomplete="off">
${f.errors.supplierLotCode ? html`<p class="field-error" role="alert">${f.errors.supplierLotCode}</p>` : ''}</div>`}
${numField({ id: `qty-${p.id}`, name: 'quantity', label: 'Quantity received', value: val('quantity', p.quantity), unit: p.unit, error: f.errors.quantity })}
${tiles({ name: 'qc', legend: 'Quality check', cls: 'two', options: [{ value: 'accepted', label: '✔ Accepted' }, { value: 'rejected', label: '✖ Rejected' }], checked: f.values.qc, error: f.errors.qc })}
${numField({ id: `temp-${p.id}`, name: 'temperatureC', label: 'Temperature', value: val('temperatureC'), unit: '°C', error: f.errors.temperatureC })}
</div>${keypad({ sign: true })}
${v.state.delivery
    ? html`<input type="hidden" name="supplier" value="${v.state.delivery.supplier}">`
    : html`<div class="fields">${tiles({ name: 'supplier', legend: 'Supplier', cls: 'one', options: v.suppliers.map(s => ({ value: s.code, label: s.name })), checked: f.values.supplier, error: f.errors.supplier })}</div>`}</div>
${confirmCancel('Receive')}
</form>`
  }
}

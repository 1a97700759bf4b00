import type { Lot, MassBalance } from '../../server/domain/types.ts'
import { day, field, lotLink, qty } from './format.ts'
import { html, type Html } from './html.ts'

export interface SearchQuery { q?: string, customer?: string, from?: string, to?: string }
export interface SearchResult { lot: Lot, balance: MassBalance | null }

/** The search form; its results come back into #results (the same fragment the full page shows). */
export function searchPage (query: SearchQuery, results: SearchResult[] | null, errors: Record<string, string>, limit: number): Html {
  return html`<h1>Find a lot</h1>
<form class="panel search-form" action="/" method="get" hx-get="/" hx-target="#results" hx-swap="outerHTML" hx-push-url="true">
${field({ name: 'q', label: 'Lot number, supplier lot, product or GTIN', value: query.q, attrs: html` autofocus autocomplete="off"` })}
${field({ name: 'customer', label: 'Shipped to customer', value: query.customer })}
${field({ name: 'from', label: 'From (lot date)', type: 'date', value: query.from, error: errors.from })}
${field({ name: 'to', label: 'To', type: 'date', value: query.to, error: errors.to })}
<button class="btn good" type="submit">Search</button>
</form>
${searchResults(query, results, limit)}
<div class="panel"><h2>FDA sortable spreadsheet for a date range</h2>
<p class="hint">FSMA 204: what FDA may ask for within 24 hours, every receiving, transformation and shipping event in the range.</p>
<form action="/api/v1/exports/fda.xlsx" method="get" class="search-form">
${field({ name: 'from', label: 'From', type: 'date', value: query.from })}${field({ name: 'to', label: 'To', type: 'date', value: query.to })}
<button class="btn plain" type="submit" data-export="fda-range">Download XLSX</button></form></div>`
}

export function searchResults (query: SearchQuery, results: SearchResult[] | null, limit: number): Html {
  if (results === null) return html`<div id="results"><p class="hint">Type a lot number, a supplier's lot code, a product or a GTIN, a customer, or pick dates.</p></div>`
  if (results.length === 0) return html`<div id="results"><p class="notice info">No lot matches ${describe(query)}.</p></div>`
  return html`<div id="results"><p>${results.length === limit ? `First ${limit} lots` : `${results.length} lot${results.length === 1 ? '' : 's'}`} matching ${describe(query)}, newest first.</p>
<table><thead><tr><th>Lot</th><th>Product</th><th>Origin</th><th>Supplier · supplier lot</th><th>Date</th><th class="num">On hand</th><th class="num">Shipped</th></tr></thead><tbody>
${results.map(({ lot: l, balance: b }) => html`<tr><td>${lotLink(l.code)}${l.voided ? html` <span class="pill bad">voided</span>` : ''}</td><td>${l.product.name}<br><small class="hint">${l.product.code}${l.product.gtin ? ` · ${l.product.gtin}` : ''}</small></td>
<td>${l.origin === 'received' ? 'received' : html`made in ${l.batch ?? ''}`}</td><td>${l.supplier ? html`${l.supplier.name} · <span class="mono">${l.supplierLotCode ?? ''}</span>` : ''}</td>
<td>${day(l.date)}</td><td class="num">${b ? qty(b.onHand, b.unit) : ''}</td><td class="num">${b ? qty(b.shipped, b.unit) : ''}</td></tr>`)}
</tbody></table></div>`
}

function describe (q: SearchQuery): string {
  return [q.q && `"${q.q}"`, q.customer && `shipped to "${q.customer}"`, q.from && `from ${q.from}`, q.to && `to ${q.to}`].filter(Boolean).join(', ')
}

import type { Location, Partner, Product } from '../../server/domain/types.ts'
import type { RowError } from '../master-forms.ts'
import { field, notice, selectField } from './format.ts'
import { html, type Html } from './html.ts'

export interface FormState { values: Record<string, string>, errors: Record<string, string>, message?: string }
export interface ImportState { csv: string, errors: RowError[], imported?: number }
export const emptyForm: FormState = { values: {}, errors: {} }

const csrfField = (csrf: string | null) => csrf ? html`<input type="hidden" name="_csrf" value="${csrf}">` : ''
const f = (s: FormState, name: string, label: string, extra: Partial<Parameters<typeof field>[0]> = {}) =>
  field({ name, label, value: s.values[name], error: s.errors[name], ...extra })

/** A supervisor sees the lists only (server/access.ts): the forms are an admin's. */
function page (title: string, intro: Html, table: Html, form: Html, imp: Html | '', flash: string | undefined, editable: boolean): Html {
  return html`<h1>${title}</h1><p class="tabs"><a href="/admin/products">Products</a> · <a href="/admin/partners">Suppliers and customers</a> · <a href="/admin/locations">Locations</a> · <a href="/admin/stations">Stations</a> · <a href="/admin/printers">Printers</a></p>
${flash ? notice('ok', flash) : ''}${intro}${editable ? html`${form}${imp}` : html`<p class="notice info read-only" role="status">Read only: master data is added and changed by an admin.</p>`}<div class="panel">${table}</div>`
}

/** The CSV import: all rows or none, said on the form and in the result. */
function importForm (action: string, columns: string, required: string, s: ImportState | undefined, csrf: string | null): Html {
  return html`<form class="panel" method="post" action="${action}" id="import">${csrfField(csrf)}
<h2>Import from CSV</h2>
<p><b>All rows or none:</b> every row is checked first; if any row has a problem, nothing is imported and each problem is listed below (row numbers as in your spreadsheet, the header is row 1). Fix them and import again.</p>
<p class="hint">Columns (first row): ${columns}. Required: ${required}. Comma or semicolon separated.</p>
${s?.imported !== undefined ? notice('ok', `Imported ${s.imported} row${s.imported === 1 ? '' : 's'}.`) : ''}
${s && s.errors.length > 0 ? html`<div class="notice error" role="alert"><b>Nothing was imported: ${s.errors.length} problem${s.errors.length === 1 ? '' : 's'}.</b><ul class="csv-report">
${s.errors.map(e => html`<li>row ${e.row}: ${e.field}: ${e.problem}</li>`)}</ul></div>` : ''}
<div class="field"><label for="csv-file">CSV file</label><input type="file" id="csv-file" accept=".csv,text/csv" data-into="csv-text"></div>
<div class="field"><label for="csv-text">or paste the CSV here</label><textarea id="csv-text" name="csv" rows="8" spellcheck="false">${s?.csv ?? ''}</textarea></div>
<button class="btn good">Check and import</button></form>`
}

export function productsPage (products: Product[], s: FormState, imp: ImportState | undefined, csrf: string | null, flash?: string, editable = true): Html {
  const form = html`<form class="panel" method="post" action="/admin/products" id="add">${csrfField(csrf)}<h2>Add a product</h2>
${s.message ? notice('error', s.message) : ''}<div class="form-grid">
${f(s, 'code', 'Item number', { required: true })}${f(s, 'name', 'Name', { required: true })}${f(s, 'unit', 'Unit (kg, lb, ea, case…)', { required: true })}
${f(s, 'gtin', 'GTIN (8-14 digits)')}${f(s, 'shelfLifeDays', 'Shelf life (days)', { attrs: html` inputmode="numeric"` })}${f(s, 'netWeightKg', 'Net weight per case (kg)', { attrs: html` inputmode="decimal"` })}
${f(s, 'brand', 'Brand')}${f(s, 'commodity', 'Commodity')}${f(s, 'variety', 'Variety')}${f(s, 'packSize', 'Pack size')}${f(s, 'packStyle', 'Pack style')}
${selectField({ name: 'ftl', label: 'On FDA\'s Food Traceability List', value: s.values.ftl ?? 'no', options: [['no', 'No'], ['yes', 'Yes']], error: s.errors.ftl })}
</div><button class="btn good">Add product</button></form>`
  const table = html`<h2>${products.length} products</h2><table><thead><tr><th>Item</th><th>Name</th><th>GTIN</th><th>Unit</th><th>Shelf life</th><th>FTL</th><th>Brand</th></tr></thead><tbody>
${products.map(p => html`<tr><td class="mono">${p.code}</td><td>${p.name}</td><td class="mono">${p.gtin ?? ''}</td><td>${p.unit}</td><td>${p.shelfLifeDays ?? ''}</td><td>${p.ftl ? 'yes' : ''}</td><td>${p.brand ?? ''}</td></tr>`)}</tbody></table>`
  return page('Products', html``, table, form, importForm('/admin/products/import', 'code, name, unit, gtin, shelfLifeDays, ftl, brand, commodity, variety, packSize, packStyle, netWeightKg', 'code, name, unit', imp, csrf), flash, editable)
}

export function partnersPage (partners: Partner[], s: FormState, imp: ImportState | undefined, csrf: string | null, flash?: string, editable = true): Html {
  const form = html`<form class="panel" method="post" action="/admin/partners" id="add">${csrfField(csrf)}<h2>Add a supplier or customer</h2>
${s.message ? notice('error', s.message) : ''}<div class="form-grid">
${f(s, 'code', 'Code (ERP number)', { required: true })}${selectField({ name: 'role', label: 'Role', value: s.values.role, options: [['', 'Choose…'], ['supplier', 'Supplier'], ['customer', 'Customer'], ['both', 'Both']], error: s.errors.role, required: true })}
${f(s, 'name', 'Business name', { required: true })}${f(s, 'contact', 'Contact person')}${f(s, 'phone', 'Phone', { type: 'tel' })}${f(s, 'email', 'E-mail', { type: 'email' })}
${f(s, 'address', 'Street address')}${f(s, 'city', 'City')}${f(s, 'state', 'State')}${f(s, 'zip', 'ZIP')}${f(s, 'country', 'Country (2 letters)')}${f(s, 'gln', 'GLN (13 digits)')}
</div><button class="btn good">Add partner</button></form>`
  const table = html`<h2>${partners.length} suppliers and customers</h2><table><thead><tr><th>Code</th><th>Role</th><th>Name</th><th>Contact</th><th>Phone</th><th>E-mail</th><th>City</th><th>GLN</th></tr></thead><tbody>
${partners.map(p => html`<tr><td class="mono">${p.code}</td><td>${p.role}</td><td>${p.name}</td><td>${p.contact ?? ''}</td><td>${p.phone ?? ''}</td><td>${p.email ?? ''}</td><td>${[p.city, p.state].filter(Boolean).join(', ')}</td><td class="mono">${p.gln ?? ''}</td></tr>`)}</tbody></table>`
  return page('Suppliers and customers', html`<p class="hint">FSMA 204 wants each location as business name, phone, address, city, state, ZIP and country: fill them in for every partner.</p>`,
    table, form, importForm('/admin/partners/import', 'code, role, name, contact, email, phone, address, city, state, zip, country, gln', 'code, role (supplier, customer or both), name', imp, csrf), flash, editable)
}

export function locationsPage (locations: Location[], s: FormState, csrf: string | null, flash?: string, editable = true): Html {
  const form = html`<form class="panel" method="post" action="/admin/locations" id="add">${csrfField(csrf)}<h2>Add a location</h2>
${s.message ? notice('error', s.message) : ''}<div class="form-grid">
${f(s, 'code', 'Code (1-6 letters or digits)', { required: true })}${selectField({ name: 'kind', label: 'Kind', value: s.values.kind, options: [['', 'Choose…'], ['dock', 'Dock'], ['line', 'Line'], ['warehouse', 'Warehouse'], ['other', 'Other']], error: s.errors.kind, required: true })}
${f(s, 'name', 'Name', { required: true })}${f(s, 'gln', 'GLN (13 digits)')}
</div><button class="btn good">Add location</button></form>`
  const table = html`<h2>${locations.length} locations</h2><table><thead><tr><th>Code</th><th>Kind</th><th>Name</th><th>GLN</th></tr></thead><tbody>
${locations.map(l => html`<tr><td class="mono">${l.code}</td><td>${l.kind}</td><td>${l.name}</td><td class="mono">${l.gln ?? ''}</td></tr>`)}</tbody></table>`
  return page('Locations', html`<p class="hint">The plant's docks, lines and warehouses. A location's code goes into lot numbers.</p>`, table, form, '', flash, editable)
}

import type { PrintJobRow } from '../../db/print-jobs.ts'
import type { StationState } from '../../server/domain/station-flows.ts'
import type { StationDef } from '../../server/domain/stations.ts'
import type { PrinterState } from '../../server/print-queue.ts'
import type { KioskClock } from '../../server/domain/audit.ts'
import type { ScannerView } from '../station-view.ts'
import { describeOffset } from './station/clock.ts'
import { when } from './format.ts'
import { href, html, type Html } from './html.ts'

export interface StationRow { def: StationDef, state: StationState, scanner: ScannerView | null, printer: PrinterState | null }

const nav = html`<p class="tabs"><a href="/admin/products">Products</a> · <a href="/admin/partners">Suppliers and customers</a> · <a href="/admin/locations">Locations</a> · <a href="/admin/stations">Stations</a> · <a href="/admin/printers">Printers</a></p>`

export function adminHome (counts: { products: number, partners: number, locations: number, stations: number, printers: number }): Html {
  return html`<h1>Master data</h1>${nav}<ul class="station-list">
<li><a class="btn plain big" href="/admin/products">Products (${counts.products})</a></li>
<li><a class="btn plain big" href="/admin/partners">Suppliers and customers (${counts.partners})</a></li>
<li><a class="btn plain big" href="/admin/locations">Locations (${counts.locations})</a></li>
<li><a class="btn plain big" href="/admin/stations">Stations (${counts.stations})</a></li>
<li><a class="btn plain big" href="/admin/printers">Printers (${counts.printers})</a></li></ul>`
}

const scannerText = (s: ScannerView | null) => s ? `${s.state}${s.simulated ? ' (simulated)' : ''}${s.alert ? `: ${s.alert}` : ''}${s.lastError ? ` (${s.lastError})` : ''}` : 'none (keyboard only)'

/** Stations come from the configuration file: shown here, changed there. Below them, the kiosks' clocks. */
export function stationsAdmin (rows: StationRow[], clocks: KioskClock[] = []): Html {
  return html`<h1>Stations</h1>${nav}<p class="hint">Stations are set in the configuration file (lotline.config.json); this page shows them and what they are doing.</p>
<table><thead><tr><th>Station</th><th>Kind</th><th>Location</th><th>Scanner</th><th>Printer</th><th>Now</th></tr></thead><tbody>
${rows.map(r => html`<tr><td><a href="${href`/stations/${r.def.code}`}" class="mono">${r.def.code}</a></td><td>${r.def.kind}</td><td>${r.def.location}</td>
<td>${scannerText(r.scanner)}</td><td>${r.printer ? `${r.printer.state}, ${r.printer.waiting} waiting` : 'none'}</td><td>${doing(r.state)}</td></tr>`)}
</tbody></table>
${kioskClocks(clocks)}`
}

/** Each kiosk's clock as its page last reported it (this server process only; the audit trail keeps every flag). */
function kioskClocks (clocks: KioskClock[]): Html {
  return html`<h2>Kiosk clocks</h2>${clocks.length === 0 ? html`<p class="hint">No kiosk page has reported its clock to this server since it started.</p>` : html`
<table class="kiosk-clocks"><thead><tr><th>Kiosk</th><th>Station</th><th>Clock</th><th>Operator</th><th>Seen (server time)</th></tr></thead><tbody>
${clocks.map(c => html`<tr class="${c.flagged ? 'bad' : ''}"><td>${c.kiosk}</td><td>${c.station ?? ''}</td>
<td>${c.flagged ? html`<b>${describeOffset(c.offsetMs)} ${c.offsetMs < 0 ? 'behind' : 'ahead'}: ask IT to fix it</b>` : 'in step'}</td><td>${c.user}</td><td>${when(c.seenAt)}</td></tr>`)}
</tbody></table>`}`
}

function doing (s: StationState): string {
  const parts = [s.delivery && `unloading from ${s.delivery.supplier}`, s.batch && `batch ${s.batch} open`, s.shipment && `loading for ${s.shipment.customerName} (${s.shipment.lines.length} lines)`, s.pending && `waiting for the operator (${s.pending.type})`]
  return parts.filter(Boolean).join('; ') || 'idle'
}

export function printersAdmin (printers: Array<{ name: string, state: PrinterState, jobs: PrintJobRow[] }>): Html {
  return html`<h1>Printers</h1>${nav}${printers.length === 0 ? html`<p>No printers are set up on this server.</p>` : printers.map(p => html`<div class="panel"><h2>${p.name}: ${p.state.state}</h2>
<p>${p.state.waiting} waiting${p.state.lastSentAt ? ` · last label sent ${when(p.state.lastSentAt)}` : ''}${p.state.lastError ? ` · last error: ${p.state.lastError}` : ''}</p>
${p.jobs.length === 0 ? html`<p class="hint">No label waiting or uncertain.</p>` : html`<table><thead><tr><th>#</th><th>Lot</th><th>Label</th><th>Status</th><th>Attempts</th><th>Error</th><th>Made</th></tr></thead><tbody>
${p.jobs.map(j => html`<tr><td>${j.id}</td><td>${j.lotCode ? html`<a href="${href`/lots/${j.lotCode}`}#jobs" class="mono">${j.lotCode}</a>` : ''}</td><td>${j.template}</td><td>${j.status}</td><td>${j.attempts}</td><td>${j.lastError ?? ''}</td><td>${when(j.createdAt)}</td></tr>`)}
</tbody></table><p class="hint">Reprint from the lot's page or at the station, with a reason.</p>`}</div>`)}`
}

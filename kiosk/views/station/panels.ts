import type { PrintJobRow } from '../../../db/print-jobs.ts'
import type { Signal } from '../../station-feed.ts'
import type { StationView } from '../../station-view.ts'
import { when } from '../format.ts'
import { href, html, raw, type Html } from '../html.ts'

const WORD = { good: 'OK', bad: 'STOP', ask: 'ANSWER', info: 'NOTE', kept: 'KEPT' } as const
const ICON = { good: '✔', bad: '✖', ask: '?', info: '•', kept: '…' } as const

/** GS (0x1D) and other control characters made visible: a raw scan is read by a person. */
const visible = (raw: string) => raw.replace(/[\x00-\x1f]/g, c => c === '\x1d' ? '‹GS›' : `‹${c.charCodeAt(0).toString(16).padStart(2, '0')}›`)

/** The big banner. Its id changes with each signal, so the page beeps once and the flash restarts. */
export function signalBanner (s: Signal | null): Html {
  if (!s) return html`<div class="signal idle"><span class="sig-word">READY</span><span class="sig-msg">Scan a label</span></div>`
  return html`<div id="sig-${s.id}" class="signal ${s.signal}" data-beep="${s.signal}" data-signal-id="${s.id}" role="status">
<span class="sig-icon" aria-hidden="true">${ICON[s.signal]}</span><span class="sig-word">${WORD[s.signal]}</span>
<span class="sig-msg">${s.message}</span><span class="sig-at">${when(s.at).slice(11)}</span></div>`
}

export function statusBar (v: StationView): Html {
  const sc = v.scanner
  const scanner = !sc
    ? html`<span class="pill muted">Scanner: keyboard only</span>`
    : html`<span class="pill ${sc.state === 'connected' ? 'ok' : 'bad'}">Scanner: ${sc.state}${sc.simulated ? ' (simulated)' : ''}</span>${sc.alert ? html`<span class="pill bad">${sc.alert}</span>` : ''}`
  const p = v.printer
  const printer = !p
    ? html`<span class="pill muted">No printer</span>`
    : html`<span class="pill ${p.state === 'ready' || p.state === 'printing' ? 'ok' : 'bad'}">Printer: ${p.state}</span>${p.waiting > 0 ? html`<span class="pill warn">${p.waiting} label${p.waiting === 1 ? '' : 's'} waiting</span>` : ''}`
  const uncertain = v.jobs.filter(j => j.status === 'uncertain').length
  return html`<span class="st-name">${v.def.code}</span><span class="st-kind">${v.def.kind} · ${v.def.location}</span>
${scanner}${printer}${uncertain > 0 ? html`<span class="pill bad">${uncertain} label${uncertain === 1 ? '' : 's'} uncertain</span>` : ''}`
}

export function feedList (v: StationView): Html {
  return html`<h3>Last scans</h3>${v.feed.length === 0 ? html`<p class="hint">No scans yet.</p>` : html`<ol class="feed">
${v.feed.map(({ result: r, source }) => html`<li class="${r.signal}"><span class="f-icon" aria-hidden="true">${ICON[r.signal]}</span>
<span class="f-msg">${r.message}</span><span class="f-meta">${when(r.at).slice(11)} · ${source} · <span class="mono">${visible(r.raw)}</span></span></li>`)}
</ol>`}`
}

const REASONS = ['Label damaged', 'Label did not print', 'Label lost', 'Printer jammed']

/** Label preview of the last lot, labels waiting or uncertain, reprint with a reason. */
export function sidePanel (v: StationView): Html {
  const reprintable = v.jobs.length > 0 ? v.jobs : v.lastJob ? [v.lastJob] : []
  return html`<h3>Last label${v.lastLot ? html` · <a href="${href`/lots/${v.lastLot.code}`}" class="mono">${v.lastLot.code}</a>` : ''}</h3>
${v.labelSvg ? html`<figure class="label-preview">${raw(v.labelSvg)}</figure>` : html`<p class="hint">${v.lastLot ? 'No label preview: no printer is set up on this server.' : 'No lot recorded here yet.'}</p>`}
${reprintable.length > 0 ? html`<h3>${v.jobs.length > 0 ? 'Labels waiting or uncertain' : 'Last label sent'}</h3>
<ul class="jobs">${reprintable.map(j => jobRow(v, j))}</ul>` : ''}`
}

function jobRow (v: StationView, j: PrintJobRow): Html {
  return html`<li class="job ${j.status}"><span class="mono">#${j.id}</span> ${j.template} · lot <span class="mono">${j.lotCode ?? '-'}</span> ·
<b>${j.status === 'uncertain' ? 'uncertain: check if it printed' : j.status}</b>${j.reprintNumber ? ` (reprint ${j.reprintNumber})` : ''}
${j.lastError ? html`<br><small>${j.lastError}</small>` : ''}
<details class="reprint"><summary class="btn plain">Reprint…</summary>
<form hx-post="${href`/stations/${v.def.code}/reprint/${j.id}`}" hx-swap="none">
<fieldset class="tiles"><legend>Why reprint?</legend><div class="tile-grid">
${REASONS.map(r => html`<label class="tile"><input type="radio" name="reason" value="${r}" required><span>${r}</span></label>`)}
</div></fieldset>
<button class="btn good big">Reprint label #${j.id}</button></form></details></li>`
}

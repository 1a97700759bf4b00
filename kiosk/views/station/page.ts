import type { Region, Signal } from '../../station-feed.ts'
import type { StationView } from '../../station-view.ts'
import { href, html, type Html } from '../html.ts'
import { layout, type PageMeta } from '../layout.ts'
import type { KioskClock } from '../../../server/domain/audit.ts'
import { clockWarning } from './clock.ts'
import { feedList, sidePanel, signalBanner, statusBar } from './panels.ts'
import { workPanel, type Refused } from './work.ts'

/** One renderer per region: the full page and every swap (form answer, SSE push) use the same ones. */
const REGIONS: Record<Region, { swap: string, render: (v: StationView, refused?: Refused) => Html }> = {
  status: { swap: 'innerMorph', render: v => statusBar(v) },
  // innerHTML, not a morph: a new banner element restarts its flash.
  signal: { swap: 'innerHTML', render: v => signalBanner(v.signal) },
  // A morph keeps what the operator is typing when something else on the page changes.
  work: { swap: 'innerMorph', render: workPanel },
  side: { swap: 'innerMorph', render: v => sidePanel(v) },
  feed: { swap: 'innerMorph', render: v => feedList(v) }
}

/** `clock`: this kiosk's last clock reading, if the server has one (a warning shows when it is far off). */
export function stationPage (v: StationView, meta: Omit<PageMeta, 'title' | 'kind'>, clock: KioskClock | null = null): Html {
  const base = href`/stations/${v.def.code}`
  return layout({ ...meta, title: `${v.def.code} ${v.def.kind}`, kind: 'station' }, html`
<div id="live" hx-sse:connect="${base}/events" hx-swap="none" hidden></div>
<header class="st-head">
<div id="status" class="st-status">${REGIONS.status.render(v)}</div>
<span id="conn" class="pill warn" aria-live="polite">Connecting…</span>
</header>
${clockWarning(clock)}
<section id="signal" aria-live="assertive">${REGIONS.signal.render(v)}</section>
<div class="st-main">
<div class="st-left">
<form id="scan-form" class="scan-form" action="${base}/scan" method="post" data-scan-url="${base}/scan" data-clock-url="${base}/clock" autocomplete="off">
<label for="scan-input">Scan</label>
<input id="scan-input" name="data" inputmode="none" autocomplete="off" spellcheck="false" autofocus placeholder="Scan a label, or type a lot number and press Enter">
<input type="hidden" name="scanId" value="">
<button type="submit" class="btn plain">Send</button>
</form>
<div id="work" class="work">${REGIONS.work.render(v)}</div>
</div>
<aside class="st-right">
<div id="side">${REGIONS.side.render(v)}</div>
<div id="feed">${REGIONS.feed.render(v)}</div>
</aside>
</div>
<footer class="st-foot">
<button type="button" id="sound" class="btn plain" hidden>Sound is off: tap here</button>
${meta.viewer ? html`<form method="post" action="/logout">${meta.csrf ? html`<input type="hidden" name="_csrf" value="${meta.csrf}">` : ''}<button class="btn plain">${meta.viewer.displayName} · Log out</button></form>` : ''}
</footer>`)
}

/** The regions that changed, as htmx 4 partials: one response may update several parts of the page. */
/** The banner alone, from the last signal: drawn without the database (a scan kept while it is away). */
export function signalPartial (signal: Signal | null): Html {
  return html`<hx-partial hx-target="#signal" hx-swap="${REGIONS.signal.swap}">${signalBanner(signal)}</hx-partial>
`
}

export function stationPartials (v: StationView, regions: readonly Region[], refused?: Refused): Html {
  return html`${regions.map(r => html`<hx-partial hx-target="#${r}" hx-swap="${REGIONS[r].swap}">${REGIONS[r].render(v, refused)}</hx-partial>
`)}`
}

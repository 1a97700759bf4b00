import type { KioskClock } from '../../../server/domain/audit.ts'
import { html, type Html } from '../html.ts'

/** 7 min, 3 h 20 min, 2 days: how far off a clock is, in words an operator reads at a glance. */
export function describeOffset (ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000)
  if (minutes < 90) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`
  return `${Math.round(hours / 24)} days`
}

/**
 * The clock warning under the station's status bar: empty while the kiosk's clock is in step.
 * The box is always there (id clock-warning) so station.js can replace what is inside it.
 */
export function clockWarning (c: KioskClock | null): Html {
  const inner = c?.flagged
    ? html`<p class="notice error clock-off" role="alert"><b>This kiosk's clock is ${describeOffset(c.offsetMs)} ${c.offsetMs < 0 ? 'behind' : 'ahead of'} the server's:</b>
events use the server's time. Ask IT to fix the clock.</p>`
    : ''
  return html`<div id="clock-warning" aria-live="polite">${inner}</div>`
}

import type { ReferenceDocument } from '../../server/domain/types.ts'
import { html, href, type Child, type Html } from './html.ts'

/** One formatter: toLocaleString with options builds a new one per call (~30 µs; a salt lot's page formats thousands). */
const QTY = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 })
/** 1234.5 kg → "1,234.5 kg": at most 3 decimals, the unit always shown. */
export function qty (quantity: number, unit: string): string {
  return `${QTY.format(quantity)} ${unit}`
}

/** ISO date-time → "2026-11-25 10:04" (plant records are in ISO; the seconds are noise on screen). */
export function when (iso: string | null | undefined): string {
  if (!iso) return ''
  return iso.length > 10 ? iso.slice(0, 16).replace('T', ' ') : iso
}

export const day = (iso: string | null | undefined): string => (iso ?? '').slice(0, 10)

export function refDoc (d: ReferenceDocument | null | undefined): string {
  return d ? `${d.type} ${d.number}`.trim() : ''
}

export const lotLink = (code: string): Html => html`<a class="lot" href="${href`/lots/${code}`}">${code}</a>`

/** A labelled form field with its error next to it; the typed value is put back after a refused submit. */
export function field (o: { name: string, label: string, value?: string | null, error?: string, type?: string, required?: boolean, hint?: Child, attrs?: Html }): Html {
  const id = `f-${o.name}`
  return html`<div class="field${o.error ? ' has-error' : ''}">
<label for="${id}">${o.label}${o.required ? html` <span class="req" aria-hidden="true">*</span>` : ''}</label>
<input id="${id}" name="${o.name}" type="${o.type ?? 'text'}" value="${o.value ?? ''}"${o.required ? html` required` : ''}${o.error ? html` aria-invalid="true" aria-describedby="${id}-err"` : ''}${o.attrs ?? ''}>
${o.error ? html`<p class="field-error" id="${id}-err">${o.error}</p>` : ''}
${o.hint ? html`<p class="hint">${o.hint}</p>` : ''}
</div>`
}

export function selectField (o: { name: string, label: string, value?: string | null, error?: string, options: Array<[string, string]>, required?: boolean }): Html {
  const id = `f-${o.name}`
  return html`<div class="field${o.error ? ' has-error' : ''}">
<label for="${id}">${o.label}</label>
<select id="${id}" name="${o.name}"${o.required ? html` required` : ''}${o.error ? html` aria-invalid="true"` : ''}>
${o.options.map(([v, text]) => html`<option value="${v}"${v === (o.value ?? '') ? html` selected` : ''}>${text}</option>`)}
</select>
${o.error ? html`<p class="field-error">${o.error}</p>` : ''}
</div>`
}

export const notice = (kind: 'error' | 'ok' | 'info', text: Child): Html =>
  html`<p class="notice ${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${text}</p>`

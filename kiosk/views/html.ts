/**
 * Escape-by-default HTML templates. Every interpolated value is escaped unless it is already
 * `Html` (made by this tag or by `raw`), so user-supplied text can never become markup.
 * Arrays are joined; null, undefined and false render nothing (handy for `cond && html`...``).
 */
export class Html {
  constructor (readonly value: string) {}
  toString (): string { return this.value }
}

export type Child = Html | string | number | boolean | null | undefined | readonly Child[]

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' }

/** Escapes text for element content and quoted attribute values. */
export function escapeHtml (text: string): string {
  return text.replace(/[&<>"'`]/g, c => ENTITIES[c]!)
}

function render (v: Child): string {
  if (v === null || v === undefined || v === false || v === true) return ''
  if (v instanceof Html) return v.value
  if (Array.isArray(v)) return (v as readonly Child[]).map(render).join('')
  return escapeHtml(String(v))
}

export function html (strings: TemplateStringsArray, ...values: Child[]): Html {
  let out = strings[0]!
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!
  return new Html(out)
}

/** Trusted markup only: our own SVG renderers, never anything a user typed. */
export const raw = (markup: string): Html => new Html(markup)

/** Path segments are encoded, so a lot code with "/" or "?" stays one segment. */
export function href (strings: TemplateStringsArray, ...segments: Array<string | number>): string {
  let out = strings[0]!
  for (let i = 0; i < segments.length; i++) out += encodeURIComponent(String(segments[i])) + strings[i + 1]!
  return out
}

/** A query string from the defined, non-empty values. */
export function query (params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s ? `?${s}` : ''
}

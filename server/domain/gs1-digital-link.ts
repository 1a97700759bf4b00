import { DomainError } from './errors.ts'
import { AI_TABLE } from './gs1-ais.ts'
import { refuse, ruleFor, shown, visible } from './gs1-validate.ts'
import type { Gs1Element } from './gs1.ts'

// GS1 Digital Link URI syntax 1.x: any host and path prefix, then /{key AI}/{value}[/{qualifier AI}/{value}...],
// then data attributes as ?{AI}={value}&... Parsed by hand rather than with URL: URL resolves "." and ".."
// segments and rewrites "\" in the path, which would change lot and serial values.
const URI = /^https?:\/\/([^/?#]+)([^?#]*)(?:\?([^#]*))?(?:#.*)?$/i

function decode (text: string, ai: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return refuse(`(${ai}) in the Digital Link has broken percent-encoding: ${shown(text)}`, ai)
  }
}

/** True when `qualifiers` appear in `sequence`'s order, each at most once (any may be left out). */
function inOrder (qualifiers: readonly string[], sequence: readonly string[]): boolean {
  let from = 0
  for (const q of qualifiers) {
    const at = sequence.indexOf(q, from)
    if (at < 0) return false
    from = at + 1
  }
  return true
}

/** Elements of a GS1 Digital Link URI: primary key, path qualifiers, then query attributes, in that order. */
export function readDigitalLink (uri: string): Gs1Element[] {
  const m = URI.exec(uri)
  if (!m) refuse(`Not a GS1 Digital Link: ${shown(uri)} is not an http(s) address with a host`)
  const segments = (m[2] ?? '').replace(/^\/|\/$/g, '').split('/')
  const firstKey = segments.findIndex(s => AI_TABLE.get(s)?.dlQualifiers !== undefined)
  // An empty segment ("//") would shift every AI/value pair after it: refuse rather than skip it.
  if (firstKey >= 0 && segments.indexOf('', firstKey) >= 0) refuse(`Not a GS1 Digital Link: the path has an empty segment (//) after /${segments[firstKey]!}/`, segments[firstKey])
  // The key is the first key AI from which the rest of the path pairs up, so a resolver's own path prefix is skipped.
  const start = segments.findIndex((s, i) => AI_TABLE.get(s)?.dlQualifiers !== undefined && (segments.length - i) % 2 === 0)
  if (start < 0) refuse('Not a GS1 Digital Link: the address has no GS1 primary key in its path, such as /01/{GTIN} or /00/{SSCC}')
  const key = ruleFor(segments[start]!)
  let keyValue = decode(segments[start + 1]!, key.ai)
  // The standard lets GTIN-8/12/13 appear unpadded in the path; element strings always carry 14 digits.
  if (key.ai === '01' && /^(\d{8}|\d{12}|\d{13})$/.test(keyValue)) keyValue = keyValue.padStart(14, '0')
  const elements: Gs1Element[] = [{ ai: key.ai, value: keyValue }]

  const pairs: Array<[string, string]> = []
  for (let i = start + 2; i < segments.length; i += 2) pairs.push([segments[i]!, segments[i + 1]!])
  const qualifiers = pairs.map(([ai]) => ai)
  const sequences = key.dlQualifiers ?? [[]]
  if (!sequences.some(seq => inOrder(qualifiers, seq))) {
    const allowed = sequences.filter(s => s.length > 0).map(s => s.map(q => `/${q}/`).join(' '))
    const got = qualifiers.map(q => `/${visible(q)}/`).join(' ')
    refuse(`Digital Link path after (${key.ai}) ` + (allowed.length === 0
      ? `takes no qualifiers, got ${got}`
      : `may only hold ${allowed[0]!} in that order${allowed.slice(1).map(a => ` (or ${a})`).join('')}, got ${got}`), key.ai)
  }
  for (const [ai, value] of pairs) elements.push({ ai, value: decode(value, ai) })

  for (const param of (m[3] ?? '').split('&')) {
    const eq = param.indexOf('=')
    const name = eq < 0 ? param : param.slice(0, eq)
    // linkType, utm_* and other non-numeric parameters are for the resolver, not data.
    if (!/^\d+$/.test(name)) continue
    const rule = ruleFor(name)
    if (!rule.dlAttribute) {
      refuse(rule.dlQualifiers
        ? `(${name}) is a primary key and cannot be a Digital Link query attribute`
        : `(${name}) belongs in the Digital Link path after its primary key, not in the query`, name)
    }
    elements.push({ ai: name, value: decode(eq < 0 ? '' : param.slice(eq + 1), name) })
  }
  return elements
}

/** Percent-encodes everything but RFC 3986 unreserved characters, as the Digital Link standard asks. */
const encode = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, c => '%' + c.charCodeAt(0).toString(16).toUpperCase())

/**
 * Writes elements as a GS1 Digital Link URI: the first primary key ((01), (00), (414)...) and its
 * qualifiers in the standard's order in the path (/01/…/22/…/10/…/21/…), every other element in the
 * query, in the given order. Does not validate values (call validateGs1 first). Throws
 * DomainError('INVALID') when there is no primary key or an element cannot be carried in a Digital
 * Link (a second key, or a qualifier of another key); TypeError when `base` is not an http(s) address.
 */
export function toDigitalLink (elements: readonly Gs1Element[], base = 'https://id.gs1.org'): string {
  const root = base.replace(/\/+$/, '')
  if (!/^https?:\/\/[^/?#]+[^?#]*$/i.test(root)) throw new TypeError(`"base" must be an http(s) address such as https://id.gs1.org, got "${base}"`)
  const keyEl = elements.find(el => AI_TABLE.get(el.ai)?.dlQualifiers !== undefined)
  if (!keyEl) throw new DomainError('INVALID', 'A GS1 Digital Link needs a primary key such as (01) GTIN or (00) SSCC, and these elements have none')
  const present = new Set(elements.map(el => el.ai))
  const sequence = (AI_TABLE.get(keyEl.ai)?.dlQualifiers ?? []).find(seq => seq.some(q => present.has(q))) ?? []

  let uri = `${root}/${keyEl.ai}/${encode(keyEl.value)}`
  const written = new Set([keyEl.ai])
  for (const q of sequence) {
    const el = elements.find(e => e.ai === q)
    if (el) uri += `/${q}/${encode(el.value)}`
    written.add(q)
  }
  const query: string[] = []
  for (const el of elements) {
    if (written.has(el.ai)) continue
    if (AI_TABLE.get(el.ai)?.dlAttribute !== true) {
      throw new DomainError('INVALID', `(${el.ai}) cannot be carried in a GS1 Digital Link whose primary key is (${keyEl.ai})`, { ai: el.ai })
    }
    query.push(`${el.ai}=${encode(el.value)}`)
    written.add(el.ai)
  }
  return query.length > 0 ? `${uri}?${query.join('&')}` : uri
}

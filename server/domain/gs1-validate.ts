import { DomainError } from './errors.ts'
import { AI_TABLE, aiMatches, type AiRule } from './gs1-ais.ts'
import { charsetProblem, LINTER_CHECKS } from './gs1-checks.ts'
import type { Gs1Element } from './gs1.ts'

export interface Gs1CheckOptions {
  /** Decides the century of two-digit years (GS1 General Specifications 7.12). Default: now. */
  now?: Date
  /**
   * Check mandatory associations ((10) needs a GTIN, (37) needs (00) and (02)...). Default true.
   * Turn off for one barcode of a label that splits its data over several symbols (a logistic label
   * often prints (02)(37)(10) and (00) separately), then check the combined elements with validateGs1:
   * the Syntax Dictionary evaluates pairings over all carriers on the item. Invalid pairs are always checked.
   */
  requisites?: boolean
}

/** How the elements were read, to explain a likely lost GS separator. Internal to the parsers. */
export interface ReadContext {
  /** AIs read from an element string whose value ran to a GS or the end, i.e. could have swallowed the next AI. */
  mayHaveSwallowed?: ReadonlySet<string>
}

export function refuse (message: string, ai?: string): never {
  throw new DomainError('BAD_SCAN', message, ai === undefined ? undefined : { ai })
}

/** A value as an operator can read it in a message: control characters shown, long values cut. */
export function shown (value: string): string {
  const text = visible(value)
  return `"${text.length > 40 ? text.slice(0, 39) + '…' : text}"`
}

export const visible = (value: string): string => value.replace(/\x1d/g, '<GS>').replace(/[\x00-\x1f\x7f]/g, '?')

export function ruleFor (ai: string): AiRule {
  const rule = AI_TABLE.get(ai)
  if (!rule) refuse(/^\d{2,4}$/.test(ai) ? `(${ai}) is not a GS1 Application Identifier this station knows` : `${shown(String(ai))} is not a GS1 Application Identifier`, String(ai))
  return rule
}

function lengthSpec (rule: AiRule): { ok: (n: number) => boolean, text: string } {
  const unit = rule.components.every(c => c.charset === 'N') ? 'digits' : 'characters'
  if (rule.components.some(c => c.min !== c.max)) {
    const text = rule.minLength === 1 ? `at most ${rule.maxLength} ${unit}` : `${rule.minLength} to ${rule.maxLength} ${unit}`
    return { ok: n => n >= rule.minLength && n <= rule.maxLength, text }
  }
  // All fixed: optional trailing components give a short list of allowed lengths (8008: 8, 10 or 12).
  const lengths: number[] = []
  let sum = 0
  for (const c of rule.components) {
    if (c.optional) lengths.push(sum)
    sum += c.max
  }
  lengths.push(sum)
  const list = lengths.length === 1 ? String(sum) : `${lengths.slice(0, -1).join(', ')} or ${sum}`
  return { ok: n => lengths.includes(n), text: `${list} ${unit}` }
}

/** Length, character set, check digits, dates and codes of one element. */
export function checkElement (el: Gs1Element, now: Date, ctx: ReadContext = {}): void {
  const rule = ruleFor(el.ai)
  const { ai } = rule
  if (typeof el.value !== 'string') refuse(`(${ai}) ${rule.title} has no text value`, ai)
  if (el.value === '') refuse(`(${ai}) ${rule.title} is empty`, ai)
  const length = lengthSpec(rule)
  if (!length.ok(el.value.length)) {
    const swallowed = el.value.length > rule.maxLength && ctx.mayHaveSwallowed?.has(ai) === true
    refuse(`(${ai}) must be ${length.text} long, got ${el.value.length}: ${shown(el.value)}` +
      (swallowed ? ` (the GS separator after (${ai}) is probably missing, so it ran into the next AI)` : ''), ai)
  }
  let pos = 0
  for (const c of rule.components) {
    if (pos >= el.value.length && c.optional) break
    const part = el.value.slice(pos, c.min === c.max ? pos + c.max : undefined)
    const charProblem = charsetProblem(c.charset, part)
    if (charProblem) refuse(`(${ai}) ${charProblem}`, ai)
    for (const linter of c.linters) {
      const problem = LINTER_CHECKS[linter](part, now)
      if (problem) refuse(`(${ai}) ${problem}`, ai)
    }
    pos += part.length
  }
}

/** Drops repeats of an AI with the same value; refuses repeats with another value. */
export function dropRepeats (elements: readonly Gs1Element[]): Gs1Element[] {
  const seen = new Map<string, string>()
  const out: Gs1Element[] = []
  for (const el of elements) {
    const before = seen.get(el.ai)
    if (before === undefined) {
      seen.set(el.ai, el.value)
      out.push(el)
    } else if (before !== el.value) {
      refuse(`(${el.ai}) appears twice with different values: ${shown(before)} and ${shown(el.value)}`, el.ai)
    }
  }
  return out
}

const named = (pattern: string): string => {
  const title = AI_TABLE.get(pattern)?.title
  return title ? `(${pattern}) ${title}` : `(${pattern})`
}

function describeAlternatives (group: string[][]): string {
  const alts = group.map(alt => alt.map(named).join(' with '))
  if (alts.length === 1) return alts[0]!
  return `${alts.length > 2 ? 'one of ' : ''}${alts.slice(0, -1).join(', ')} or ${alts.at(-1)!}`
}

/** Invalid pairs and (unless turned off) mandatory associations, over the whole list. */
export function checkPairs (elements: readonly Gs1Element[], requisites: boolean, ctx: ReadContext = {}): void {
  const present = elements.map(el => el.ai)
  const has = (pattern: string): boolean => present.some(ai => aiMatches(ai, pattern))
  for (const el of elements) {
    const rule = ruleFor(el.ai)
    for (const pattern of rule.excludes) {
      const other = present.find(ai => ai !== el.ai && aiMatches(ai, pattern))
      if (other) refuse(`${named(el.ai)} and ${named(other)} cannot be used together`, el.ai)
    }
  }
  if (!requisites) return
  for (const el of elements) {
    for (const group of ruleFor(el.ai).requires) {
      if (group.some(alt => alt.every(has))) continue
      const swallowed = ctx.mayHaveSwallowed?.has(el.ai) === true && /\d\d/.test(el.value.slice(1))
      refuse(`${named(el.ai)} needs ${describeAlternatives(group)} alongside it` +
        (swallowed ? `; if the label shows it, a GS separator may have been lost and (${el.ai}) ${shown(el.value)} swallowed it` : ''), el.ai)
    }
  }
}

/** Every check of the GS1 Barcode Syntax Dictionary this station applies, in the order an operator can act on. */
export function checkElements (elements: readonly Gs1Element[], options: Gs1CheckOptions = {}, ctx: ReadContext = {}): Gs1Element[] {
  if (elements.length === 0) refuse('No GS1 data: the scan holds no Application Identifiers')
  const now = options.now ?? new Date()
  for (const el of elements) checkElement(el, now, ctx)
  const unique = dropRepeats(elements)
  checkPairs(unique, options.requisites ?? true, ctx)
  return unique
}

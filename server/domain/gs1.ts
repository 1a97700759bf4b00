import { DomainError } from './errors.ts'
import { AI_TABLE, findAi } from './gs1-ais.ts'
import { gs1DateToIso } from './gs1-checks.ts'
import { readDigitalLink } from './gs1-digital-link.ts'
import { checkElements, refuse, shown, type Gs1CheckOptions, type ReadContext } from './gs1-validate.ts'

export { gs1CheckDigit, isValidGs1Key } from './gs1-checks.ts'
export { toDigitalLink } from './gs1-digital-link.ts'
export type { Gs1CheckOptions } from './gs1-validate.ts'

export interface Gs1Element { ai: string, value: string }

export type Gs1Symbology = 'gs1-128' | 'gs1-datamatrix' | 'gs1-qr' | 'gs1-databar' | 'gs1-dotcode' | 'digital-link' | 'bracketed' | 'unmarked'

export interface Gs1Scan {
  symbology: Gs1Symbology
  /** In scan order (a Digital Link: key, path qualifiers, query), repeats of an equal value removed. */
  elements: Gs1Element[]
  gtin?: string                   // (01)
  contentGtin?: string            // (02)
  sscc?: string                   // (00)
  lot?: string                    // (10)
  serial?: string                 // (21)
  /** Dates are ISO yyyy-mm-dd; a printed day 00 is the last day of its month. */
  productionDate?: string         // (11)
  packagingDate?: string          // (13)
  bestBefore?: string             // (15)
  sellBy?: string                 // (16)
  expiry?: string                 // (17)
  netWeight?: { value: number, unit: 'kg' | 'lb' }  // (310n) kg, else (320n) lb, n decimals
  count?: number                  // (37)
  customerPo?: string             // (400)
}

const GS = '\x1d'
/** Above the largest GS1 carrier (a QR Code holds 7,089 digits at most): longer input is a glued or runaway stream. */
const MAX_SCAN_LENGTH = 7089

/** AIM symbology identifiers of GS1 carriers (FNC1 in first position); other ]xy identifiers are plain data. */
const GS1_AIM: Readonly<Record<string, Gs1Symbology>> = {
  ']C1': 'gs1-128', ']d2': 'gs1-datamatrix', ']Q3': 'gs1-qr', ']e0': 'gs1-databar', ']J1': 'gs1-dotcode'
}

interface Read { elements: Gs1Element[], ctx: ReadContext }

/**
 * Reads an AI element string. GS separators may lead, repeat or be left off at the end. A variable-length
 * value runs to the next GS: when a reader dropped one, the value swallows the next AI and is refused by
 * its length or by a missing associated AI, never split by guessing.
 */
function readElementString (data: string, marked: boolean): Read {
  const elements: Gs1Element[] = []
  const mayHaveSwallowed = new Set<string>()
  let pos = 0
  while (pos < data.length) {
    if (data[pos] === GS) { pos++; continue }
    const rule = findAi(data, pos)
    if (!rule) {
      const prev = elements.at(-1)
      if (!prev) refuse(`${marked ? 'GS1 data' : 'Not GS1 data'}: ${shown(data.slice(0, 12))} does not start with a GS1 Application Identifier this station knows`)
      const prevRule = AI_TABLE.get(prev.ai)!
      if (prev.value === '') refuse(`(${prev.ai}) ${prevRule.title} is empty`, prev.ai)
      refuse(`${shown(data.slice(pos, pos + 12))} after (${prev.ai}) ${shown(prev.value)} does not start with a GS1 Application Identifier this station knows` +
        (prevRule.predefined ? ` (is (${prev.ai}) ${prevRule.maxLength} characters long on the label?)` : ''), prev.ai)
    }
    pos += rule.ai.length
    let end = data.indexOf(GS, pos)
    if (end < 0) end = data.length
    // A GS inside a predefined-length value means the value was short; the length check says so.
    if (rule.predefined) end = Math.min(end, pos + rule.maxLength)
    else mayHaveSwallowed.add(rule.ai)
    elements.push({ ai: rule.ai, value: data.slice(pos, end) })
    pos = end
  }
  return { elements, ctx: { mayHaveSwallowed } }
}

const BRACKETED_AI = /\((\d{2,4})\)/y

/** Reads "(01)09521234543213(10)ABC123" as typed by a person: blanks around values are ignored, "\(" is a literal "(". */
function readBracketed (data: string): Read {
  const elements: Gs1Element[] = []
  let pos = 0
  while (pos < data.length) {
    BRACKETED_AI.lastIndex = pos
    const m = BRACKETED_AI.exec(data)
    if (!m) {
      refuse(`Bracketed GS1 data must be (AI)value pairs such as (01)09521234543213(10)ABC123; ${shown(data.slice(pos, pos + 12))} is not an AI in brackets` +
        (elements.length > 0 ? ' (write a "(" inside a value as "\\(")' : ''), elements.at(-1)?.ai)
    }
    pos += m[0].length
    let value = ''
    while (pos < data.length && data[pos] !== '(') {
      if (data[pos] === '\\' && data[pos + 1] === '(') { value += '('; pos += 2 } else value += data[pos++]
    }
    elements.push({ ai: m[1]!, value: value.replace(/^[ \t]+|[ \t]+$/g, '') })
  }
  return { elements, ctx: {} }
}

function describeScan (symbology: Gs1Symbology, elements: Gs1Element[], now: Date): Gs1Scan {
  const scan: Gs1Scan = { symbology, elements }
  const value = (ai: string): string | undefined => elements.find(el => el.ai === ai)?.value
  const set = <K extends keyof Gs1Scan>(key: K, v: Gs1Scan[K] | undefined): void => { if (v !== undefined) scan[key] = v }
  set('gtin', value('01'))
  set('contentGtin', value('02'))
  set('sscc', value('00'))
  set('lot', value('10'))
  set('serial', value('21'))
  const date = (ai: string): string | undefined => { const v = value(ai); return v === undefined ? undefined : gs1DateToIso(v, now) }
  set('productionDate', date('11'))
  set('packagingDate', date('13'))
  set('bestBefore', date('15'))
  set('sellBy', date('16'))
  set('expiry', date('17'))
  const weight = elements.find(el => el.ai.startsWith('310')) ?? elements.find(el => el.ai.startsWith('320'))
  if (weight) {
    const decimals = Number(weight.ai[3])
    const whole = weight.value.slice(0, weight.value.length - decimals)
    // Built from the digits, not divided, so 001250 with 3 decimals is exactly 1.25.
    set('netWeight', { value: Number(decimals === 0 ? whole : `${whole}.${weight.value.slice(whole.length)}`), unit: weight.ai.startsWith('310') ? 'kg' : 'lb' })
  }
  const count = value('37')
  if (count !== undefined) scan.count = Number(count)
  set('customerPo', value('400'))
  return scan
}

/**
 * Reads one scan as a scanner sends it (terminator already stripped): an AIM identifier (]C1 ]d2 ]Q3
 * ]e0 ]J1) and an element string with GS separators, an element string without identifier, the
 * bracketed form a person types, or a GS1 Digital Link URI (plain ]Q1 / ]d1 text or no identifier).
 * Validates it as the GS1 Barcode Syntax Dictionary does. Throws DomainError('BAD_SCAN') whose
 * message names the AI and what is wrong, with `details.ai` when an AI is at fault.
 */
export function parseGs1 (raw: string, options: Gs1CheckOptions = {}): Gs1Scan {
  if (typeof raw !== 'string') refuse('Empty scan: no data was received')
  const text = raw.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '')
  if (text === '') refuse('Empty scan: no data was received')
  if (text.length > MAX_SCAN_LENGTH) refuse(`Not GS1 data: ${text.length} characters is more than any GS1 barcode holds`)
  const aim = /^\][A-Za-z][0-9A-Za-z]/.exec(text)?.[0]
  const gs1Aim = aim === undefined ? undefined : GS1_AIM[aim]
  const body = aim === undefined ? text : text.slice(3)
  const now = options.now ?? new Date()
  let symbology: Gs1Symbology
  let read: Read
  if (gs1Aim === undefined && /^https?:\/\//i.test(body)) {
    symbology = 'digital-link'
    read = { elements: readDigitalLink(body), ctx: {} }
  } else if (aim !== undefined && gs1Aim === undefined) {
    return refuse(`Not GS1 data: the scanner reports a plain barcode (${aim}), which is neither a GS1 barcode nor a GS1 Digital Link`)
  } else {
    if (body === '' || /^\x1d*$/.test(body)) refuse(`Empty scan: ${aim ?? 'the scan'} carries no data`)
    symbology = gs1Aim ?? (body.startsWith('(') ? 'bracketed' : 'unmarked')
    read = body.startsWith('(') ? readBracketed(body) : readElementString(body, gs1Aim !== undefined)
  }
  try {
    return describeScan(symbology, checkElements(read.elements, { ...options, now }, read.ctx), now)
  } catch (err) {
    // Without an AIM identifier the scanner may have read a non-GS1 code that merely starts with digits.
    if (symbology !== 'unmarked' || !(err instanceof DomainError) || err.message.startsWith('Not GS1')) throw err
    throw new DomainError(err.code, `${err.message} (the scan had no AIM identifier, so it may not be GS1 data at all)`, err.details, { cause: err })
  }
}

/** The same checks as parseGs1 on an element list, e.g. a label's data before it is printed. Throws DomainError('BAD_SCAN'). */
export function validateGs1 (elements: readonly Gs1Element[], options: Gs1CheckOptions = {}): void {
  checkElements(elements, options)
}

/** "(01)09521234543213(10)ABC123": a "(" inside a value is written "\(" so the text reads back unchanged. */
export function toBracketed (elements: readonly Gs1Element[]): string {
  return elements.map(el => `(${el.ai})${el.value.replaceAll('(', '\\(')}`).join('')
}

/**
 * The element string a GS1 barcode encodes after its FNC1: a GS (0x1D) follows every element that is
 * not of predefined length, except the last. No leading FNC1/GS. Does not validate (call validateGs1).
 */
export function toElementString (elements: readonly Gs1Element[]): string {
  let out = ''
  elements.forEach((el, i) => {
    out += el.ai + el.value
    if (i < elements.length - 1 && AI_TABLE.get(el.ai)?.predefined !== true) out += GS
  })
  return out
}

/** GS1 data title of an AI, e.g. aiTitle('10') === 'BATCH/LOT'; undefined for AIs this station does not know. */
export function aiTitle (ai: string): string | undefined {
  return AI_TABLE.get(ai)?.title
}

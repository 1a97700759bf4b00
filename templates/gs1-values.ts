/** Turning lot and product data into GS1 element values, shared by the templates. */
import { checkDate } from '../server/domain/dates.ts'
import { DomainError } from '../server/domain/errors.ts'
import { toBracketed, toDigitalLink, validateGs1, type Gs1Element } from '../server/domain/gs1.ts'
import type { LinearSpec, MatrixSpec } from './compose.ts'
import type { LabelOptions } from './label.ts'

/** 2027-03-16 → 270316 (GS1 YYMMDD). Throws DomainError('INVALID') on an impossible date. */
export function gs1Date (iso: string, field: string): string {
  const d = checkDate(iso, field)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new DomainError('INVALID', `${field}: a label date must be YYYY-MM-DD, got "${iso}"`)
  return d.slice(2, 4) + d.slice(5, 7) + d.slice(8, 10)
}

export type NetContent =
  | { kind: 'weight', unit: 'kg' | 'lb', value: number, decimals: number }
  | { kind: 'count', value: number, unit?: string }

/**
 * Net weight as (310n) kg or (320n) lb with n decimals, six digits: 12.5 kg with 3 decimals is
 * (3103)012500. A count has no element on a trade item label ((37) is for logistic units only).
 */
export function netWeightElement (net: NetContent): Gs1Element | undefined {
  if (net.kind === 'count') return undefined
  const { decimals: n, value } = net
  if (!Number.isInteger(n) || n < 0 || n > 5) throw new DomainError('INVALID', `Net weight decimals must be 0 to 5, got ${n}`)
  const digits = Math.round(value * 10 ** n)
  if (!(value > 0) || digits > 999_999 || digits < 1) throw new DomainError('INVALID', `Net weight ${value} ${net.unit} cannot be written in six digits with ${n} decimals`)
  return { ai: (net.unit === 'kg' ? '310' : '320') + String(n), value: String(digits).padStart(6, '0') }
}

export function netContentText (net: NetContent): { title: string, value: string } {
  return net.kind === 'weight'
    ? { title: 'NET WEIGHT', value: `${net.value.toFixed(net.decimals)} ${net.unit}` }
    : { title: 'COUNT', value: `${net.value}${net.unit ? ' ' + net.unit : ''}` }
}

/**
 * Validates a label's GS1 data as a scanner would read it. A broken value is a label that cannot be
 * printed correctly: DomainError('INVALID'), with the GS1 module's message naming the AI.
 */
export function checkLabelData (elements: Gs1Element[], now?: Date): void {
  try {
    validateGs1(elements, now ? { now } : {})
  } catch (err) {
    if (err instanceof DomainError && err.code === 'BAD_SCAN') throw new DomainError('INVALID', `Label refused: ${err.message}`, err.details, { cause: err })
    throw err
  }
}

export function gs1Linear (elements: Gs1Element[], height: number): LinearSpec {
  return { symbology: 'gs1-128', elements, hri: toBracketed(elements), height }
}

/**
 * The optional 2D code: a GS1 DataMatrix of `all`, or a QR of a GS1 Digital Link of `key` on the
 * Lotline host (or, with no GTIN, `{base}/lots/{code}`).
 */
export function matrixFor (options: LabelOptions, all: Gs1Element[], key: Gs1Element[] | undefined, lotCode: string): MatrixSpec | undefined {
  if (options.noLinear === true && options.matrix === undefined) throw new TypeError('"noLinear" needs "matrix": a label must carry a barcode')
  if (options.matrix === 'datamatrix') return all.length > 0 ? { symbology: 'gs1-datamatrix', elements: all } : { symbology: 'datamatrix', text: lotCode }
  if (options.matrix === 'digital-link-qr') {
    if (options.linkBase === undefined) throw new TypeError('"linkBase" is required for a digital-link-qr, e.g. http://lotline.local:3000')
    if (/[\s^~\\]/.test(options.linkBase)) throw new TypeError(`"linkBase" must be a plain http(s) address, got "${options.linkBase}"`)
    if (key) return { symbology: 'qr', text: toDigitalLink(key, options.linkBase) }
    if (!/^https?:\/\/[^/?#]+/i.test(options.linkBase)) throw new TypeError(`"linkBase" must be an http(s) address, got "${options.linkBase}"`)
    return { symbology: 'qr', text: `${options.linkBase.replace(/\/+$/, '')}/lots/${encodeURIComponent(lotCode)}` }
  }
  return undefined
}

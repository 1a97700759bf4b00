/**
 * GS1 limits for the barcodes on our labels, and the one gate every renderer goes through: a label
 * whose barcode would break a limit, or would not fit the label at that dpi, is refused with
 * DomainError('INVALID'), never squeezed.
 *
 * Limits (GS1 General Specifications 5.4.4 and 5.12.3, GS1 Logistic Label Guideline):
 * - GS1-128 (and our internal Code 128): at most 48 data characters (AIs, values, separator FNC1s),
 *   at most 165.1 mm long with quiet zones, quiet zones 10 X each side.
 * - The SSCC (00) symbol: X 0.495-1.016 mm, bars at least 31.75 mm high (logistic label).
 * - Other GS1-128: X 0.250-1.016 mm. Minimum bar height 10 mm is a house rule for hand scanners on
 *   the line (GS1's tables give heights per application; review before relying on it for customers).
 * - GS1 DataMatrix / QR: X 0.743-1.5 mm (1.5 x the linear minimum, GS1's rule for imagers in
 *   distribution), quiet zone 1 X (DataMatrix) and 4 X (QR).
 */
import bwipjs from 'bwip-js'
import { DomainError } from '../server/domain/errors.ts'
import { toElementString } from '../server/domain/gs1.ts'
import { encodeCode128, type Code128Symbol } from './code128.ts'
import { DPIS, dotsPerMm, dotsToMm, mmToDots, textWidth, type BarcodeElement, type LabelLayout } from './label.ts'

export interface SymbolLimits { minX: number, maxX: number, minHeight: number, quiet: number }

export const LIMITS = {
  sscc: { minX: 0.495, maxX: 1.016, minHeight: 31.75, quiet: 10 },
  linear: { minX: 0.25, maxX: 1.016, minHeight: 10, quiet: 10 },
  datamatrix: { minX: 0.743, maxX: 1.5, minHeight: 0, quiet: 1 },
  qr: { minX: 0.743, maxX: 1.5, minHeight: 0, quiet: 4 }
} as const satisfies Record<string, SymbolLimits>

export const MAX_GS1_128_CHARS = 48
export const MAX_LINEAR_LENGTH_MM = 165.1

export function limitsFor (b: Pick<BarcodeElement, 'symbology' | 'elements'>): SymbolLimits {
  if (b.symbology === 'qr') return LIMITS.qr
  if (b.symbology === 'gs1-datamatrix' || b.symbology === 'datamatrix') return LIMITS.datamatrix
  return b.elements?.some(el => el.ai === '00') === true ? LIMITS.sscc : LIMITS.linear
}

/**
 * The X-dimension in whole dots for a target in mm: the nearest, but never under the minimum (a
 * 0.495 mm target is 3.96 dots at 203 dpi: 4 dots, 0.5 mm; never 3 dots, 0.375 mm).
 */
export function xDots (xMm: number, dpi: number, limits: SymbolLimits): number {
  return Math.max(1, mmToDots(xMm, dpi), Math.ceil(limits.minX * dotsPerMm(dpi) - 1e-9))
}

/** A barcode's symbol: linear (Code 128 symbol) or a module matrix (row-major, 1 = dark). */
export type EncodedSymbol =
  | { kind: 'linear', symbol: Code128Symbol }
  | { kind: 'matrix', columns: number, rows: number, modules: Uint8Array }

const encodedCache = new Map<string, EncodedSymbol>()

/** Encodes a barcode (memoised: the same data is drawn at several dpis and by several renderers). */
export function encodeBarcode (b: BarcodeElement): EncodedSymbol {
  const key = `${b.symbology}|${b.text ?? ''}|${JSON.stringify(b.elements ?? [])}`
  let enc = encodedCache.get(key)
  if (!enc) {
    enc = encodeUncached(b)
    if (encodedCache.size > 500) encodedCache.clear()
    encodedCache.set(key, enc)
  }
  return enc
}

function encodeUncached (b: BarcodeElement): EncodedSymbol {
  if (b.symbology === 'gs1-128' || b.symbology === 'code128') {
    return { kind: 'linear', symbol: encodeCode128(b.symbology === 'gs1-128' ? elementString(b) : textOf(b), b.symbology === 'gs1-128') }
  }
  // bwip-js encodes the matrix; '^FNC1' (parsefnc) in first position makes it GS1 DataMatrix.
  const text = b.symbology === 'gs1-datamatrix' ? '^FNC1' + elementString(b).replaceAll('\x1d', '^FNC1') : textOf(b).replaceAll('^', '^094')
  const raw = bwipjs.raw({ bcid: b.symbology === 'qr' ? 'qrcode' : 'datamatrix', text, parsefnc: true, ...(b.symbology === 'qr' ? { eclevel: 'M' } : {}) } as bwipjs.RawOptions)
  const m = raw[0] as { pixs: number[], pixx: number, pixy: number }
  return { kind: 'matrix', columns: m.pixx, rows: m.pixy, modules: Uint8Array.from(m.pixs) }
}

function elementString (b: BarcodeElement): string {
  if (!b.elements || b.elements.length === 0) throw new DomainError('INVALID', `A ${b.symbology} barcode needs GS1 elements`)
  return toElementString(b.elements)
}

function textOf (b: BarcodeElement): string {
  if (b.text === undefined || b.text === '') throw new DomainError('INVALID', `A ${b.symbology} barcode needs text`)
  return b.text
}

/** A barcode resolved to dots at one dpi: where the symbol's first bar/module starts and its size. */
export interface PlacedBarcode {
  barcode: BarcodeElement
  encoded: EncodedSymbol
  module: number
  /** Top-left of the symbol itself (inside the quiet zone), dots. */
  x: number
  y: number
  /** Symbol size without quiet zones, dots. */
  width: number
  height: number
  quiet: number
}

/** Resolves and checks one barcode; throws DomainError('INVALID') naming the limit it breaks. */
export function placeBarcode (b: BarcodeElement, dpi: number): PlacedBarcode {
  const limits = limitsFor(b)
  const enc = encodeBarcode(b)
  const name = describe(b)
  if (b.xDim < limits.minX - 0.006) refuse(`${name}: X-dimension ${b.xDim} mm is under GS1's ${limits.minX} mm`)
  const module = xDots(b.xDim, dpi, limits)
  const xMm = dotsToMm(module, dpi)
  if (xMm > limits.maxX + 1e-9) refuse(`${name}: X-dimension ${xMm.toFixed(3)} mm at ${dpi} dpi is over GS1's ${limits.maxX} mm`)
  const quiet = limits.quiet * module
  if (enc.kind === 'linear') {
    if (b.symbology === 'gs1-128' && enc.symbol.dataChars > MAX_GS1_128_CHARS) {
      refuse(`${name}: ${enc.symbol.dataChars} data characters; a GS1-128 carries at most ${MAX_GS1_128_CHARS}. Split the data over two symbols or shorten the lot code`)
    }
    const height = mmToDots(b.height, dpi)
    if (dotsToMm(height, dpi) < limits.minHeight - 0.05) refuse(`${name}: bars ${b.height} mm high; at least ${limits.minHeight} mm needed`)
    const width = enc.symbol.modules * module
    const lengthMm = dotsToMm(width + 2 * quiet, dpi)
    if (lengthMm > MAX_LINEAR_LENGTH_MM) refuse(`${name}: ${lengthMm.toFixed(1)} mm long with quiet zones; GS1 allows ${MAX_LINEAR_LENGTH_MM} mm`)
    return { barcode: b, encoded: enc, module, x: mmToDots(b.x, dpi) + quiet, y: mmToDots(b.y, dpi), width, height, quiet }
  }
  return { barcode: b, encoded: enc, module, x: mmToDots(b.x, dpi) + quiet, y: mmToDots(b.y, dpi) + quiet, width: enc.columns * module, height: enc.rows * module, quiet }
}

/**
 * Checks every barcode of a layout at `dpi`: its limits, that it lies on the label (and within
 * `maxWidthDots`, e.g. an ESC/POS head) and that nothing else prints on it or its quiet zones.
 * Returns the placed barcodes for drawing.
 */
export function checkLayout (layout: LabelLayout, dpi: number, maxWidthDots?: number): PlacedBarcode[] {
  const placed = placeAll(layout, dpi, maxWidthDots)
  const boxes = layout.elements.map((el, i) => ({ i, box: el.kind === 'barcode' ? undefined : elementBox(el, dpi) }))
  placed.forEach((p, n) => {
    const zone = quietBox(p)
    const other = placed.slice(n + 1).find(q => intersects(zone, quietBox(q)))
    if (other) refuse(`${describe(p.barcode)} and ${describe(other.barcode)} overlap (quiet zones included)`)
    const hit = boxes.find(b => b.box && intersects(zone, b.box))
    if (hit) {
      const el = layout.elements[hit.i]!
      refuse(`${el.kind === 'text' ? `the text ${JSON.stringify(el.text.slice(0, 30))}` : 'a line'} prints on ${describe(p.barcode)} or its quiet zones`)
    }
  })
  return placed
}

type Box = [x0: number, y0: number, x1: number, y1: number]

function intersects (a: Box, b: Box): boolean {
  return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
}

/** The symbol with its quiet zones: left and right for linear symbols, all round for 2D. */
function quietBox (p: PlacedBarcode): Box {
  const v = p.encoded.kind === 'matrix' ? p.quiet : 0
  return [p.x - p.quiet, p.y - v, p.x + p.width + p.quiet, p.y + p.height + v]
}

/** Where a text or line prints, dots; text by its estimated width (label.ts textWidth). */
function elementBox (el: Exclude<LabelLayout['elements'][number], BarcodeElement>, dpi: number): Box {
  if (el.kind === 'rule') return [mmToDots(el.x, dpi), mmToDots(el.y, dpi), mmToDots(el.x + el.w, dpi), mmToDots(el.y + el.h, dpi)]
  const w = Math.min(el.maxWidth, textWidth(el.text, el.size))
  const x = el.align === 'center' ? el.x + (el.maxWidth - w) / 2 : el.x
  return [mmToDots(x, dpi), mmToDots(el.y, dpi), mmToDots(x + w, dpi), mmToDots(el.y + el.size, dpi)]
}

function placeAll (layout: LabelLayout, dpi: number, maxWidthDots?: number): PlacedBarcode[] {
  const labelW = mmToDots(layout.size.widthMm, dpi)
  const labelH = mmToDots(layout.size.heightMm, dpi)
  const right = Math.min(labelW, maxWidthDots ?? labelW)
  const where = maxWidthDots !== undefined && maxWidthDots < labelW ? `the ${maxWidthDots}-dot print head` : `the ${layout.size.name} label`
  return layout.elements.filter(e => e.kind === 'barcode').map(b => {
    const p = placeBarcode(b, dpi)
    const mm = (d: number): string => dotsToMm(d, dpi).toFixed(1)
    if (p.x - p.quiet < 0 || p.x + p.width + p.quiet > right) {
      refuse(`${describe(b)} is ${mm(p.width + 2 * p.quiet)} mm wide with its quiet zones at ${dpi} dpi and does not fit ${where} (${mm(right)} mm)` +
        (b.symbology === 'gs1-128' || b.symbology === 'code128' ? '; use a wider label or a 2D code' : ''))
    }
    const bottom = p.y + p.height + (p.encoded.kind === 'matrix' ? p.quiet : 0)
    if (p.y < 0 || bottom > labelH) refuse(`${describe(b)} does not fit the height of the ${layout.size.name} label`)
    return p
  })
}

export function describe (b: Pick<BarcodeElement, 'symbology' | 'elements' | 'text'>): string {
  const what = b.elements ? b.elements.map(el => `(${el.ai})`).join('') : JSON.stringify((b.text ?? '').slice(0, 30))
  return `${b.symbology === 'gs1-128' ? 'GS1-128' : b.symbology} ${what}`
}

function refuse (message: string): never {
  throw new DomainError('INVALID', `Label refused: ${message}`)
}

/** Width of a linear symbol with quiet zones at the worst of the planned dpis, mm (for templates). */
export function linearWidthMm (modules: number, xMm: number, limits: SymbolLimits): number {
  return Math.max(...DPIS.map(dpi => dotsToMm((modules + 2 * limits.quiet) * xDots(xMm, dpi, limits), dpi)))
}

/** Side of a square matrix with quiet zones at the worst of the planned dpis, mm (for templates). */
export function matrixSizeMm (modules: number, xMm: number, limits: SymbolLimits): number {
  return Math.max(...DPIS.map(dpi => dotsToMm((modules + 2 * limits.quiet) * xDots(xMm, dpi, limits), dpi)))
}


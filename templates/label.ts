/**
 * The label layout model: what a template returns and every renderer draws. Plain data, in
 * millimetres from the label's top-left corner, so one layout prints at 203 or 300 dpi; renderers
 * turn mm into dots (`mmToDots`) and check the barcodes against GS1's limits (symbols.ts).
 */
import type { Gs1Element } from '../server/domain/gs1.ts'

export type LabelSizeName = '4x6' | '4x2' | '100x150' | '80mm'

export interface LabelSize { name: LabelSizeName, widthMm: number, heightMm: number }

export const LABEL_SIZES: Readonly<Record<LabelSizeName, LabelSize>> = {
  '4x6': { name: '4x6', widthMm: 101.6, heightMm: 152.4 },
  '4x2': { name: '4x2', widthMm: 101.6, heightMm: 50.8 },
  '100x150': { name: '100x150', widthMm: 100, heightMm: 150 },
  /** 150 mm off an 80 mm roll on an ESC/POS printer: 72 mm printable, 576 dots at 203 dpi. */
  '80mm': { name: '80mm', widthMm: 72, heightMm: 150 }
}

/** A configured size ('4x6', '4x6in', '100x150mm', '80mm'...) as a LabelSizeName; TypeError naming the value otherwise. */
export function parseLabelSize (name: string): LabelSizeName {
  const key = name.trim().toLowerCase().replace(/\s+/g, '').replace(/(in|inch|inches|")$/, '').replace(/^(100x150)mm$/, '$1')
  if (key in LABEL_SIZES) return key as LabelSizeName
  throw new TypeError(`"labelSize" must be one of 4x6in, 4x2in, 100x150mm or 80mm, got "${name}"`)
}

/** Print resolutions the templates are planned for (dots per inch). Renderers accept any dpi. */
export const DPIS = [203, 300] as const

/**
 * Dots per mm of a print head. Thermal printers sold as 203/300/600 dpi are 8/12/24 dots per mm
 * (203.2/304.8/609.6 dpi): using the nominal dpi would misjudge a 31.75 mm bar height by 1.6 %.
 */
export function dotsPerMm (dpi: number): number {
  return ({ 152: 6, 203: 8, 300: 12, 600: 24 } as Record<number, number>)[dpi] ?? dpi / 25.4
}

/** mm → whole dots at `dpi` (nearest). */
export function mmToDots (mm: number, dpi: number): number {
  return Math.round(mm * dotsPerMm(dpi) + 1e-9)
}

/** Dots → mm at `dpi`. */
export function dotsToMm (dots: number, dpi: number): number {
  return dots / dotsPerMm(dpi)
}

/** One line of text. `y` is the top of the line; `size` the font height (em) in mm. */
export interface TextElement {
  kind: 'text'
  x: number
  y: number
  size: number
  text: string
  /** The renderer never draws past it: templates fit the text first (fitText). */
  maxWidth: number
  bold?: boolean
  align?: 'left' | 'center'
}

/** A filled rectangle: lines, frames and boxes (mm). */
export interface RuleElement { kind: 'rule', x: number, y: number, w: number, h: number }

export type Symbology = 'gs1-128' | 'code128' | 'gs1-datamatrix' | 'datamatrix' | 'qr'

/**
 * A barcode. `x`/`y` are the top-left corner of the symbol *with* its quiet zones, so the bars start
 * at x + quiet zone. GS1 symbologies carry `elements`; code128, datamatrix and qr carry `text`.
 */
export interface BarcodeElement {
  kind: 'barcode'
  symbology: Symbology
  x: number
  y: number
  /** Target X-dimension (narrow bar / module width), mm: the renderer rounds it to whole dots. */
  xDim: number
  /** Bar height of a linear symbol, mm (2D symbols are square). */
  height: number
  elements?: Gs1Element[]
  text?: string
}

export type LayoutElement = TextElement | RuleElement | BarcodeElement

export interface LabelLayout {
  template: 'case' | 'pallet' | 'receiving' | 'custom'
  size: LabelSize
  elements: LayoutElement[]
  /** Everything the label's GS1 barcodes carry, in label order (what a scan of every symbol yields). */
  data: Gs1Element[]
}

/** Options every template takes. */
export interface LabelOptions {
  size: LabelSizeName
  /** A 2D code beside the 1D codes: GS1 DataMatrix of the same data, or a QR of a link to the lot. */
  matrix?: 'datamatrix' | 'digital-link-qr'
  /**
   * Where the QR points: a GS1 Digital Link on this host (`{base}/01/{gtin}/10/{lot}`, which Lotline
   * resolves to the lot page), or `{base}/lots/{code}` for a lot without GTIN. E.g. http://lotline.local:3000
   */
  linkBase?: string
  /** Leave out the 1D codes (an 80 mm ESC/POS head is too narrow for most GS1-128): needs `matrix`. */
  noLinear?: boolean
  /** Prints "REPRINT n" in a box at the top right. */
  reprint?: number
}

/**
 * Conservative advance of one character, in ems, for width estimates: ZPL's ^A0 (a condensed
 * sans) averages ~0.45 em, the raster font (Inconsolata) is 0.575 em; planning with 0.6 keeps both
 * inside `maxWidth`.
 */
export const CHAR_EM = 0.6

export function textWidth (text: string, size: number): number {
  return [...text].length * size * CHAR_EM
}

/**
 * Fits free text (a product name, an address) into `maxWidth`: shrinks to `minSize`, then cuts with
 * "..". Data (lots, dates, codes) must never be cut: use fitSize and refuse instead.
 */
export function fitText (text: string, maxWidth: number, size: number, minSize: number): { text: string, size: number } {
  const chars = [...text]
  const s = Math.max(minSize, Math.min(size, maxWidth / (chars.length * CHAR_EM)))
  if (textWidth(text, s) <= maxWidth + 1e-6) return { text, size: s }
  const keep = Math.max(1, Math.floor(maxWidth / (s * CHAR_EM)) - 2)
  return { text: chars.slice(0, keep).join('') + '..', size: s }
}

/** The largest size ≤ `size` at which every text fits `maxWidth`, or undefined below `minSize`. */
export function fitSize (texts: string[], maxWidth: number, size: number, minSize: number): number | undefined {
  const longest = Math.max(1, ...texts.map(t => [...t].length))
  const s = Math.min(size, maxWidth / (longest * CHAR_EM))
  return s >= minSize ? s : undefined
}

/**
 * Free text on one or two lines: one line if it fits at ¾ of `size` or more, else split at the space
 * that balances the lines, at the largest size ≥ `minSize` that fits, else one line cut by fitText.
 */
export function wrapText (text: string, maxWidth: number, size: number, minSize: number): { lines: string[], size: number } {
  const oneLine = Math.min(size, maxWidth / ([...text].length * CHAR_EM))
  if (oneLine >= Math.max(minSize, size * 0.75)) return { lines: [text], size: oneLine }
  const words = text.split(' ')
  let best: string[] | undefined
  for (let i = 1; i < words.length; i++) {
    const lines = [words.slice(0, i).join(' '), words.slice(i).join(' ')]
    const longest = (ls: string[]): number => Math.max(...ls.map(l => [...l].length))
    if (!best || longest(lines) < longest(best)) best = lines
  }
  const s = best ? fitSize(best, maxWidth, size, minSize) : undefined
  if (best && s !== undefined) return { lines: best, size: s }
  const one = fitText(text, maxWidth, size, minSize)
  return { lines: [one.text], size: one.size }
}

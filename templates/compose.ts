/**
 * Lays out a label in GS1 logistic label order, which suits every label we print: free-format
 * section on top (company or plant, address), human-readable text with data titles in the middle
 * (optionally a 2D code at its right), GS1-128 symbols at the bottom, the last listed lowest (the
 * SSCC on a pallet label). Sizes adapt to the label: a 4x2 gets smaller text and the minimum bar
 * height; a layout that cannot fit throws DomainError('INVALID') rather than overlap.
 */
import { DomainError } from '../server/domain/errors.ts'
import type { Gs1Element } from '../server/domain/gs1.ts'
import { fitSize, fitText, LABEL_SIZES, textWidth, wrapText, type BarcodeElement, type LabelLayout, type LabelOptions, type LayoutElement } from './label.ts'
import { describe, encodeBarcode, limitsFor, linearWidthMm, matrixSizeMm } from './symbols.ts'

export interface LinearSpec {
  symbology: 'gs1-128' | 'code128'
  elements?: Gs1Element[]
  text?: string
  /** Human-readable interpretation printed under the bars. */
  hri: string
  /** Bar height on labels 100 mm or taller, mm; smaller labels use the minimum for the symbol. */
  height: number
}

export interface MatrixSpec { symbology: 'gs1-datamatrix' | 'datamatrix' | 'qr', elements?: Gs1Element[], text?: string }

export interface LabelContent {
  template: LabelLayout['template']
  /** Free-format section: the first line (company or plant name) is bold. */
  header: string[]
  /** Product name, the largest text (wraps to two lines rather than shrink below the values). */
  name: string
  /**
   * Data title and value, e.g. { title: 'BATCH/LOT', value: '26075-L1-0001' }. Values are never cut;
   * an `optional` field (one a barcode's HRI repeats) is left out when space is short.
   */
  fields: Array<{ title: string, value: string, optional?: boolean }>
  /** Top to bottom: the last prints lowest. */
  linear: LinearSpec[]
  matrix?: MatrixSpec
  /** The elements of the linear symbols, in label order. */
  data: Gs1Element[]
}

/** X-dimensions tried for linear symbols, widest first (mm); each symbol keeps those within its limits. */
const X_CANDIDATES = [0.5, 0.42, 0.375, 0.33, 0.25]
/** 2D module size, mm: 6 dots at 203 dpi, 9 at 300 (GS1 minimum 0.743). */
const MATRIX_X = 0.75
const RULE = 0.4

/** Sizes in mm for labels 100 mm or taller, and for shorter ones. */
const LARGE = { margin: 3, header: [4.2, 3], name: 6, field: 4.2, hri: 3, gap: 2.5 }
const SMALL = { margin: 2.5, header: [2.6, 2.2], name: 3.6, field: 2.8, hri: 2, gap: 1 }

export function composeLabel (content: LabelContent, options: LabelOptions): LabelLayout {
  const size = LABEL_SIZES[options.size]
  if (size === undefined) throw new TypeError(`"size" must be one of ${Object.keys(LABEL_SIZES).join(', ')}, got ${String(options.size)}`)
  const p = size.heightMm >= 100 ? LARGE : SMALL
  const W = size.widthMm
  const inner = W - 2 * p.margin
  const els: LayoutElement[] = []
  const refuse = (why: string): never => { throw new DomainError('INVALID', `Label refused: the ${content.template} label does not fit ${size.name}: ${why}`) }

  let top = topSection(els, content, options, size.heightMm >= 100, p, W)
  const linear = options.noLinear === true ? [] : content.linear

  // A 2D code sits at the right of the text; when that leaves too little height, it takes a
  // column at the right down to the bottom margin and the 1D codes move left of it.
  let side = 0
  let matrix: BarcodeElement | undefined
  if (content.matrix) {
    matrix = { kind: 'barcode', symbology: content.matrix.symbology, x: 0, y: top, xDim: MATRIX_X, height: 0, elements: content.matrix.elements, text: content.matrix.text }
    const enc = encodeBarcode(matrix)
    side = matrixSizeMm(enc.kind === 'matrix' ? enc.columns : 0, MATRIX_X, limitsFor(matrix))
    matrix.x = W - p.margin - side
    els.push(matrix)
  }
  let { top: bottom } = bottomSection(els, linear, 0, W, size.heightMm, p)
  if (bottom - top < 5) refuse(`its ${linear.length} barcodes need ${(size.heightMm - bottom).toFixed(1)} mm of its ${size.heightMm} mm height`)
  if (matrix && side > bottom - top) {
    if (side > size.heightMm - p.margin - top) refuse(`the 2D code needs ${side.toFixed(1)} mm and ${(size.heightMm - p.margin - top).toFixed(1)} mm are left below the header`)
    els.splice(els.indexOf(matrix) + 1)
    const beside = bottomSection(els, linear, 0, W - p.margin - side, size.heightMm, p)
    if (beside.tooWide) refuse(`beside the ${side.toFixed(1)} mm 2D code, ${beside.tooWide}; a GS1 DataMatrix is smaller than a QR`)
    bottom = beside.top
  }
  const textW = inner - (matrix ? side + 1 : 0)
  const fit = fitMiddle(content, textW, bottom - top, p)
  if (!fit) refuse(`the product name and ${content.fields.length} data fields need more than the ${(bottom - top).toFixed(1)} x ${textW.toFixed(1)} mm left`)
  const { scale, cols, inline, fields, name } = fit!
  for (const line of name.lines) {
    els.push({ kind: 'text', x: p.margin, y: top, size: name.size, text: line, maxWidth: textW, bold: true })
    top += name.size * 1.15
  }
  top += 0.4 * p.field * scale
  const fs = p.field * scale
  const cellW = textW / cols
  fields.forEach((f, i) => {
    const x = p.margin + (i % cols) * cellW
    const fy = top + Math.floor(i / cols) * rowHeight(fs, inline)
    // Inline: a small title then the value on the same line (small labels); else the title above.
    const ts = titleSize(fs)
    const titleW = textWidth(f.title, ts) + 0.8
    els.push({ kind: 'text', x, y: inline ? fy + (fs - ts) * 0.8 : fy, size: ts, text: f.title, maxWidth: inline ? titleW : cellW - 1 })
    els.push({ kind: 'text', x: inline ? x + titleW : x, y: inline ? fy : fy + ts + 0.3, size: fs, text: f.value, maxWidth: cellW - 1 - (inline ? titleW : 0), bold: true })
  })
  const data = options.noLinear === true ? (content.matrix?.symbology === 'gs1-datamatrix' ? content.matrix.elements ?? [] : []) : content.data
  return { template: content.template, size, elements: els, data }
}

/** Free-format section: reprint box, header lines (one line on short labels), rule. Returns its bottom. */
function topSection (els: LayoutElement[], content: LabelContent, options: LabelOptions, large: boolean, p: typeof LARGE, W: number): number {
  const inner = W - 2 * p.margin
  let top = p.margin
  let headerW = inner
  if (options.reprint !== undefined) {
    const label = `REPRINT ${options.reprint}`
    const bw = textWidth(label, p.header[0]!) + 2
    const bh = p.header[0]! + 1.4
    const bx = W - p.margin - bw
    els.push({ kind: 'rule', x: bx, y: top, w: bw, h: RULE }, { kind: 'rule', x: bx, y: top + bh - RULE, w: bw, h: RULE },
      { kind: 'rule', x: bx, y: top, w: RULE, h: bh }, { kind: 'rule', x: bx + bw - RULE, y: top, w: RULE, h: bh })
    els.push({ kind: 'text', x: bx + 1, y: top + 0.7, size: p.header[0]!, text: label, maxWidth: bw - 2, bold: true })
    headerW = inner - bw - 1.5
  }
  const header = large ? content.header : [content.header.join(', ')]
  header.forEach((line, i) => {
    const s = p.header[i === 0 ? 0 : 1]!
    const fitted = fitText(line, i === 0 ? headerW : inner, s, s * 0.75)
    els.push({ kind: 'text', x: p.margin, y: top, size: fitted.size, text: fitted.text, maxWidth: i === 0 ? headerW : inner, bold: i === 0 })
    top += s * 1.2
  })
  top = Math.max(top, options.reprint !== undefined ? p.margin + p.header[0]! + 1.6 : 0)
  els.push({ kind: 'rule', x: p.margin, y: top, w: inner, h: RULE })
  return top + RULE + 1
}

/**
 * Linear symbols from the bottom margin upwards, each centred in [x0, x1] with its HRI under it,
 * at the widest candidate X that fits (else the narrowest: the renderer then refuses it by name).
 * Returns the top of the section, and what did not fit.
 */
function bottomSection (els: LayoutElement[], linear: LinearSpec[], x0: number, x1: number, labelH: number, p: typeof LARGE): { top: number, tooWide?: string } {
  let tooWide: string | undefined
  let y = labelH - p.margin
  const inner = x1 - x0 - 2 * p.margin
  for (const spec of [...linear].reverse()) {
    const hriSize = fitSize([spec.hri], inner, p.hri, 1.8) ?? 1.8
    y -= hriSize
    els.push({ kind: 'text', x: x0 + p.margin, y, size: hriSize, text: spec.hri, maxWidth: inner, align: 'center' })
    const limits = limitsFor(spec)
    const height = labelH >= 100 ? Math.max(spec.height, limits.minHeight) : limits.minHeight
    y -= 0.6 + height
    const draft: BarcodeElement = { kind: 'barcode', symbology: spec.symbology, x: 0, y, xDim: 0, height, elements: spec.elements, text: spec.text }
    const enc = encodeBarcode(draft)
    const modules = enc.kind === 'linear' ? enc.symbol.modules : 0
    const xs = X_CANDIDATES.filter(x => x >= limits.minX - 0.006 && x <= limits.maxX)
    const xDim = xs.find(x => linearWidthMm(modules, x, limits) <= x1 - x0 - 1) ?? xs.at(-1)!
    const width = linearWidthMm(modules, xDim, limits)
    if (width > x1 - x0 - 1) tooWide ??= `${describe(draft)} needs ${width.toFixed(1)} mm and has ${(x1 - x0 - 1).toFixed(1)} mm`
    els.push({ ...draft, x: Math.max(0.5, x0 + (x1 - x0 - width) / 2), xDim })
    y -= p.gap
  }
  if (linear.length > 0) els.push({ kind: 'rule', x: x0 + p.margin, y: y + p.gap / 2 - RULE, w: inner, h: RULE })
  return { top: y - 0.5, tooWide }
}

/** Data titles are this fraction of the value's size, but at least TITLE_MIN mm (13 dots at 203 dpi). */
const TITLE = 0.62
const TITLE_MIN = 1.7
const titleSize = (fs: number): number => Math.max(TITLE_MIN, fs * TITLE)

function rowHeight (fs: number, inline: boolean): number {
  return inline ? fs * 1.35 : fs + titleSize(fs) + 0.3 + fs * 0.4
}

interface MiddleFit { scale: number, cols: number, inline: boolean, fields: LabelContent['fields'], name: { lines: string[], size: number } }

/**
 * The largest text scale at which the product name and fields fit the middle section: fewest columns first,
 * titles above values, then beside them; fields marked optional (repeated in a barcode's HRI) go last.
 */
function fitMiddle (content: LabelContent, width: number, height: number, p: typeof LARGE): MiddleFit | undefined {
  const all = content.fields
  for (const fields of [all, all.filter(f => f.optional !== true)]) {
    for (const scale of [1.25, 1.1, 1, 0.9, 0.8, 0.7]) {
      for (const inline of [false, true]) {
        for (const cols of [1, 2, 3]) {
          const fs = p.field * scale
          // The product name stays the largest text: it wraps to two lines before shrinking below the values.
          const name = wrapText(content.name, width, p.name * scale, fs)
          const cellW = width / cols - 1
          const fits = fields.every(f => inline
            ? textWidth(f.title, titleSize(fs)) + 0.8 + textWidth(f.value, fs) <= cellW
            : textWidth(f.value, fs) <= cellW && textWidth(f.title, titleSize(fs)) <= cellW)
          const needed = name.lines.length * name.size * 1.15 + 0.4 * fs + Math.ceil(fields.length / cols) * rowHeight(fs, inline)
          if (fits && needed <= height) return { scale, cols, inline, fields, name }
        }
      }
    }
  }
  return undefined
}

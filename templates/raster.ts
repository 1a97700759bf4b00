/**
 * Draws a layout into a 1-bit bitmap at a dpi: the common ground of the PNG preview and the ESC/POS
 * raster, so both show exactly what the checked barcodes look like. Bars and modules are whole dots;
 * text uses Inconsolata (shipped with bwip-js), emboldened by a second pass one dot to the right.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import bwipjs from 'bwip-js'
import { code128Runs } from './code128.ts'
import { mmToDots, type LabelLayout, type TextElement } from './label.ts'
import { checkLayout, type PlacedBarcode } from './symbols.ts'

/** 1 byte per dot, 1 = black; rows top to bottom. */
export interface Bitmap { width: number, height: number, dots: Uint8Array }

export interface RasterOptions {
  dpi: number
  /** Bitmap width in dots, e.g. a print head (default: the label width). Barcodes must fit within it. */
  widthDots?: number
}

/** Rasterizes a layout; throws DomainError('INVALID') as checkLayout does, before drawing anything. */
export function rasterize (layout: LabelLayout, { dpi, widthDots }: RasterOptions): Bitmap {
  const labelW = mmToDots(layout.size.widthMm, dpi)
  const width = widthDots ?? labelW
  const placed = checkLayout(layout, dpi, width)
  const bmp: Bitmap = { width, height: mmToDots(layout.size.heightMm, dpi), dots: new Uint8Array(width * mmToDots(layout.size.heightMm, dpi)) }
  for (const el of layout.elements) {
    if (el.kind === 'rule') {
      const x = mmToDots(el.x, dpi)
      const y = mmToDots(el.y, dpi)
      fill(bmp, x, y, Math.max(1, mmToDots(el.x + el.w, dpi) - x), Math.max(1, mmToDots(el.y + el.h, dpi) - y))
    } else if (el.kind === 'text') {
      drawText(bmp, el, dpi)
    }
  }
  for (const p of placed) drawBarcode(bmp, p)
  return bmp
}

export function fill (bmp: Bitmap, x: number, y: number, w: number, h: number): void {
  const x0 = Math.max(0, x)
  const x1 = Math.min(bmp.width, x + w)
  for (let row = Math.max(0, y); row < Math.min(bmp.height, y + h); row++) {
    bmp.dots.fill(1, row * bmp.width + x0, row * bmp.width + Math.max(x0, x1))
  }
}

function drawBarcode (bmp: Bitmap, p: PlacedBarcode): void {
  if (p.encoded.kind === 'linear') {
    let x = p.x
    code128Runs(p.encoded.symbol).forEach((run, i) => {
      if (i % 2 === 0) fill(bmp, x, p.y, run * p.module, p.height)
      x += run * p.module
    })
    return
  }
  const { columns, rows, modules } = p.encoded
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      if (modules[r * columns + c] === 1) fill(bmp, p.x + c * p.module, p.y + r * p.module, p.module, p.module)
    }
  }
}

let fontId: number | undefined

/** Loads Inconsolata once (bwip-js's built-in fonts are OCR-A/B, ASCII only). */
function font (): number {
  if (fontId === undefined) {
    const main = createRequire(import.meta.url).resolve('bwip-js')
    bwipjs.loadFont('Inconsolata', 100, readFileSync(new URL('../fonts/Inconsolata.otf', `file://${main}`)))
    fontId = bwipjs.FontLib.lookup('Inconsolata')
  }
  return fontId
}

/** Glyph size parameter per dot of em; measured: Inconsolata's cap height is 0.75 of the size. */
const EM = 0.92
/** Inconsolata's advance per unit of size parameter. */
const ADVANCE = 0.575

export function drawText (bmp: Bitmap, el: TextElement, dpi: number): void {
  const em = mmToDots(el.size, dpi)
  const px = Math.max(6, Math.round(em * EM))
  const advance = px * ADVANCE
  const maxW = mmToDots(el.maxWidth, dpi)
  const chars = [...el.text.normalize('NFC')]
  const total = Math.min(maxW, chars.length * advance)
  let x = mmToDots(el.x, dpi) + (el.align === 'center' ? Math.max(0, Math.round((maxW - total) / 2)) : 0)
  const right = mmToDots(el.x, dpi) + maxW
  const baseline = mmToDots(el.y, dpi) + Math.round(px * 0.78)
  const bold = el.bold === true ? Math.max(1, Math.round(px / 16)) : 0
  // Small glyphs have anti-aliased one-dot stems: a lower threshold keeps them.
  const threshold = px < 20 ? 64 : 110
  for (const ch of chars) {
    if (x + advance > right + 1) break
    let g = bwipjs.FontLib.getglyph(font(), ch.codePointAt(0)!, px, px)
    if (g.glyph === 0 && ch !== ' ') g = bwipjs.FontLib.getglyph(font(), fallback(ch), px, px)
    const gx = Math.round(x) + g.left
    const gy = baseline - g.top
    const pixels = g.bytes
    for (let r = 0; pixels && r < g.height; r++) {
      for (let c = 0; c < g.width; c++) {
        if (pixels[g.offset + r * g.width + c]! >= threshold) fill(bmp, gx + c, gy + r, 1 + bold, 1)
      }
    }
    x += advance
  }
}

/** A glyph Inconsolata lacks: its letter without accents, else '?'. */
function fallback (ch: string): number {
  const base = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '')
  return base.length === 1 && base.charCodeAt(0) < 0x250 ? base.charCodeAt(0) : 63
}

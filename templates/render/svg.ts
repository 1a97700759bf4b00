/**
 * SVG preview for the kiosk: the same layout, checks and bar/module geometry as the printed label,
 * in dots at `dpi` (viewBox) and physical size in mm, so the browser scales it crisply. Text is SVG
 * text in a monospace face; everything user-supplied is XML-escaped.
 */
import { code128Runs } from '../code128.ts'
import { mmToDots, type LabelLayout, type TextElement } from '../label.ts'
import { checkLayout, type PlacedBarcode } from '../symbols.ts'

export interface SvgOptions { dpi: number }

/** Renders a layout to an SVG document. Throws DomainError('INVALID') as the printers' renderers do. */
export function renderSvg (layout: LabelLayout, { dpi }: SvgOptions): string {
  const placed = checkLayout(layout, dpi)
  const d = (mm: number): number => mmToDots(mm, dpi)
  const w = d(layout.size.widthMm)
  const h = d(layout.size.heightMm)
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.size.widthMm}mm" height="${layout.size.heightMm}mm" viewBox="0 0 ${w} ${h}" shape-rendering="crispEdges">`,
    `<rect width="${w}" height="${h}" fill="#fff"/>`
  ]
  const rects: string[] = []
  for (const el of layout.elements) {
    if (el.kind === 'rule') rects.push(rect(d(el.x), d(el.y), Math.max(1, d(el.x + el.w) - d(el.x)), Math.max(1, d(el.y + el.h) - d(el.y))))
    else if (el.kind === 'text') out.push(text(el, dpi))
  }
  for (const p of placed) rects.push(...barcodeRects(p))
  out.push(`<path fill="#000" d="${rects.join('')}"/>`, '</svg>')
  return out.join('\n') + '\n'
}

function rect (x: number, y: number, w: number, h: number): string {
  return `M${x} ${y}h${w}v${h}h${-w}z`
}

function barcodeRects (p: PlacedBarcode): string[] {
  const out: string[] = []
  if (p.encoded.kind === 'linear') {
    let x = p.x
    code128Runs(p.encoded.symbol).forEach((run, i) => {
      if (i % 2 === 0) out.push(rect(x, p.y, run * p.module, p.height))
      x += run * p.module
    })
    return out
  }
  const { columns, rows, modules } = p.encoded
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) if (modules[r * columns + c] === 1) out.push(rect(p.x + c * p.module, p.y + r * p.module, p.module, p.module))
  }
  return out
}

function text (el: TextElement, dpi: number): string {
  const size = mmToDots(el.size, dpi)
  const maxW = mmToDots(el.maxWidth, dpi)
  const center = el.align === 'center'
  const x = mmToDots(el.x, dpi) + (center ? Math.round(maxW / 2) : 0)
  const y = mmToDots(el.y, dpi) + Math.round(size * 0.8)
  // Monospace advance is ~0.6 em: squeeze only what would overflow its box.
  const fit = [...el.text].length * size * 0.6 > maxW ? ` textLength="${maxW}" lengthAdjust="spacingAndGlyphs"` : ''
  return `<text x="${x}" y="${y}" font-family="Inconsolata, 'DejaVu Sans Mono', monospace" font-size="${size}"` +
    `${el.bold === true ? ' font-weight="bold"' : ''}${center ? ' text-anchor="middle"' : ''}${fit}>${xml(el.text)}</text>`
}

function xml (s: string): string {
  return s.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, '').replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`)
}

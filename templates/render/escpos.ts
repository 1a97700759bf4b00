/**
 * ESC/POS raster: the whole label as a 1-bit image in `GS v 0` commands (Epson ESC/POS reference,
 * "GS v 0": 1D 76 30 m xL xH yL yH d1...dk, m = 0 normal size, x = bytes per row, y = rows, MSB =
 * leftmost dot, 1 = black). The image is as wide as the label rounded up to 8 dots and must fit the
 * print head: 576 dots for an 80 mm head at 203 dpi (the default), 832 for a 4-inch head.
 * A label whose barcode does not fit the head is refused (DomainError 'INVALID'), never scaled:
 * use the 80mm label size with a 2D code (`matrix`, `noLinear`), or a 4-inch printer.
 */
import { DomainError } from '../../server/domain/errors.ts'
import { mmToDots, type LabelLayout } from '../label.ts'
import { rasterize, type Bitmap } from '../raster.ts'

export interface EscposOptions {
  dpi: number
  /** Printable dots across the head. Default 576 (80 mm paper at 203 dpi). */
  headDots?: number
  /** Feed to the cutter and cut after the label (GS V 66 0). Default true. */
  cut?: boolean
}

/** Rows per GS v 0 command: bands keep each command well inside every printer's limit. */
const BAND_ROWS = 256

export function renderEscpos (layout: LabelLayout, { dpi, headDots = 576, cut = true }: EscposOptions): Uint8Array {
  const labelDots = mmToDots(layout.size.widthMm, dpi)
  const width = Math.ceil(labelDots / 8) * 8
  if (width > headDots) {
    throw new DomainError('INVALID', `Label refused: the ${layout.size.name} label is ${labelDots} dots wide at ${dpi} dpi and the print head has ${headDots}; use a label that fits the head (80mm) or a wider printer`)
  }
  const bmp = rasterize(layout, { dpi, widthDots: width })
  const parts: Uint8Array[] = [Uint8Array.of(0x1b, 0x40)] // ESC @: initialize
  for (let y = 0; y < bmp.height; y += BAND_ROWS) parts.push(band(bmp, y, Math.min(BAND_ROWS, bmp.height - y)))
  if (cut) parts.push(Uint8Array.of(0x1d, 0x56, 66, 0))
  return concat(parts)
}

function band (bmp: Bitmap, y0: number, rows: number): Uint8Array {
  const bytesPerRow = bmp.width / 8
  const out = new Uint8Array(8 + bytesPerRow * rows)
  out.set([0x1d, 0x76, 0x30, 0, bytesPerRow & 0xff, bytesPerRow >> 8, rows & 0xff, rows >> 8])
  for (let r = 0; r < rows; r++) {
    const row = (y0 + r) * bmp.width
    for (let b = 0; b < bytesPerRow; b++) {
      let byte = 0
      for (let bit = 0; bit < 8; bit++) if (bmp.dots[row + b * 8 + bit] === 1) byte |= 0x80 >> bit
      out[8 + r * bytesPerRow + b] = byte
    }
  }
  return out
}

function concat (parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) { out.set(p, at); at += p.length }
  return out
}

/**
 * PNG preview of a label: the same 1-bit raster the ESC/POS renderer sends, so what the kiosk shows
 * is what prints, barcodes included (8-bit grayscale, opaque white background: decoders need it).
 */
import { PNG } from 'pngjs'
import type { LabelLayout } from '../label.ts'
import { rasterize, type Bitmap } from '../raster.ts'

export interface PngOptions { dpi: number }

/** Renders a layout to PNG bytes. Throws DomainError('INVALID') for a label that would print a bad barcode. */
export function renderPng (layout: LabelLayout, { dpi }: PngOptions): Uint8Array {
  return bitmapToPng(rasterize(layout, { dpi }))
}

export function bitmapToPng (bmp: Bitmap): Uint8Array {
  const png = new PNG({ width: bmp.width, height: bmp.height, colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 })
  const gray = Buffer.alloc(bmp.width * bmp.height)
  for (let i = 0; i < gray.length; i++) gray[i] = bmp.dots[i] === 1 ? 0 : 255
  png.data = gray
  // filterType 0 (none) and a middling deflate level: a 1-bit image gains nothing from PNG filters.
  return new Uint8Array(PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false, filterType: 0, deflateLevel: 6 }))
}

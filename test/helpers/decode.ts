/**
 * Test helpers for label round trips: decode PNGs with zxing-wasm (its .wasm read from
 * node_modules, never fetched from the CDN its loader defaults to), render ZPL to PNG with
 * zpl-renderer-js (zebrash), and turn ESC/POS raster bytes back into a PNG.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { PNG } from 'pngjs'
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader'
import { dotsPerMm, type LabelSize } from '../../templates/label.ts'

// The CommonJS build, as hardware/file-printer.ts loads it: the ESM one sends vitest looking for a missing source map.
const { ready: zplReady } = createRequire(import.meta.url)('zpl-renderer-js') as typeof import('zpl-renderer-js')

export interface Decoded {
  format: string
  /** AIM symbology identifier: ]C1 GS1-128, ]C0 Code 128, ]d2 GS1 DataMatrix, ]Q1 QR... */
  aim: string
  /** Plain text: GS1 separators arrive as GS (0x1D). */
  text: string
  /** Top edge, px: results come sorted top to bottom. */
  top: number
}

let zxing: Promise<unknown> | undefined

function loadZxing (): Promise<unknown> {
  if (!zxing) {
    const wasmPath = createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm')
    const bytes = readFileSync(wasmPath)
    // overrides.wasmBinary makes the Emscripten loader instantiate these bytes instead of calling locateFile/fetch.
    zxing = prepareZXingModule({ overrides: { wasmBinary: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) }, fireImmediately: true })
  }
  return zxing
}

/** Every barcode zxing finds in a PNG, top to bottom. */
export async function decodePng (png: Uint8Array): Promise<Decoded[]> {
  await loadZxing()
  const results = await readBarcodes(png, { formats: [], textMode: 'Plain', tryHarder: true, maxNumberOfSymbols: 8 })
  return results
    .filter(r => r.isValid)
    .map(r => ({ format: r.format, aim: r.symbologyIdentifier, text: r.text, top: Math.min(r.position.topLeft.y, r.position.topRight.y) }))
    .sort((a, b) => a.top - b.top)
}

/** Renders one ZPL label with zebrash at the label's size and the printer's dots per mm. */
export async function zplToPng (zpl: string, size: LabelSize, dpi: number): Promise<Uint8Array> {
  const { api } = await zplReady
  const base64 = await api.zplToBase64Async(zpl, size.widthMm, size.heightMm, dotsPerMm(dpi))
  return new Uint8Array(Buffer.from(base64, 'base64'))
}

/** How many labels (^XA...^XZ) zebrash sees in the ZPL. */
export async function zplLabelCount (zpl: string, size: LabelSize, dpi: number): Promise<number> {
  const { api } = await zplReady
  return (await api.zplToBase64MultipleAsync(zpl, size.widthMm, size.heightMm, dotsPerMm(dpi))).length
}

/** Parses ESC @, GS v 0 raster bands and GS V cut back into an image; throws on any other byte. */
export function escposToPng (bytes: Uint8Array): { png: Uint8Array, width: number, height: number } {
  const rows: Uint8Array[] = []
  let width = 0
  let i = 0
  while (i < bytes.length) {
    if (bytes[i] === 0x1b && bytes[i + 1] === 0x40) { i += 2; continue }
    if (bytes[i] === 0x1d && bytes[i + 1] === 0x56) { i += 4; continue }
    if (bytes[i] !== 0x1d || bytes[i + 1] !== 0x76 || bytes[i + 2] !== 0x30) throw new Error(`Unexpected ESC/POS byte 0x${bytes[i]!.toString(16)} at ${i}`)
    const xBytes = bytes[i + 4]! + 256 * bytes[i + 5]!
    const y = bytes[i + 6]! + 256 * bytes[i + 7]!
    width = xBytes * 8
    i += 8
    for (let r = 0; r < y; r++, i += xBytes) rows.push(bytes.subarray(i, i + xBytes))
  }
  const png = new PNG({ width, height: rows.length })
  rows.forEach((row, y) => {
    for (let x = 0; x < width; x++) {
      const black = (row[x >> 3]! & (0x80 >> (x & 7))) !== 0
      const at = (y * width + x) * 4
      png.data.fill(black ? 0 : 255, at, at + 3)
      png.data[at + 3] = 255
    }
  })
  return { png: new Uint8Array(PNG.sync.write(png)), width, height: rows.length }
}

import { PNG } from 'pngjs'
import { describe, expect, it } from 'vitest'
import { gs1CheckDigit, parseGs1 } from '../../server/domain/gs1.ts'
import { caseLabel } from '../../templates/case-label.ts'
import { code128Runs, encodeCode128 } from '../../templates/code128.ts'
import { LABEL_SIZES, mmToDots, parseLabelSize } from '../../templates/label.ts'
import { receivingLabel } from '../../templates/receiving-label.ts'
import { renderEscpos } from '../../templates/render/escpos.ts'
import { renderSvg } from '../../templates/render/svg.ts'
import { decodePng } from '../helpers/decode.ts'

const now = new Date('2026-03-16T12:00:00Z')
const GTIN = '1952123454321' + gs1CheckDigit('1952123454321')
const GS = '\x1d'

describe('Code 128 encoder', () => {
  it('starts in subset C with FNC1, switches once to B for the lot, and writes ZPL invocation codes', () => {
    const s = encodeCode128('0109521234543213' + '10LOT>1', true)
    expect(s.zpl).toBe('>;>8010952123454321310>6LOT>01')
    expect(s.values.slice(0, 2)).toEqual([105, 102])
    expect(s.dataChars).toBe(23)
    expect(s.modules).toBe(s.values.length * 11 + 13)
    expect(code128Runs(s).reduce((a, b) => a + b, 0)).toBe(s.modules)
  })

  it('encodes a separator FNC1 after a variable-length AI', () => {
    expect(encodeCode128('3740' + GS + '10AB', true).zpl).toBe('>;>83740>810>6AB')
  })

  it('never leaves a lone last character after switching to B (zebrash drops it)', () => {
    // "10" + lot "240315A": subset C could run to "15" and leave "A" alone; it switches one pair earlier.
    expect(encodeCode128('10240315A', true).zpl).toBe('>;>8102403>615A')
  })

  it('computes the mod 103 check character (Code 128 B "Wikipedia" → 88)', () => {
    expect(encodeCode128('Wikipedia', false).values.at(-1)).toBe(88)
  })

  it('refuses characters ZPL would read as commands', () => {
    expect(() => encodeCode128('AB^XZ', false)).toThrow(/cannot carry/)
    expect(() => encodeCode128('A~B', false)).toThrow(/cannot carry/)
  })
})

describe('label sizes', () => {
  it('reads configured size names', () => {
    expect(['4x6', '4x6in', '4X2 in', '100x150mm', '100x150', '80mm'].map(parseLabelSize)).toEqual(['4x6', '4x6', '4x2', '100x150', '100x150', '80mm'])
    expect(() => parseLabelSize('A5')).toThrow(TypeError)
  })

  it('turns mm into dots at 8 and 12 dots/mm for 203 and 300 dpi heads', () => {
    expect([mmToDots(101.6, 203), mmToDots(101.6, 300), mmToDots(72, 203)]).toEqual([813, 1219, 576])
  })
})

describe('ESC/POS bytes', () => {
  const layout = caseLabel({
    plant: { name: 'Northfield Foods', address: 'Springfield, IL' },
    product: { name: 'Smoked Turkey', gtin: GTIN, shelfLifeDays: 45, dateKind: 'best-before', netContent: { kind: 'count', value: 24, unit: 'ea' } },
    lot: { code: '26075-L1-0001', productionDate: '2026-03-16' }
  }, { size: '80mm', matrix: 'datamatrix', noLinear: true, now })

  it('initializes, sends 576-dot GS v 0 bands of at most 256 rows, then cuts', () => {
    const bytes = renderEscpos(layout, { dpi: 203 })
    expect([...bytes.subarray(0, 10)]).toEqual([0x1b, 0x40, 0x1d, 0x76, 0x30, 0, 72, 0, 0, 1])
    expect([...bytes.subarray(-4)]).toEqual([0x1d, 0x56, 66, 0])
    const rows = mmToDots(LABEL_SIZES['80mm'].heightMm, 203)
    const bands = Math.ceil(rows / 256)
    expect(bytes.length).toBe(2 + bands * 8 + rows * 72 + 4)
  })

  it('leaves the cut out when asked', () => {
    expect([...renderEscpos(layout, { dpi: 203, cut: false }).subarray(-4)]).not.toEqual([0x1d, 0x56, 66, 0])
  })
})

/** Fills the SVG's black path (M x y h w v h h -w z rectangles) into a PNG, for the decoder. */
function svgBarsToPng (svg: string): Uint8Array {
  const [, w, h] = /viewBox="0 0 (\d+) (\d+)"/.exec(svg)!.map(Number)
  const png = new PNG({ width: w!, height: h! })
  png.data.fill(255)
  const path = /<path fill="#000" d="([^"]*)"/.exec(svg)![1]!
  for (const m of path.matchAll(/M(-?\d+) (-?\d+)h(-?\d+)v(-?\d+)/g)) {
    const [x, y, rw, rh] = m.slice(1).map(Number) as [number, number, number, number]
    for (let r = y; r < y + rh; r++) for (let c = x; c < x + rw; c++) png.data.fill(0, (r * w! + c) * 4, (r * w! + c) * 4 + 3)
  }
  return new Uint8Array(PNG.sync.write(png))
}

describe('SVG preview', () => {
  it.each([203, 300])('draws the same decodable barcodes as the printers at %i dpi', async dpi => {
    const layout = receivingLabel({
      plant: { name: 'Northfield Foods' },
      product: { name: 'Turkey breast', gtin: GTIN },
      supplier: { name: 'Prairie Poultry' },
      lot: { code: '26075-RC-0012', supplierLotCode: 'PP-88812-A', receivedDate: '2026-03-16' }
    }, { size: '4x6', matrix: 'datamatrix', now })
    const svg = renderSvg(layout, { dpi })
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="101.6mm" height="152.4mm"/)
    expect(svg).toContain('>SUPPLIER LOT</text>')
    const decoded = await decodePng(svgBarsToPng(svg))
    expect(decoded.map(d => d.aim).sort()).toEqual([']C1', ']d2'])
    for (const d of decoded) expect(parseGs1(d.aim + d.text, { now })).toMatchObject({ gtin: GTIN, lot: '26075-RC-0012' })
  })
})

import { mkdirSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { gs1CheckDigit, parseGs1, toElementString, type Gs1Element, type Gs1Scan } from '../../server/domain/gs1.ts'
import { caseLabel, type CaseLabelInput } from '../../templates/case-label.ts'
import type { LabelLayout, LabelOptions, LabelSizeName } from '../../templates/label.ts'
import { palletLabel, type PalletLabelInput } from '../../templates/pallet-label.ts'
import { receivingLabel, type ReceivingLabelInput } from '../../templates/receiving-label.ts'
import { renderEscpos } from '../../templates/render/escpos.ts'
import { renderPng } from '../../templates/render/png.ts'
import { renderZpl } from '../../templates/render/zpl.ts'
import { decodePng, escposToPng, zplToPng, type Decoded } from '../helpers/decode.ts'

const now = new Date('2026-03-16T12:00:00Z')
const withCheck = (digits: string): string => digits + gs1CheckDigit(digits)
const GTIN = withCheck('1952123454321')
const SSCC = withCheck('03761042500212345')
const ARTIFACTS = 'test-artifacts/labels'

const caseInput: CaseLabelInput = {
  plant: { name: 'Northfield Foods Plant 2', address: '1200 Mill Road, Springfield, IL 62701, USA' },
  product: { name: 'Smoked Turkey Breast Sliced', gtin: GTIN, shelfLifeDays: 45, dateKind: 'best-before', netContent: { kind: 'weight', unit: 'kg', value: 12.5, decimals: 3 } },
  lot: { code: '26075-L1-0001', productionDate: '2026-03-16' }
}
const palletInput: PalletLabelInput = {
  sscc: SSCC,
  shipper: { name: 'Northfield Foods', address: '1200 Mill Road, Springfield, IL 62701' },
  shipTo: { name: 'Acme Distribution DC 4' },
  content: { gtin: GTIN, name: 'Smoked Turkey Breast Sliced 12.5 kg' },
  count: 40,
  lot: '26075-L1-0001',
  date: { kind: 'best-before', date: '2026-04-30' }
}
const receivingInput = (gtin: string | null): ReceivingLabelInput => ({
  plant: { name: 'Northfield Foods Plant 2' },
  product: { name: 'Turkey breast, raw, boneless', gtin },
  supplier: { name: 'Prairie Poultry Co.' },
  lot: { code: '26075-RC-0012', supplierLotCode: 'PP-88812-A', receivedDate: '2026-03-16', quantity: { value: 820, unit: 'kg' } }
})

/** What the label's barcodes must give back, as parseGs1 reports it. */
const expected: Record<'case' | 'pallet' | 'receiving', Partial<Gs1Scan>> = {
  case: { gtin: GTIN, lot: '26075-L1-0001', productionDate: '2026-03-16', bestBefore: '2026-04-30', netWeight: { value: 12.5, unit: 'kg' } },
  pallet: { sscc: SSCC, contentGtin: GTIN, count: 40, lot: '26075-L1-0001', bestBefore: '2026-04-30' },
  receiving: { gtin: GTIN, lot: '26075-RC-0012' }
}

interface Case { name: string, build: (o: LabelOptions) => LabelLayout, sizes: LabelSizeName[], want: Partial<Gs1Scan> }
const cases: Case[] = [
  { name: 'case', build: o => caseLabel(caseInput, { ...o, now }), sizes: ['4x6', '4x2', '100x150'], want: expected.case },
  { name: 'pallet', build: o => palletLabel(palletInput, { ...o, now }), sizes: ['4x6', '100x150'], want: expected.pallet },
  { name: 'receiving', build: o => receivingLabel(receivingInput(GTIN), { ...o, now }), sizes: ['4x6', '4x2', '100x150'], want: expected.receiving }
]

/** All GS1 symbols of a label read together, as a station combining the scans of one label would. */
function readGs1 (decoded: Decoded[]): { scan: Gs1Scan, symbols: Gs1Element[][] } {
  const symbols = decoded.map(d => parseGs1(d.aim + d.text, { now, requisites: false }).elements)
  return { scan: parseGs1(']C1' + toElementString(symbols.flat()), { now }), symbols }
}

function save (name: string, png: Uint8Array): void {
  mkdirSync(ARTIFACTS, { recursive: true })
  writeFileSync(`${ARTIFACTS}/${name}.png`, png)
}

/** A 4-inch ESC/POS head: 832 dots at 8 dots/mm, 1248 at 12. */
const head4in = (dpi: number): number => (dpi === 203 ? 832 : 1248)

describe.each(cases)('$name label', ({ name, build, sizes, want }) => {
  describe.each(sizes.flatMap(size => [203, 300].map(dpi => ({ size, dpi }))))('$size at $dpi dpi', ({ size, dpi }) => {
    const layout = build({ size })
    const check = async (png: Uint8Array, renderer: string): Promise<void> => {
      const decoded = await decodePng(png)
      expect(decoded.map(d => d.aim), `${renderer}: symbols found`).toEqual(layout.elements.filter(e => e.kind === 'barcode').map(() => ']C1'))
      const { scan, symbols } = readGs1(decoded)
      expect(scan).toMatchObject(want)
      expect(symbols.flat()).toEqual(layout.data)
      if (dpi === 203 && size !== '100x150') save(`${name}-${size}-${dpi}-${renderer}`, png)
    }

    it('ZPL renders (zebrash) and decodes to the lot data', async () => {
      await check(await zplToPng(renderZpl(layout, { dpi }), layout.size, dpi), 'zpl')
    })
    it('ESC/POS raster on a 4-inch head decodes to the lot data', async () => {
      const bytes = renderEscpos(layout, { dpi, headDots: head4in(dpi) })
      const { png, width } = escposToPng(bytes)
      expect(width % 8).toBe(0)
      await check(png, 'escpos')
    })
    it('PNG preview decodes to the lot data', async () => {
      await check(renderPng(layout, { dpi }), 'png')
    })
  })
})

describe('2D codes beside the 1D codes', () => {
  const variants: Array<{ name: string, layout: LabelLayout, want: Partial<Gs1Scan>, aim: string }> = [
    { name: 'case-datamatrix', layout: caseLabel(caseInput, { size: '4x6', matrix: 'datamatrix', reprint: 2, now }), want: expected.case, aim: ']d2' },
    { name: 'case-4x2-datamatrix', layout: caseLabel(caseInput, { size: '4x2', matrix: 'datamatrix', now }), want: expected.case, aim: ']d2' },
    { name: 'pallet-qr', layout: palletLabel(palletInput, { size: '4x6', matrix: 'digital-link-qr', linkBase: 'http://lotline.local:3000', now }), want: { gtin: GTIN, lot: palletInput.lot }, aim: ']Q1' },
    { name: 'receiving-qr', layout: receivingLabel(receivingInput(GTIN), { size: '100x150', matrix: 'digital-link-qr', linkBase: 'http://lotline.local:3000', now }), want: expected.receiving, aim: ']Q1' }
  ]
  describe.each(variants)('$name', ({ name, layout, want, aim }) => {
    it.each([203, 300])('decodes the 2D code from ZPL, ESC/POS and PNG at %i dpi', async dpi => {
      const pngs = {
        zpl: await zplToPng(renderZpl(layout, { dpi }), layout.size, dpi),
        escpos: escposToPng(renderEscpos(layout, { dpi, headDots: head4in(dpi) })).png,
        png: renderPng(layout, { dpi })
      }
      for (const [renderer, png] of Object.entries(pngs)) {
        const matrix = (await decodePng(png)).filter(d => d.aim === aim)
        expect(matrix, `${renderer}: one ${aim} symbol`).toHaveLength(1)
        expect(parseGs1(matrix[0]!.aim + matrix[0]!.text, { now })).toMatchObject(want)
        if (dpi === 203) save(`${name}-${dpi}-${renderer}`, png)
      }
    })
  })

  it('points the QR at the Lotline host as a GS1 Digital Link', async () => {
    const layout = caseLabel(caseInput, { size: '4x6', matrix: 'digital-link-qr', linkBase: 'http://lotline.local:3000/', now })
    const [qr] = (await decodePng(renderPng(layout, { dpi: 203 }))).filter(d => d.aim === ']Q1')
    expect(qr?.text).toBe(`http://lotline.local:3000/01/${GTIN}/10/26075-L1-0001`)
  })

  it('prints only a GS1 DataMatrix on an 80 mm ESC/POS roll when asked to leave out the 1D codes', async () => {
    const layout = caseLabel(caseInput, { size: '80mm', matrix: 'datamatrix', noLinear: true, now })
    const { png, width } = escposToPng(renderEscpos(layout, { dpi: 203 }))
    expect(width).toBe(576)
    save('case-80mm-203-escpos-datamatrix', png)
    const decoded = await decodePng(png)
    expect(decoded.map(d => d.aim)).toEqual([']d2'])
    expect(parseGs1(']d2' + decoded[0]!.text, { now })).toMatchObject(expected.case)
  })
})

describe('receiving label for a product without a GTIN', () => {
  it.each([203, 300])('carries the internal lot code in a plain Code 128 (]C0) at %i dpi', async dpi => {
    const layout = receivingLabel(receivingInput(null), { size: '4x2', now })
    expect(layout.data).toEqual([])
    for (const png of [await zplToPng(renderZpl(layout, { dpi }), layout.size, dpi), renderPng(layout, { dpi })]) {
      const decoded = await decodePng(png)
      expect(decoded.map(d => [d.aim, d.text])).toEqual([[']C0', '26075-RC-0012']])
    }
  })
})

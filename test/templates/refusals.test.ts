import { describe, expect, it } from 'vitest'
import { DomainError } from '../../server/domain/errors.ts'
import { gs1CheckDigit, parseGs1 } from '../../server/domain/gs1.ts'
import { caseLabel, type CaseLabelInput } from '../../templates/case-label.ts'
import { LABEL_SIZES, type BarcodeElement, type LabelLayout } from '../../templates/label.ts'
import { palletLabel, type PalletLabelInput } from '../../templates/pallet-label.ts'
import { renderEscpos } from '../../templates/render/escpos.ts'
import { renderPng } from '../../templates/render/png.ts'
import { renderSvg } from '../../templates/render/svg.ts'
import { escapeText, renderZpl } from '../../templates/render/zpl.ts'
import { decodePng, zplLabelCount, zplToPng } from '../helpers/decode.ts'

const now = new Date('2026-03-16T12:00:00Z')
const withCheck = (digits: string): string => digits + gs1CheckDigit(digits)
const GTIN = withCheck('1952123454321')
const SSCC = withCheck('03761042500212345')

const caseInput = (lot: string, name = 'Smoked Turkey Breast Sliced'): CaseLabelInput => ({
  plant: { name: 'Northfield Foods Plant 2', address: '1200 Mill Road, Springfield, IL 62701' },
  product: { name, gtin: GTIN, shelfLifeDays: 45, dateKind: 'expiry', netContent: { kind: 'weight', unit: 'lb', value: 25, decimals: 2 } },
  lot: { code: lot, productionDate: '2026-03-16' }
})
const palletInput: PalletLabelInput = {
  sscc: SSCC,
  shipper: { name: 'Northfield Foods', address: '1200 Mill Road, Springfield, IL 62701' },
  content: { gtin: GTIN, name: 'Smoked Turkey Breast' },
  count: 40,
  lot: '26075-L1-0001',
  date: { kind: 'expiry', date: '2026-04-30' }
}

/** Every renderer refuses the layout with DomainError('INVALID') whose message matches. */
function expectAllRefuse (layout: LabelLayout, message: RegExp, headDots = 832): void {
  const renderers = {
    zpl: () => renderZpl(layout, { dpi: 203 }),
    escpos: () => renderEscpos(layout, { dpi: 203, headDots }),
    png: () => renderPng(layout, { dpi: 203 }),
    svg: () => renderSvg(layout, { dpi: 203 })
  }
  for (const [name, render] of Object.entries(renderers)) {
    let error: unknown
    let output: unknown
    try { output = render() } catch (e) { error = e }
    expect(output, `${name} rendered something`).toBeUndefined()
    expect(error, name).toBeInstanceOf(DomainError)
    expect(error, name).toMatchObject({ code: 'INVALID', message: expect.stringMatching(message) })
  }
}

describe('GS1-128 limits', () => {
  it('refuses a single-symbol case label whose lot code pushes the GS1-128 over 48 characters', () => {
    const layout = caseLabel(caseInput('26075-L1-0001'), { size: '4x6', singleSymbol: true, now })
    expectAllRefuse(layout, /57 data characters; a GS1-128 carries at most 48/)
  })

  it('prints a single-symbol case label at exactly 48 characters, and it decodes', async () => {
    const layout = caseLabel(caseInput('A123'), { size: '4x6', singleSymbol: true, now })
    const [symbol] = await decodePng(await zplToPng(renderZpl(layout, { dpi: 203 }), layout.size, 203))
    expect(symbol?.aim).toBe(']C1')
    expect(symbol!.text.length).toBe(48)
    expect(parseGs1(']C1' + symbol!.text, { now })).toMatchObject({ gtin: GTIN, lot: 'A123', expiry: '2026-04-30', netWeight: { value: 25, unit: 'lb' } })
  })

  it('refuses a case label whose GTIN + lot symbol does not fit an 80 mm ESC/POS head (no squeezing below 0.25 mm)', () => {
    const layout = caseLabel(caseInput('26075-L1-0001'), { size: '80mm', now })
    expectAllRefuse(layout, /GS1-128 \(01\)\(10\) is 7\d\.\d mm wide .* does not fit the 80mm label \(72\.0 mm\); use a wider label or a 2D code/, 576)
  })

  it('refuses a 4-inch label on the default 80 mm (576-dot) ESC/POS head', () => {
    const layout = caseLabel(caseInput('26075-L1-0001'), { size: '4x6', now })
    expect(() => renderEscpos(layout, { dpi: 203 })).toThrow(/813 dots wide at 203 dpi and the print head has 576/)
  })

  it('refuses a pallet label on an 80 mm roll: the SSCC symbol needs X ≥ 0.495 mm', () => {
    const layout = palletLabel(palletInput, { size: '80mm', now })
    expectAllRefuse(layout, /GS1-128 \(00\) is 88\.0 mm wide/, 576)
  })

  it('refuses a Digital Link QR on a 4x2 case label: the GTIN + lot symbol no longer fits beside it', () => {
    const build = (): LabelLayout => caseLabel(caseInput('26075-L1-0001'), { size: '4x2', matrix: 'digital-link-qr', linkBase: 'http://lotline.local:3000', now })
    expect(build).toThrow(/case label does not fit 4x2: beside the 30\.8 mm 2D code, GS1-128 \(01\)\(10\) needs 74\.3 mm and has 67\.3 mm/)
  })

  it('refuses a pallet label on a 4x2: three GS1 logistic symbols need more height', () => {
    expect(() => palletLabel(palletInput, { size: '4x2', now })).toThrow(DomainError)
    expect(() => palletLabel(palletInput, { size: '4x2', now })).toThrow(/pallet label does not fit 4x2/)
  })

  it('refuses a barcode wider than a 4x2 label, an X outside GS1\'s range and SSCC bars under 31.75 mm', () => {
    const base = { kind: 'barcode', symbology: 'gs1-128', x: 0.5, y: 5 } as const
    const layout = (barcode: object): LabelLayout => ({ template: 'custom', size: LABEL_SIZES['4x2'], data: [], elements: [{ ...base, xDim: 0.5, height: 12, ...barcode }] })
    expectAllRefuse(layout({ elements: [{ ai: '01', value: GTIN }, { ai: '10', value: 'ABCDEFGHIJ' }] }), /does not fit the 4x2 label/)
    expectAllRefuse(layout({ xDim: 1.2, elements: [{ ai: '01', value: GTIN }] }), /X-dimension 1\.250 mm at 203 dpi is over GS1's 1\.016 mm/)
    expectAllRefuse(layout({ height: 20, elements: [{ ai: '00', value: SSCC }] }), /bars 20 mm high; at least 31\.75 mm needed/)
    expectAllRefuse(layout({ xDim: 0.33, height: 32, elements: [{ ai: '00', value: SSCC }] }), /X-dimension 0\.33 mm is under GS1's 0\.495 mm/)
  })

  it('refuses text or another barcode printed on a barcode\'s quiet zones', () => {
    const sscc: BarcodeElement = { kind: 'barcode', symbology: 'gs1-128', x: 2, y: 2, xDim: 0.5, height: 32, elements: [{ ai: '00', value: SSCC }] }
    const size = LABEL_SIZES['4x6']
    expectAllRefuse({ template: 'custom', size, data: [], elements: [sscc, { kind: 'text', x: 1, y: 10, size: 3, text: 'SHIP', maxWidth: 20 }] }, /the text "SHIP" prints on GS1-128 \(00\)/)
    expectAllRefuse({ template: 'custom', size, data: [], elements: [sscc, { kind: 'barcode', symbology: 'gs1-datamatrix', x: 80, y: 20, xDim: 0.75, height: 0, elements: [{ ai: '00', value: SSCC }] }] }, /GS1-128 \(00\) and gs1-datamatrix \(00\) overlap/)
  })
})

describe('data GS1 would refuse', () => {
  it.each([
    ['a GTIN with a wrong check digit', { gtin: GTIN.slice(0, 13) + String((Number(GTIN[13]) + 1) % 10) }, {}, /\(01\)/],
    ['a lot over 20 characters', {}, { code: '26075-L1-0001-EXTRA-99' }, /\(10\)/],
    ['a lot with a space', {}, { code: '26075 L1' }, /\(10\)/]
  ])('refuses %s with INVALID naming the AI', (_, product, lot, message) => {
    const input = caseInput('26075-L1-0001')
    const build = (): LabelLayout => caseLabel({ ...input, product: { ...input.product, ...product }, lot: { ...input.lot, ...lot } }, { size: '4x6', now })
    expect(build).toThrow(DomainError)
    expect(build).toThrow(message)
    try { build() } catch (e) { expect(e).toMatchObject({ code: 'INVALID' }) }
  })
})

describe('ZPL text fields', () => {
  const name = 'Ham ^XZ^XA^FS~JA_5E a\\b' // short enough for one line on a 4x6

  it('prints a product name containing ^XZ^XA as text, in one label', async () => {
    const layout = caseLabel(caseInput('26075-L1-0001', name), { size: '4x6', now })
    const zpl = renderZpl(layout, { dpi: 203 })
    expect(zpl.match(/\^XA/g)).toHaveLength(1)
    expect(zpl.match(/\^XZ/g)).toHaveLength(1)
    expect(zpl).not.toContain('~JA')
    expect(escapeText(name)).toBe('Ham _5EXZ_5EXA_5EFS_7EJA_5F5E a_5Cb')
    expect(zpl).toContain('^FH^FDHam _5EXZ_5EXA_5EFS_7EJA_5F5E a_5Cb^FS')
    expect(await zplLabelCount(zpl, layout.size, 203)).toBe(1)
    const decoded = await decodePng(await zplToPng(zpl, layout.size, 203))
    expect(decoded.map(d => d.aim)).toEqual([']C1', ']C1'])
  })

  it('prints REPRINT n on a reprint', () => {
    const layout = caseLabel(caseInput('26075-L1-0001'), { size: '4x2', reprint: 3, now })
    expect(layout.elements).toContainEqual(expect.objectContaining({ kind: 'text', text: 'REPRINT 3' }))
    expect(renderZpl(layout, { dpi: 300 })).toContain('^FDREPRINT 3^FS')
    expect(renderSvg(layout, { dpi: 300 })).toContain('>REPRINT 3</text>')
  })

  it('keeps UTF-8 product names (^CI28) and escapes them for SVG', () => {
    const layout = caseLabel(caseInput('26075-L1-0001', 'Crème fraîche <Bio> & Co'), { size: '4x6', now })
    expect(renderZpl(layout, { dpi: 203 })).toContain('^CI28')
    expect(renderZpl(layout, { dpi: 203 })).toContain('^FDCrème fraîche <Bio> & Co^FS')
    expect(renderSvg(layout, { dpi: 203 })).toContain('>Crème fraîche &#60;Bio&#62; &#38; Co</text>')
  })
})

import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DomainError } from '../../server/domain/errors.ts'
import {
  aiTitle, gs1CheckDigit, isValidGs1Key, parseGs1, toBracketed, toDigitalLink, toElementString, validateGs1,
  type Gs1Element
} from '../../server/domain/gs1.ts'

// Every key below was checked by hand with the mod-10 rule (weights 3,1 from the right):
// GTIN 09521234543213 (GS1's example GTIN), SSCC 106141412345678908 (General Specifications example),
// GLN 9520123456788, GSIN 95212345000000001.
const GTIN = '09521234543213'
const SSCC = '106141412345678908'
const GLN = '9520123456788'
const GS = '\x1d'
const now = new Date('2025-06-01T00:00:00Z')
const parse = (raw: string, requisites = true) => parseGs1(raw, { now, requisites })

/** The DomainError a call throws, so tests can assert its message and details. */
function refusal (fn: () => unknown): DomainError {
  try {
    fn()
  } catch (err) {
    if (err instanceof DomainError) return err
    throw err
  }
  throw new Error('expected a refusal, but the call succeeded')
}
const refused = (raw: string, requisites = true): DomainError => refusal(() => parse(raw, requisites))

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/scans/${name}`, import.meta.url), 'latin1')

describe('parseGs1 reads GS1 published examples', () => {
  it('reads GTIN, lot and expiry from (01)09521234543213(10)ABC123(17)270630', () => {
    expect(parse(`]C101${GTIN}10ABC123${GS}17270630`)).toEqual({
      symbology: 'gs1-128',
      elements: [{ ai: '01', value: GTIN }, { ai: '10', value: 'ABC123' }, { ai: '17', value: '270630' }],
      gtin: GTIN,
      lot: 'ABC123',
      expiry: '2027-06-30'
    })
  })

  it('reads the SSCC (00)106141412345678908', () => {
    expect(parse(`]C100${SSCC}`)).toMatchObject({ sscc: SSCC, elements: [{ ai: '00', value: SSCC }] })
  })

  it('reads the Digital Link https://id.gs1.org/01/09521234543213/10/ABC123/21/12345?17=270630', () => {
    expect(parse(`https://id.gs1.org/01/${GTIN}/10/ABC123/21/12345?17=270630`)).toMatchObject({
      symbology: 'digital-link', gtin: GTIN, lot: 'ABC123', serial: '12345', expiry: '2027-06-30'
    })
  })
})

describe('parseGs1 recognises how the scanner announced the barcode', () => {
  it.each([
    [']C1', 'gs1-128'], [']d2', 'gs1-datamatrix'], [']Q3', 'gs1-qr'], [']e0', 'gs1-databar'], [']J1', 'gs1-dotcode']
  ])('reads %s as %s', (aim, symbology) => {
    expect(parse(`${aim}01${GTIN}`).symbology).toBe(symbology)
  })

  it.each([']C0', ']d1', ']Q1', ']E0'])('refuses plain %s data as not GS1', aim => {
    const err = refused(`${aim}01${GTIN}`)
    expect(err.code).toBe('BAD_SCAN')
    expect(err.message).toContain(`plain barcode (${aim})`)
  })

  it.each([']Q1', ']d1', ''])('reads a Digital Link sent as plain text with identifier "%s"', aim => {
    expect(parse(`${aim}https://id.gs1.org/01/${GTIN}/10/ABC123`)).toMatchObject({ symbology: 'digital-link', gtin: GTIN, lot: 'ABC123' })
  })

  it('reads an element string without identifier as unmarked when it is valid GS1', () => {
    expect(parse(`01${GTIN}3103001250`)).toMatchObject({ symbology: 'unmarked', gtin: GTIN })
  })

  it('refuses text without identifier that does not start with an AI', () => {
    expect(refused('LOT-2025-001').message).toMatch(/^Not GS1 data/)
  })

  it('warns that unmarked digits may not be GS1 at all when they do not validate', () => {
    expect(refused('12345678').message).toMatch(/\(12\) 345678 is not a real date .*may not be GS1 data/)
  })

  it('refuses an empty scan and a bare identifier', () => {
    expect(refused(' \r\n').message).toMatch(/^Empty scan/)
    expect(refused(']C1').message).toMatch(/^Empty scan/)
  })
})

describe('parseGs1 copes with GS separators as readers send them', () => {
  const expected = [{ ai: '01', value: GTIN }, { ai: '21', value: 'SN1' }, { ai: '10', value: 'ABC123' }]

  it('accepts a leading GS (FNC1 in first position sent as GS)', () => {
    expect(parse(`]d2${GS}01${GTIN}21SN1${GS}10ABC123`).elements).toEqual(expected)
  })

  it('accepts a missing final GS and a surplus GS after a predefined-length AI', () => {
    expect(parse(`]C101${GTIN}${GS}21SN1${GS}10ABC123${GS}`).elements).toEqual(expected)
  })

  it('refuses a lot that ran into the next AI because the GS after it was lost', () => {
    const err = refused(`]C110ABC12301${GTIN}`)
    expect(err.details).toEqual({ ai: '10' })
    expect(err.message).toContain('(10) must be at most 20 characters long, got 22')
    expect(err.message).toContain('GS separator after (10) is probably missing')
  })

  it('refuses a last lot that swallowed its GTIN, saying a GS may have been lost', () => {
    const err = refused(`]C110LOT101${GTIN}`)
    expect(err.message).toMatch(/^\(10\) BATCH\/LOT needs one of \(01\) GTIN, \(02\) CONTENT, .* or \(8026\) ITIP CONTENT alongside it; .*GS separator may have been lost/)
  })

  it('refuses a GTIN that is a digit short instead of reading the next AI from the wrong place', () => {
    const err = refused(`]C101${GTIN.slice(1)}${GS}10ABC`)
    expect(err.message).toMatch(/^\(01\) must be 14 digits long, got 13/)
  })
})

describe('parseGs1 reads the bracketed form a person types', () => {
  it('tolerates blanks around the data and around values', () => {
    expect(parse(`  (01) ${GTIN} (10)ABC123(17)270630 \n`)).toMatchObject({ symbology: 'bracketed', gtin: GTIN, lot: 'ABC123' })
  })

  it('reads "\\(" as a bracket inside a value and refuses a bare one', () => {
    expect(parse(`(01)${GTIN}(10)AB\\(1)`).lot).toBe('AB(1)')
    expect(refused(`(01)${GTIN}(10)AB(C)`).message).toContain('write a "(" inside a value as "\\("')
  })

  it('refuses an AI it does not know', () => {
    expect(refused(`(01)${GTIN}(23)123`).message).toBe('(23) is not a GS1 Application Identifier this station knows')
  })
})

describe('parseGs1 validates as the GS1 Barcode Syntax Dictionary does', () => {
  it('names the expected check digit of a GTIN, SSCC or GLN', () => {
    expect(refused(`]C101${GTIN.slice(0, 13)}4`).message).toBe('(01) check digit is wrong: expected 3, got 4')
    expect(refused(`]C100${SSCC.slice(0, 17)}0`).message).toBe('(00) check digit is wrong: expected 8, got 0')
    expect(refused(`]C101${GTIN}4109520123456789`).message).toBe('(410) check digit is wrong: expected 8, got 9')
    expect(parse(`]C101${GTIN}414${GLN}`).elements[1]).toEqual({ ai: '414', value: GLN })
  })

  it('refuses a date that does not exist', () => {
    const err = refused(`]C101${GTIN}17270231`)
    expect(err.message).toBe('(17) 270231 is not a real date')
    expect(err.details).toEqual({ ai: '17' })
    expect(refused(`]C101${GTIN}11271301`).message).toBe('(11) 271301 is not a real date')
  })

  it('reads day 00 as the last day of the month, leap years included', () => {
    expect(parse(`]C101${GTIN}15270200`).bestBefore).toBe('2027-02-28')
    expect(parse(`]C101${GTIN}15280200`).bestBefore).toBe('2028-02-29')
    expect(parse(`]C101${GTIN}16271200`).sellBy).toBe('2027-12-31')
  })

  it('refuses day 00 where the AI needs a real day, as (7006) does', () => {
    expect(refused(`]C101${GTIN}7006270600`).message).toBe('(7006) 270600 is not a real date')
  })

  it('places two-digit years in the window from 49 years back to 50 ahead', () => {
    expect(parseGs1(`]C101${GTIN}11750101`, { now }).productionDate).toBe('2075-01-01')
    expect(parseGs1(`]C101${GTIN}11760101`, { now }).productionDate).toBe('1976-01-01')
    const in2080 = new Date('2080-01-01T00:00:00Z')
    expect(parseGs1(`]C101${GTIN}11300101`, { now: in2080 }).productionDate).toBe('2130-01-01')
    expect(parseGs1(`]C101${GTIN}11310101`, { now: in2080 }).productionDate).toBe('2031-01-01')
  })

  it('reads every date AI as an ISO date', () => {
    expect(parse(`]C101${GTIN}11250115${'13250116'}${'15270630'}${'16270615'}${'17270701'}`)).toMatchObject({
      productionDate: '2025-01-15', packagingDate: '2025-01-16', bestBefore: '2027-06-30', sellBy: '2027-06-15', expiry: '2027-07-01'
    })
  })

  it('reads net weight with the number of decimals the AI gives', () => {
    expect(parse(`]C101${GTIN}3103001250`).netWeight).toEqual({ value: 1.25, unit: 'kg' })
    expect(parse(`]C101${GTIN}3100000012`).netWeight).toEqual({ value: 12, unit: 'kg' })
    expect(parse(`]C101${GTIN}3202012345`).netWeight).toEqual({ value: 123.45, unit: 'lb' })
    expect(parse(`]C101${GTIN}3105123456`).netWeight).toEqual({ value: 1.23456, unit: 'kg' })
  })

  it('refuses a weight given twice with different decimals', () => {
    expect(refused(`]C101${GTIN}31020012503103001250`).message).toBe('(3102) NET WEIGHT (kg) and (3103) NET WEIGHT (kg) cannot be used together')
  })

  it('refuses wrong lengths and characters, naming the character', () => {
    expect(refused(`]C101${GTIN}10ABCDEFGHIJKLMNOPQRSTU`).message).toMatch(/^\(10\) must be at most 20 characters long, got 21/)
    expect(refused(`(01)${GTIN}(10)AB C`).message).toBe('(10) contains a space, which is not allowed here (letters, digits and !"%&\'()*+,-./:;<=>?_ only)')
    expect(refused(`(01)${GTIN}(10)ABÉ`).message).toContain('(10) contains "É"')
    expect(refused(`(01)0952123454321A`).message).toBe('(01) contains "A", which is not allowed here (digits only)')
    expect(refused(`]C101${GTIN}10${GS}17270630`).message).toBe('(10) BATCH/LOT is empty')
  })

  it('checks country codes against ISO 3166', () => {
    expect(parse(`]C101${GTIN}422756`).elements[1]).toEqual({ ai: '422', value: '756' })
    expect(refused(`]C101${GTIN}422999`).message).toBe('(422) 999 is not an ISO 3166 country code')
  })

  it('checks piece-of-total in (8026) and accepts it as pallet content with (37) and (00)', () => {
    expect(parse(`]C100${SSCC}8026${GTIN}0102${GS}3710`).count).toBe(10)
    expect(refused(`]C100${SSCC}8026${GTIN}0302${GS}3710`).message).toBe('(8026) piece 03 of 02 is not possible')
  })

  it('refuses input longer than any GS1 barcode holds', () => {
    expect(refused(`]C110${'A'.repeat(8000)}`).message).toMatch(/^Not GS1 data: 8005 characters is more than any GS1 barcode holds$/)
  })

  it('checks times inside date-time AIs', () => {
    expect(parse(`]C101${GTIN}70032706301430`).elements[1]).toEqual({ ai: '7003', value: '2706301430' })
    expect(refused(`]C101${GTIN}70032706302460`).message).toBe('(7003) 2460 is not a real time')
    expect(refused(`]C101${GTIN}8008270630253`).message).toMatch(/^\(8008\) must be 8, 10 or 12 digits long, got 9/)
  })
})

describe('parseGs1 applies GS1 pairing rules', () => {
  it.each([
    [`]C110ABC123`, /^\(10\) BATCH\/LOT needs one of \(01\) GTIN/],
    [`]C101${GTIN}3712`, /^\(01\) GTIN and \(37\) COUNT cannot be used together$/],
    [`]C102${GTIN}10ABC`, /^\(02\) CONTENT needs \(37\) COUNT alongside it$/],
    [`]C100${SSCC}02${GTIN}02${GTIN}`, /^\(02\) CONTENT needs \(37\) COUNT/],
    [`]C102${GTIN}3712`, /^\(37\) COUNT needs \(00\) SSCC alongside it$/],
    [`]C101${GTIN}02${GTIN}`, /^\(02\) CONTENT and \(01\) GTIN cannot be used together$/],
    [`]C121SN1`, /^\(21\) SERIAL needs one of \(01\) GTIN, \(03\) MTO GTIN or \(8006\) ITIP alongside it$/],
    [`]C117270630`, /^\(17\) USE BY or EXPIRY needs one of \(01\) GTIN/],
    [`]C1400PO1${GS}403R1`, /^\(403\) ROUTE needs \(00\) SSCC alongside it$/]
  ])('refuses %j', (raw, message) => {
    expect(refused(raw).message).toMatch(message)
  })

  it('accepts a whole logistic label: SSCC, content GTIN, count, lot', () => {
    expect(parse(`]C100${SSCC}02${GTIN}3712${GS}10ABC123${GS}400PO-77`)).toMatchObject({
      sscc: SSCC, contentGtin: GTIN, count: 12, lot: 'ABC123', customerPo: 'PO-77'
    })
  })

  it('reads one barcode of a multi-barcode label when told to, and checks the label as a whole later', () => {
    const content = parseGs1(fixture('gs1-128-pallet-content.txt'), { now, requisites: false })
    expect(content).toMatchObject({ contentGtin: GTIN, count: 12, lot: 'ABC123' })
    expect(refusal(() => validateGs1(content.elements, { now })).message).toMatch(/^\(37\) COUNT needs \(00\) SSCC/)
    const sscc = parse(fixture('gs1-128-pallet-sscc.txt'))
    expect(() => validateGs1([...sscc.elements, ...content.elements], { now })).not.toThrow()
  })

  it('still refuses invalid pairs when mandatory associations are off', () => {
    expect(refused(`]C101${GTIN}3712`, false).message).toMatch(/cannot be used together/)
  })

  it('accepts an AI repeated with the same value and keeps it once', () => {
    expect(parse(`]C101${GTIN}10ABC${GS}01${GTIN}10ABC`).elements).toEqual([{ ai: '01', value: GTIN }, { ai: '10', value: 'ABC' }])
  })

  it('refuses an AI repeated with another value', () => {
    const err = refused(`]C101${GTIN}10ABC${GS}10ABD`)
    expect(err.message).toBe('(10) appears twice with different values: "ABC" and "ABD"')
    expect(err.details).toEqual({ ai: '10' })
  })
})

describe('parseGs1 reads GS1 Digital Link URIs', () => {
  it('decodes percent-encoded values and ignores non-GS1 parameters and fragments', () => {
    expect(parse(`https://example.com/01/${GTIN}/10/AB%2F%281%29?3103=001250&linkType=gs1:pip#top`)).toMatchObject({
      lot: 'AB/(1)', netWeight: { value: 1.25, unit: 'kg' }
    })
  })

  it('skips the path prefix of a company resolver and pads a GTIN-13', () => {
    expect(parse('HTTPS://brand.example/products/01/9521234543213/10/L1').elements).toEqual([{ ai: '01', value: GTIN }, { ai: '10', value: 'L1' }])
  })

  it('reads an SSCC Digital Link with its attributes', () => {
    expect(parse(`https://id.gs1.org/00/${SSCC}?02=${GTIN}&37=40&10=ABC`)).toMatchObject({ sscc: SSCC, contentGtin: GTIN, count: 40, lot: 'ABC' })
  })

  it.each([
    [`https://id.gs1.org/01/${GTIN}/21/S1/10/L1`, 'Digital Link path after (01) may only hold /22/ /10/ /21/ in that order (or /235/), got /21/ /10/'],
    [`https://id.gs1.org/01/${GTIN}?21=S1`, '(21) belongs in the Digital Link path after its primary key, not in the query'],
    [`https://id.gs1.org/01/${GTIN}?01=${GTIN}`, '(01) is a primary key and cannot be a Digital Link query attribute'],
    [`https://id.gs1.org/01/${GTIN}?9999=1`, '(9999) is not a GS1 Application Identifier this station knows'],
    [`https://id.gs1.org/01/${GTIN}/10/L%E0`, '(10) in the Digital Link has broken percent-encoding: "L%E0"'],
    ['https://id.gs1.org/gtin/09521234543213', 'Not a GS1 Digital Link: the address has no GS1 primary key in its path, such as /01/{GTIN} or /00/{SSCC}'],
    [`https://id.gs1.org/01/${GTIN}/10/A%20B`, '(10) contains a space, which is not allowed here (letters, digits and !"%&\'()*+,-./:;<=>?_ only)']
  ])('refuses %s', (uri, message) => {
    expect(refused(uri).message).toBe(message)
  })
})

describe('writers', () => {
  const caseLabel: Gs1Element[] = [
    { ai: '01', value: GTIN }, { ai: '3103', value: '001250' }, { ai: '10', value: 'A(B)/1' }, { ai: '21', value: 'SN1' }, { ai: '17', value: '270630' }
  ]

  it('writes the bracketed form, escaping "(" in values', () => {
    expect(toBracketed(caseLabel)).toBe(`(01)${GTIN}(3103)001250(10)A\\(B)/1(21)SN1(17)270630`)
  })

  it('writes GS only after variable-length values that are not last', () => {
    expect(toElementString(caseLabel)).toBe(`01${GTIN}310300125010A(B)/1${GS}21SN1${GS}17270630`)
    expect(toElementString([{ ai: '01', value: GTIN }, { ai: '10', value: 'L1' }])).toBe(`01${GTIN}10L1`)
  })

  it('writes a Digital Link with qualifiers in the path in the standard order and the rest in the query', () => {
    expect(toDigitalLink(caseLabel)).toBe(`https://id.gs1.org/01/${GTIN}/10/A%28B%29%2F1/21/SN1?3103=001250&17=270630`)
    expect(toDigitalLink([{ ai: '00', value: SSCC }], 'https://scan.example.com/')).toBe(`https://scan.example.com/00/${SSCC}`)
  })

  it('refuses to write a Digital Link without a primary key or with two', () => {
    expect(refusal(() => toDigitalLink([{ ai: '02', value: GTIN }, { ai: '37', value: '4' }])).code).toBe('INVALID')
    expect(refusal(() => toDigitalLink([{ ai: '01', value: GTIN }, { ai: '00', value: SSCC }])).message).toBe('(00) cannot be carried in a GS1 Digital Link whose primary key is (01)')
    expect(() => toDigitalLink(caseLabel, 'id.gs1.org')).toThrow(TypeError)
  })

  const lists: Gs1Element[][] = [
    caseLabel,
    [{ ai: '00', value: SSCC }, { ai: '02', value: GTIN }, { ai: '37', value: '40' }, { ai: '10', value: 'LOT-7' }, { ai: '15', value: '270600' }, { ai: '400', value: 'PO%1' }],
    [{ ai: '01', value: GTIN }, { ai: '22', value: '2A' }, { ai: '10', value: 'x' }, { ai: '3202', value: '012345' }, { ai: '422', value: '840' }, { ai: '410', value: GLN }],
    [{ ai: '414', value: GLN }, { ai: '254', value: 'DOCK-3' }]
  ]

  it.each(lists.map(l => [toBracketed(l), l] as const))('reads back what it wrote for %s', (_, elements) => {
    expect(parse(']C1' + toElementString(elements)).elements).toEqual(elements)
    expect(parse(toBracketed(elements)).elements).toEqual(elements)
    const byAi = (els: Gs1Element[]) => [...els].sort((a, b) => a.ai.localeCompare(b.ai))
    expect(byAi(parse(toDigitalLink(elements)).elements)).toEqual(byAi(elements))
  })

  it('validateGs1 accepts what a label would print and refuses the same problems as a scan', () => {
    for (const l of lists) expect(() => validateGs1(l, { now })).not.toThrow()
    expect(refusal(() => validateGs1([{ ai: '01', value: '09521234543214' }])).message).toBe('(01) check digit is wrong: expected 3, got 4')
    expect(refusal(() => validateGs1([])).code).toBe('BAD_SCAN')
    expect(refusal(() => validateGs1([{ ai: 'x1', value: '1' }])).message).toBe('"x1" is not a GS1 Application Identifier')
  })
})

describe('check digits and titles', () => {
  it('computes the mod-10 check digit of any GS1 key length', () => {
    expect(gs1CheckDigit(GTIN.slice(0, -1))).toBe('3')
    expect(gs1CheckDigit(SSCC.slice(0, -1))).toBe('8')
    expect(gs1CheckDigit(GLN.slice(0, -1))).toBe('8')
    expect(gs1CheckDigit('9521234500000000')).toBe('1')
    expect(gs1CheckDigit('9638507')).toBe('4') // GTIN-8 96385074
  })

  it('refuses to compute a check digit over non-digits', () => {
    expect(refusal(() => gs1CheckDigit('12A')).code).toBe('INVALID')
  })

  it('verifies keys of any length', () => {
    expect([GTIN, SSCC, GLN, '96385074', '95212345000000001'].every(isValidGs1Key)).toBe(true)
    expect(['09521234543214', '1', '', '0952123454321X'].some(isValidGs1Key)).toBe(false)
  })

  it('gives GS1 data titles', () => {
    expect(aiTitle('10')).toBe('BATCH/LOT')
    expect(aiTitle('3103')).toBe('NET WEIGHT (kg)')
    expect(aiTitle('95')).toBe('INTERNAL')
    expect(aiTitle('23')).toBeUndefined()
  })
})

describe('raw scanner captures', () => {
  it('reads a case label with its CR LF terminator', () => {
    expect(parse(fixture('gs1-128-case-label.txt'))).toMatchObject({
      symbology: 'gs1-128', gtin: GTIN, netWeight: { value: 1.25, unit: 'kg' }, bestBefore: '2027-06-30', lot: 'ABC123'
    })
  })

  it('reads a DataMatrix from a reader that sends a leading GS', () => {
    expect(parse(fixture('datamatrix-leading-gs.txt'))).toMatchObject({ symbology: 'gs1-datamatrix', serial: 'SN0001', expiry: '2027-06-30' })
  })

  it('reads a Digital Link from a plain QR Code', () => {
    expect(parse(fixture('qr-digital-link.txt'))).toMatchObject({ symbology: 'digital-link', lot: 'ABC123', expiry: '2027-06-30' })
  })

  it('refuses a keyboard-wedge scan whose lot swallowed the GTIN', () => {
    expect(refused(fixture('wedge-lost-gs.txt')).details).toEqual({ ai: '10' })
  })
})

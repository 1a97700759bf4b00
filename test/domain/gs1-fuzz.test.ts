import { describe, expect, it } from 'vitest'
import { DomainError } from '../../server/domain/errors.ts'
import { parseGs1, toBracketed, toElementString, validateGs1, type Gs1Scan } from '../../server/domain/gs1.ts'

const GS = '\x1d'
const now = new Date('2025-06-01T00:00:00Z')

const VALID_SCANS = [
  `]C10109521234543213310300125015270600${'10ABC123'}`,
  `]C100106141412345678908020952123454321337${'12'}${GS}10LOT-7${GS}400PO1`,
  `]d2${GS}010952123454321321SN0001${GS}17270600`,
  '(01)09521234543213(10)ABC123(17)270630',
  ']Q1https://id.gs1.org/01/09521234543213/10/ABC123?17=270630',
  `]C10109521234543213414952012345678810L1${GS}422756`
]

/** mulberry32: tiny seeded PRNG, so every run tries the same inputs and a failure can be replayed. */
function prng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Outcome = { scan: Gs1Scan } | { error: DomainError }

/** Runs parseGs1 and fails the test on anything but a result or a DomainError('BAD_SCAN') with a message. */
function attempt (raw: string): Outcome {
  try {
    return { scan: parseGs1(raw, { now }) }
  } catch (err) {
    if (!(err instanceof DomainError)) throw new Error(`${JSON.stringify(raw)} threw ${String(err)}`, { cause: err })
    expect(err.code, JSON.stringify(raw)).toBe('BAD_SCAN')
    expect(err.message.length, JSON.stringify(raw)).toBeGreaterThan(0)
    return { error: err }
  }
}

/** What parseGs1 returns must be valid on its own and survive writing and reading back. */
function expectSelfConsistent (raw: string, scan: Gs1Scan): void {
  expect(() => validateGs1(scan.elements, { now }), JSON.stringify(raw)).not.toThrow()
  expect(parseGs1(']C1' + toElementString(scan.elements), { now }).elements, JSON.stringify(raw)).toEqual(scan.elements)
  expect(parseGs1(toBracketed(scan.elements), { now }).elements, JSON.stringify(raw)).toEqual(scan.elements)
}

const REPLACEMENTS = [...'0123456789', 'A', 'z', GS, '(', ')', '/', '%', ' ', '?', '=']

/** Each deletion and substitution, with the index it changed. */
function oneCharMutations (raw: string): Array<[number, string]> {
  const out = new Map<string, number>()
  for (let i = 0; i < raw.length; i++) {
    out.set(raw.slice(0, i) + raw.slice(i + 1), i)
    for (const c of REPLACEMENTS) out.set(raw.slice(0, i) + c + raw.slice(i + 1), i)
  }
  out.delete(raw)
  return [...out].map(([mutated, i]) => [i, mutated])
}

/**
 * Where the GS1 data starts: before it are the AIM identifier, a leading GS, or a Digital Link's
 * scheme and host, which may change without changing the data (https → http, another resolver).
 */
function dataStart (raw: string): number {
  if (raw.includes('://')) return raw.indexOf('/01/')
  if (raw.startsWith(']')) return raw[3] === GS ? 4 : 3
  return 0
}

describe('parseGs1 under damaged and random input', () => {
  it.each(VALID_SCANS)('refuses or reads differently every one-character change of %j', raw => {
    const original = parseGs1(raw, { now })
    let refusedCount = 0
    for (const [index, mutated] of oneCharMutations(raw)) {
      const outcome = attempt(mutated)
      if ('error' in outcome) {
        refusedCount++
        // A refusal names the AI at fault, or says why the whole scan is not GS1 data.
        expect(outcome.error.message, JSON.stringify(mutated)).toMatch(/\(\d{2,4}\)|is not a GS1 Application Identifier|^(Not GS1 data|Not a GS1 Digital Link|Empty scan|GS1 data|Bracketed GS1 data)/)
      } else {
        const { scan } = outcome
        // Same data is fine only from a change outside the data (another AIM id, resolver host or scheme),
        // or a Digital Link GTIN losing its leading zero: GTIN-13 9521234543213 is the same GTIN.
        const samePadding = mutated.replace('/01/9521234543213', '/01/09521234543213') === raw
        if (index >= dataStart(raw) && !samePadding) expect(scan.elements, JSON.stringify(mutated)).not.toEqual(original.elements)
        expectSelfConsistent(mutated, scan)
      }
    }
    expect(refusedCount).toBeGreaterThan(0)
  })

  it('catches every one-digit change inside a GTIN, SSCC or GLN', () => {
    const raw = `]C100106141412345678908${'01'}09521234543213${'414'}9520123456788`
    const keyDigits = [[5, 23], [25, 39], [42, 55]] as const
    for (const [from, to] of keyDigits) {
      for (let i = from; i < to; i++) {
        for (const d of '0123456789') {
          if (raw[i] === d) continue
          const outcome = attempt(raw.slice(0, i) + d + raw.slice(i + 1))
          expect('error' in outcome && /check digit is wrong/.test(outcome.error.message), `digit ${i} → ${d}`).toBe(true)
        }
      }
    }
  })

  it('lets only DomainError(BAD_SCAN) escape from 20,000 seeded random and mutated inputs', () => {
    const random = prng(0x51ced)
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
    const ALPHABET = [...'0123456789', ...'0123456789', ...'0123456789', ...'ABCxyz-./%()?=&#:\\ ', GS, '\r', '\n', '\u00e9', '\u0000', '\ud800', ']']
    const PREFIXES = ['', ']C1', ']d2', ']Q1', ']Q3', ']C0', ']e0', ']J1', GS, '(', 'https://id.gs1.org/', 'http://x/01/', ']Q1https://a.b/00/']
    const AIS = ['00', '01', '02', '10', '11', '15', '17', '21', '37', '3103', '3202', '400', '410', '414', '422', '7003', '8008', '90', '99', '23', '3106']
    let parsed = 0
    for (let n = 0; n < 20_000; n++) {
      let raw: string
      const kind = n % 4
      if (kind === 0) {
        raw = pick(PREFIXES) + Array.from({ length: Math.floor(random() * 40) }, () => pick(ALPHABET)).join('')
      } else if (kind === 1) {
        // Plausible element strings: real AIs with random values, sometimes with separators.
        raw = pick(PREFIXES.slice(0, 8)) + Array.from({ length: 1 + Math.floor(random() * 5) }, () =>
          pick(AIS) + Array.from({ length: Math.floor(random() * 20) }, () => pick(ALPHABET.slice(0, 40))).join('') + (random() < 0.5 ? GS : '')).join('')
      } else {
        raw = pick(VALID_SCANS)
        for (let m = 1 + Math.floor(random() * 3); m > 0; m--) {
          const i = Math.floor(random() * (raw.length + 1))
          const op = random()
          raw = op < 0.33 ? raw.slice(0, i) + raw.slice(i + 1) : op < 0.66 ? raw.slice(0, i) + pick(ALPHABET) + raw.slice(i + 1) : raw.slice(0, i) + pick(ALPHABET) + raw.slice(i)
        }
      }
      const outcome = attempt(raw)
      if ('scan' in outcome) {
        parsed++
        expectSelfConsistent(raw, outcome.scan)
      }
    }
    // The generator must reach the success path too, or the round-trip checks above test nothing.
    expect(parsed).toBeGreaterThan(500)
  })
})

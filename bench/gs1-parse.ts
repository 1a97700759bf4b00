/**
 * Parse throughput of parseGs1 on the forms a line sees. Prints figures, asserts nothing.
 * Run: npx tsx bench/gs1-parse.ts [rounds] [scansPerRound]
 * A line scans about once a second, so anything above a few thousand scans/s is headroom; the
 * figure matters for bulk imports of scan logs and for spotting a regression (a backtracking regex).
 */
import { performance } from 'node:perf_hooks'
import { DomainError } from '../server/domain/errors.ts'
import { parseGs1 } from '../server/domain/gs1.ts'

const GS = '\x1d'
const FORMS: Record<string, string> = {
  'gs1-128 case label': ']C1010952123454321331030012501527060010ABC123',
  'gs1-128 pallet label': `]C100106141412345678908020952123454321337${'12'}${GS}10LOT-7${GS}400PO1`,
  'datamatrix + serial': `]d2${GS}010952123454321321SN0001${GS}17270600`,
  'digital link (qr)': ']Q1https://id.gs1.org/01/09521234543213/10/ABC123/21/S1?17=270630&3103=001250',
  'bracketed (typed)': '  (01)09521234543213(10)ABC123(17)270630 ',
  'refused: lost GS': ']C110ABC1230109521234543213'
}

const rounds = Number(process.argv[2] ?? 20)
const perRound = Number(process.argv[3] ?? 20_000)
const now = new Date('2025-06-01T00:00:00Z')

function parseOnce (raw: string): void {
  try {
    parseGs1(raw, { now })
  } catch (err) {
    if (!(err instanceof DomainError)) throw err
  }
}

/** Scans per second of each round, sorted ascending. */
function measure (scans: readonly string[]): number[] {
  const rates: number[] = []
  for (let r = -2; r < rounds; r++) { // two warm-up rounds let the JIT settle; not recorded
    const start = performance.now()
    for (let i = 0; i < perRound; i++) parseOnce(scans[i % scans.length]!)
    const ms = performance.now() - start
    if (r >= 0) rates.push(perRound / (ms / 1000))
  }
  return rates.sort((a, b) => a - b)
}

const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US').padStart(10)

console.log(`parseGs1 throughput: ${rounds} rounds × ${perRound.toLocaleString('en-US')} scans, node ${process.version}`)
console.log(`${'form'.padEnd(24)} ${'median/s'.padStart(10)} ${'p95/s'.padStart(10)} ${'µs/scan'.padStart(8)}`)
const rows: Array<[string, readonly string[]]> = [...Object.entries(FORMS).map(([name, raw]) => [name, [raw]] as [string, string[]]), ['all forms mixed', Object.values(FORMS)]]
for (const [name, scans] of rows) {
  const rates = measure(scans)
  const median = quantile(rates, 0.5)
  // p95 of round time: the rate that 95% of rounds reached or beat.
  const p95 = quantile(rates, 0.05)
  console.log(`${name.padEnd(24)} ${fmt(median)} ${fmt(p95)} ${(1e6 / median).toFixed(2).padStart(8)}`)
}

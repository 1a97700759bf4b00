import { describe, expect, test } from 'vitest'
import { randomRanges } from '../../bench/recall-export.ts'
import { formatTable, score, type BenchFigure } from '../../bench/report.ts'
import { summarize } from '../../bench/stats.ts'

/** The bench's report holds figures to their goals; a lost scan fails its line whatever the times say. */
describe('the benchmark report', () => {
  const fast = summarize([1, 2, 3])
  test('scores p95, ratio, rate floors and checks', () => {
    const figures: BenchFigure[] = [
      { id: 'floor', label: 'floor', unit: 'ms', summary: summarize([1, 1, 1]) },
      { id: 'ok', label: 'ok', unit: 'req/s', summary: fast, rate: 20, lowerBound: 'floor', goal: { minRate: 19.5, ratio: 2.5 }, check: { ok: true, text: 'sent 3, recorded 3' } },
      { id: 'slow', label: 'slow', unit: 'req/s', summary: fast, rate: 12, goal: { minRate: 19.5 } },
      { id: 'lost', label: 'lost', unit: 'req/s', summary: fast, rate: 20, goal: { minRate: 19.5 }, check: { ok: false, text: 'MISS 1 LOST' } },
      { id: 'p95', label: 'p95', unit: 'ms', summary: fast, goal: { p95Ms: 3 } }
    ]
    const scored = score(figures)
    expect(scored.map(f => f.result)).toEqual([null, 'pass', 'MISS', 'MISS', 'MISS'])
    expect(scored[1]!.ratio).toBe(2)  // a rate figure against a latency floor compares medians
    const table = formatTable(scored)
    expect(table).toContain('>=19.5/s')
    expect(table).toContain('MISS 1 LOST')
    expect(table).toContain('1.00 ms')
  })

  test('picks 30-day windows inside the history', () => {
    let x = 0
    const rnd = () => { x = (x + 0.37) % 1; return x }
    for (const r of randomRanges('2021-01-04', '2026-01-03', 20, rnd)) {
      expect(r.from >= '2021-01-04' && r.to <= '2026-01-03').toBe(true)
      expect((Date.parse(r.to) - Date.parse(r.from)) / 86_400_000).toBe(29)
    }
  })
})

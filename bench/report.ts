import { mkdirSync, writeFileSync } from 'node:fs'
import type { Figure } from './measures.ts'

/**
 * A line of the report: measures.ts's Figure, plus a floor on throughput (`minRate`, in the
 * figure's req/s or scans/s) and a fact that is not a time (no scan lost), which fails the line.
 */
export interface BenchFigure extends Omit<Figure, 'goal'> {
  goal?: Figure['goal'] & { minRate?: number }
  check?: { ok: boolean, text: string }
}

export interface ScoredFigure extends BenchFigure {
  /** median / lower bound's median; for throughput, lower bound's rate / rate. Above 1 is overhead. */
  ratio: number | null
  /** The same against the bare recursive walk. */
  walkRatio: number | null
  /** The same against the layer just below. */
  stepRatio: number | null
  result: 'pass' | 'MISS' | null
}

function ratioTo (f: BenchFigure, other: BenchFigure | undefined): number | null {
  if (!other) return null
  if (f.rate !== undefined && other.rate !== undefined) return other.rate / f.rate
  return f.summary.median / other.summary.median
}

export function score (figures: readonly BenchFigure[]): ScoredFigure[] {
  const byId = new Map(figures.map(f => [f.id, f]))
  return figures.map(f => {
    const ratio = ratioTo(f, f.lowerBound ? byId.get(f.lowerBound) : undefined)
    const walkRatio = ratioTo(f, f.walk ? byId.get(f.walk) : undefined)
    const stepRatio = ratioTo(f, f.step ? byId.get(f.step) : undefined)
    let result: ScoredFigure['result'] = null
    if (f.goal || f.check) {
      const p95Ok = f.goal?.p95Ms === undefined || f.summary.p95 < f.goal.p95Ms
      const ratioOk = f.goal?.ratio === undefined || (ratio !== null && ratio <= f.goal.ratio)
      const rateOk = f.goal?.minRate === undefined || (f.rate !== undefined && f.rate >= f.goal.minRate)
      result = p95Ok && ratioOk && rateOk && (f.check?.ok ?? true) ? 'pass' : 'MISS'
    }
    return { ...f, ratio, walkRatio, stepRatio, result }
  })
}

const ms = (x: number) => Number.isNaN(x) ? '-' : x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : Math.round(x).toLocaleString('en-US')
const times = (x: number | null) => x === null ? '' : `${x < 10 ? x.toFixed(2) : x.toFixed(0)}x`
const size = (b: number | undefined) => b === undefined ? '' : b < 10_000 ? `${b} B` : b < 10_000_000 ? `${Math.round(b / 1024)} kB` : `${(b / 1048576).toFixed(1)} MB`
const goalText = (f: BenchFigure) => !f.goal ? '' : [f.goal.p95Ms === undefined ? '' : `p95<${f.goal.p95Ms}ms`, f.goal.ratio === undefined ? '' : `<=${f.goal.ratio}xLB`, f.goal.minRate === undefined ? '' : `>=${f.goal.minRate}/s`].filter(Boolean).join(' ')

/** The table printed on stdout: times in ms, throughput in req/s (scans/s), ratios against the lower bound, then any check. */
export function formatTable (figures: readonly ScoredFigure[]): string {
  const byId = new Map(figures.map(f => [f.id, f]))
  const head = ['figure', 'n', 'median ms', 'p95 ms', 'req/s', 'lower bound', 'xLB', 'xwalk', 'xstep', 'goal', 'result', 'size', 'check']
  const rows = figures.map(f => {
    const lb = f.lowerBound ? byId.get(f.lowerBound) : undefined
    const lbText = !lb ? '' : f.rate !== undefined && lb.rate !== undefined ? `${Math.round(lb.rate)} req/s` : `${ms(lb.summary.median)} ms`
    return [f.label, String(f.summary.n), ms(f.summary.median), ms(f.summary.p95), f.rate === undefined ? '' : f.rate.toFixed(1), lbText,
      times(f.ratio), times(f.walkRatio), times(f.stepRatio), goalText(f), f.result ?? '', size(f.bytes), f.check?.text ?? '']
  })
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map(r => r[i]!.length)))
  const line = (cells: string[]) => cells.map((c, i) => i === 0 || i === 9 ? c.padEnd(widths[i]!) : i === 12 ? c : c.padStart(widths[i]!)).join('  ').trimEnd()
  return [line(head), widths.map(w => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

/** Writes `bench/.results/latest.json` and a copy named after the run, returns the paths. */
export function writeResults (dir: string, name: string, data: unknown): string[] {
  mkdirSync(dir, { recursive: true })
  const text = JSON.stringify(data, null, 2) + '\n'
  const paths = [`${dir}/latest.json`, `${dir}/${name}.json`]
  for (const p of paths) writeFileSync(p, text)
  return paths
}

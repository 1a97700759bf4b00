import { performance } from 'node:perf_hooks'

/** Latencies in ms (or rates in req/s): the machine is shared and noisy, so medians and p95, never means alone. */
export interface Summary { n: number, median: number, p95: number, min: number, max: number }

/** Nearest-rank quantile of an ascending array. */
export const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN

export function summarize (xs: readonly number[]): Summary {
  const s = [...xs].sort((a, b) => a - b)
  return { n: s.length, median: quantile(s, 0.5), p95: quantile(s, 0.95), min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN }
}

/** Wall time of one call, in ms. */
export async function timeMs (fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now()
  await fn()
  return performance.now() - t0
}

/** Picks `n` items (with repeats when `n` exceeds the list) with a seeded random source. */
export function sampleOf<T> (items: readonly T[], n: number, rnd: () => number): T[] {
  if (items.length === 0) return []
  return Array.from({ length: n }, () => items[Math.floor(rnd() * items.length)]!)
}

/** RSS and V8 heap in MB. */
export function memoryMb (): { rss: number, heapUsed: number, heapTotal: number, external: number } {
  const m = process.memoryUsage()
  const mb = (b: number) => Math.round(b / 1048576)
  return { rss: mb(m.rss), heapUsed: mb(m.heapUsed), heapTotal: mb(m.heapTotal), external: mb(m.external) }
}

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

/**
 * Runs every layer on every item, rotating which layer goes first (the first to touch a lot's
 * pages pays SQLite's cache misses, and a fixed order would always bill the same layer); the
 * first `warmup` items are run and not recorded. A layer may resolve to a response size in bytes.
 * With `tolerate`, a layer that throws is recorded as an error (with `name` of the item) and its
 * time is left out, so one broken case does not stop the bench; otherwise the error propagates.
 * (measures.ts keeps its own copy for the trace figures.)
 */
export async function interleave<T> (items: readonly T[], layers: Record<string, (item: T) => Promise<number | void>>, warmup = 3,
  { tolerate = false, name = String }: { tolerate?: boolean, name?: (item: T) => string } = {}): Promise<Record<string, { ms: number[], bytes: number[], errors: string[] }>> {
  const names = Object.keys(layers)
  const out = Object.fromEntries(names.map(n => [n, { ms: [] as number[], bytes: [] as number[], errors: [] as string[] }]))
  const warm = Math.min(warmup, items.length)
  for (const [i, item] of [...items.slice(0, warm), ...items].entries()) {
    for (let k = 0; k < names.length; k++) {
      const layer = names[(i + k) % names.length]!
      let bytes: number | void = undefined
      let error: string | null = null
      const ms = await timeMs(async () => {
        try {
          bytes = await layers[layer]!(item)
        } catch (e) {
          if (!tolerate) throw e
          error = `${name(item)}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`.slice(0, 200)
        }
      })
      if (i < warm && error === null) continue
      if (error !== null) { out[layer]!.errors.push(error); continue }
      out[layer]!.ms.push(ms)
      if (typeof bytes === 'number') out[layer]!.bytes.push(bytes)
    }
  }
  return out
}

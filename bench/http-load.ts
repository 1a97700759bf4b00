import { performance } from 'node:perf_hooks'
import { isMainThread, parentPort, workerData } from 'node:worker_threads'
import type { AuthedContext } from './auth.ts'
import type { Figure, SampleLot } from './measures.ts'
import { summarize } from './stats.ts'
import { runWorker } from './worker.ts'

/**
 * HTTP throughput of the trace route under concurrent clients. The clients run in a worker
 * thread, so the server's event loop (the main thread) is not also busy sending and parsing;
 * every request goes to 127.0.0.1 and the total is fixed, so the load is bounded. Each request
 * carries the run's API token, so each pays the token lookup as in production.
 */

interface LoadJob { kind: 'http-load', baseUrl: string, paths: string[], concurrency: number, headers: Record<string, string> }
interface LoadOutcome { seconds: number, latencies: number[], errors: number, bytes: number }

async function run (job: LoadJob): Promise<LoadOutcome> {
  let next = 0; let errors = 0; let bytes = 0
  const latencies: number[] = []
  const client = async () => {
    while (next < job.paths.length) {
      const path = job.paths[next++]!
      const t0 = performance.now()
      try {
        const res = await fetch(job.baseUrl + path, { headers: job.headers })
        bytes += (await res.arrayBuffer()).byteLength
        if (res.status !== 200) errors++
      } catch {
        errors++
      }
      latencies.push(performance.now() - t0)
    }
  }
  const t0 = performance.now()
  await Promise.all(Array.from({ length: job.concurrency }, client))
  return { seconds: (performance.now() - t0) / 1000, latencies, errors, bytes }
}

if (!isMainThread && (workerData as LoadJob | undefined)?.kind === 'http-load') {
  void run(workerData as LoadJob).then(r => parentPort!.postMessage(r))
}

/**
 * `total` trace requests (direction both, the route's default: a supervisor opening a lot) at each
 * concurrency. Lower bound: the same traces run one after another through the domain, without
 * HTTP; a single Node process runs one trace at a time (libSQL's local calls are synchronous),
 * so concurrency can only add HTTP and scheduling costs on top of that capacity.
 */
export async function throughputFigures (ctx: AuthedContext, lots: readonly SampleLot[], concurrencies: number[], total: number): Promise<Figure[]> {
  const paths = Array.from({ length: total }, (_, i) => `/api/v1/trace/${encodeURIComponent(lots[i % lots.length]!.code)}`)
  const serial: number[] = []
  for (const lot of lots.slice(0, Math.min(total, 200))) {
    const t0 = performance.now()
    await ctx.app.lineage.trace(lot.code, 'both')
    serial.push(performance.now() - t0)
  }
  const serialRate = serial.length / (serial.reduce((a, b) => a + b, 0) / 1000)
  const figures: Figure[] = [{ id: 'load.serial', label: 'trace both: domain, one at a time (capacity)', unit: 'req/s', summary: summarize(serial), rate: serialRate }]
  for (const concurrency of concurrencies) {
    const r = await runWorker<LoadOutcome>(import.meta.url, { kind: 'http-load', baseUrl: ctx.baseUrl, paths, concurrency, headers: ctx.headers } satisfies LoadJob)
    if (r.errors > 0) throw new Error(`load test at ${concurrency} clients: ${r.errors} of ${total} requests failed`)
    figures.push({
      id: `load.c${concurrency}`, label: `trace both: HTTP, ${concurrency} clients`, unit: 'req/s', summary: summarize(r.latencies),
      rate: total / r.seconds, lowerBound: 'load.serial', goal: { ratio: 1.5 }, bytes: Math.round(r.bytes / total)
    })
  }
  return figures
}

import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { isMainThread, parentPort, workerData } from 'node:worker_threads'
import { listBalances } from '../db/records.ts'
import type { StationDef } from '../server/domain/stations.ts'
import type { AuthedContext } from './auth.ts'
import type { SampleLot } from './measures.ts'
import type { BenchFigure } from './report.ts'
import { summarize, timeMs } from './stats.ts'
import { runWorker } from './worker.ts'

/**
 * Shipping docks loading a truck at 20 case scans a second each (a conveyor scanner), posted to
 * the station scan route (POST /api/v1/stations/:code/scans, the keyboard-wedge path, through the
 * scan spool as in production), first alone, then while supervisors trace back to back. Each scan
 * is a serialised GS1 case label (GTIN, serial, our lot) of a finished lot with stock, so every
 * one is recorded and added to the station's open shipment; no operator answer is needed.
 * The scan clients and the supervisors run in a worker thread, off the server's event loop.
 */

/** The bench's shipping docks, configured on the bench's app (run.ts) like a plant's stations. */
export function benchStations (n: number): StationDef[] {
  return Array.from({ length: n }, (_, i) => ({ code: `BSHIP${i + 1}`, kind: 'shipping' as const, location: 'DOCK2' }))
}

interface StationPlan { code: string, scans: Array<{ scanId: string, data: string }> }
interface ScanJob {
  kind: 'scan-load', baseUrl: string, headers: Record<string, string>,
  stations: StationPlan[], intervalMs: number, tracePaths: string[], tracers: number
}
interface StationOutcome { code: string, sent: number, latencies: number[], errors: number, spooled: number, outcomes: Record<string, number>, firstSend: number, lastDone: number }
interface ScanOutcome { stations: StationOutcome[], traces: { latencies: number[], errors: number, seconds: number } }

async function run (job: ScanJob): Promise<ScanOutcome> {
  const headers = { ...job.headers, 'content-type': 'application/json' }
  let scanning = true
  const traces = { latencies: [] as number[], errors: 0, seconds: 0 }
  const t0 = performance.now() + 50
  // Open loop: scan i leaves at t0 + i x interval whether or not the last one was answered, as a
  // scanner's trigger does not wait; the docks are staggered across one interval.
  const docks = job.stations.map(async (s, k): Promise<StationOutcome> => {
    const out: StationOutcome = { code: s.code, sent: 0, latencies: [], errors: 0, spooled: 0, outcomes: {}, firstSend: 0, lastDone: 0 }
    const inflight: Array<Promise<void>> = []
    for (const [i, scan] of s.scans.entries()) {
      const at = t0 + (k / job.stations.length + i) * job.intervalMs
      const wait = at - performance.now()
      if (wait > 0) await sleep(wait)
      const sent = performance.now()
      if (i === 0) out.firstSend = sent
      out.sent++
      inflight.push(fetch(`${job.baseUrl}/api/v1/stations/${s.code}/scans`, { method: 'POST', headers, body: JSON.stringify(scan) })
        .then(async res => {
          const body = await res.json() as { outcome?: string }
          if (res.status !== 200 && res.status !== 202) out.errors++
          const outcome = body.outcome ?? `http ${res.status}`
          if (outcome === 'spooled') out.spooled++
          out.outcomes[outcome] = (out.outcomes[outcome] ?? 0) + 1
        })
        .catch(() => { out.errors++ })
        .finally(() => { const done = performance.now(); out.latencies.push(done - sent); out.lastDone = Math.max(out.lastDone, done) }))
    }
    await Promise.all(inflight)
    return out
  })
  const tracers = Array.from({ length: job.tracers }, async (_, k) => {
    for (let i = k; scanning; i += job.tracers) {
      const path = job.tracePaths[i % job.tracePaths.length]!
      const t = performance.now()
      try {
        const res = await fetch(job.baseUrl + path, { headers: job.headers })
        await res.arrayBuffer()
        if (res.status !== 200) traces.errors++
      } catch {
        traces.errors++
      }
      traces.latencies.push(performance.now() - t)
    }
  })
  const started = performance.now()
  const stations = await Promise.all(docks)
  scanning = false
  await Promise.all(tracers)
  traces.seconds = (performance.now() - started) / 1000
  return { stations, traces }
}

if (!isMainThread && (workerData as ScanJob | undefined)?.kind === 'scan-load') {
  void run(workerData as ScanJob).then(r => parentPort!.postMessage(r))
}

export interface ScanLoadOptions {
  /** Stations to load: run.ts configures these on its app (benchStations). */
  stations: StationDef[]
  /** Scans per second per station. */
  rate: number
  /** Seconds of each phase (alone, then with supervisors tracing). */
  seconds: number
  /** Supervisors tracing back to back during the second phase (no think time: the worst case). */
  tracers: number
  /** Lots the supervisors trace (direction both, the route's default). */
  traceLots: readonly SampleLot[]
  /** Scans run one at a time through the domain for the lower bound. */
  floorScans: number
}

/** Finished lots with a GTIN and at least `need` cases on hand: the newest first (least shipped). */
async function stockedLots (ctx: AuthedContext, need: number, want: number): Promise<Array<{ code: string, gtin: string }>> {
  const rows = (await ctx.db.client.execute(`SELECT l.id, l.code, p.gtin FROM lots l JOIN products p ON p.id = l.product_id
    WHERE l.origin = 'produced' AND p.gtin IS NOT NULL AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.event_id = l.event_id)
    ORDER BY l.id DESC LIMIT 400`)).rows
  const balances = await listBalances(ctx.db.client, rows.map(r => Number(r.id)))
  const ok = rows.filter(r => (balances.get(Number(r.id))?.onHand ?? 0) >= need).slice(0, want)
  if (ok.length < want) throw new Error(`scan load: only ${ok.length} finished lots with a GTIN and ${need} cases on hand`)
  return ok.map(r => ({ code: String(r.code), gtin: String(r.gtin) }))
}

/**
 * Figures: a scan through the domain one at a time (the lower bound: the spool's record, the
 * shipping rules, the scan row and the station state in one transaction, no HTTP); the scan route
 * at `rate` per station alone; the same while `tracers` supervisors trace; the supervisors' trace
 * rate meanwhile. After each phase the scan spool is drained and the scans table counted: every
 * scan sent must be recorded (a miss is printed as MISS, not thrown).
 */
export async function scanLoadFigures (ctx: AuthedContext, o: ScanLoadOptions): Promise<BenchFigure[]> {
  const { app, db } = ctx
  const spool = app.scanSpool
  if (!spool) throw new Error('scan load: the bench app needs a spool (deps.spoolPath), as in production')
  const perStation = Math.round(o.rate * o.seconds)
  const lotsPerStation = 4
  const lots = await stockedLots(ctx, Math.ceil((2 * perStation + o.floorScans) / lotsPerStation) + 1, o.stations.length * lotsPerStation)
  const customer = String((await db.client.execute("SELECT code FROM partners WHERE role = 'customer' ORDER BY id LIMIT 1")).rows[0]!.code)
  const run = Date.now().toString(36)
  let serial = 0
  const scanOf = (station: number, phase: string, i: number) => {
    const lot = lots[station * lotsPerStation + (i % lotsPerStation)]!
    return { scanId: `bench-${run}-${phase}-${o.stations[station]!.code}-${i}`, data: `]C101${lot.gtin}21B${run}${++serial}\x1d10${lot.code}` }
  }
  for (const s of o.stations) {
    await app.stations.cancelShipment(s.code)  // a run stopped half way leaves a shipment open
    await app.stations.openShipment(s.code, { customer })
  }
  const recorded = async (phase: string) => {
    await spool.drain()
    const prefix = `bench-${run}-${phase}-`
    const rs = await db.client.execute({ sql: 'SELECT COUNT(*) AS n FROM scans WHERE substr(id, 1, ?) = ?', args: [prefix.length, prefix] })
    return Number(rs.rows[0]!.n)
  }

  // Lower bound: the same kind of scan, one at a time, through the spool as the route calls it.
  const floor: number[] = []
  for (let i = -3; i < o.floorScans; i++) {
    const scan = scanOf(0, 'floor', i + 3)
    const ms = await timeMs(async () => {
      const r = await spool.record(o.stations[0]!.code, scan.data, { scanId: scan.scanId, source: 'keyboard' })
      if (r?.outcome !== 'added') throw new Error(`scan load: floor scan ${scan.data} was ${r?.outcome ?? 'spooled'}: ${r?.message ?? ''}`)
    })
    if (i >= 0) floor.push(ms)
  }

  const phase = async (name: string, tracers: number) => {
    const stations = o.stations.map((s, k) => ({ code: s.code, scans: Array.from({ length: perStation }, (_, i) => scanOf(k, name, i)) }))
    const tracePaths = o.traceLots.map(l => `/api/v1/trace/${encodeURIComponent(l.code)}`)
    const r = await runWorker<ScanOutcome>(import.meta.url, { kind: 'scan-load', baseUrl: ctx.baseUrl, headers: ctx.headers, stations, intervalMs: 1000 / o.rate, tracePaths, tracers } satisfies ScanJob)
    const sent = r.stations.reduce((a, s) => a + s.sent, 0)
    const kept = await recorded(name)
    const added = r.stations.reduce((a, s) => a + (s.outcomes.added ?? 0), 0)
    const spooled = r.stations.reduce((a, s) => a + s.spooled, 0)
    const errors = r.stations.reduce((a, s) => a + s.errors, 0)
    // Achieved rate: scans answered from the first send to the last answer. A station that keeps up
    // answers its n scans in (n - 1) intervals plus one scan's latency; one that falls behind, later.
    const rates = r.stations.map(s => (s.sent - 1) / ((s.lastDone - s.firstSend) / 1000))
    const lost = sent - kept
    const text = `${lost > 0 ? `MISS ${lost} LOST; ` : ''}sent ${sent}, recorded ${kept}, added ${added}${spooled ? `, spooled ${spooled}` : ''}${errors ? `, ${errors} errors` : ''}; ` +
      `scans/s per station ${rates.map(x => x.toFixed(1)).join('/')}`
    return { r, rates, check: { ok: lost === 0 && added === sent && errors === 0, text } }
  }
  const alone = await phase('alone', 0)
  const loaded = await phase('traced', o.tracers)
  for (const s of o.stations) await app.stations.cancelShipment(s.code)

  const label = `${o.stations.length} stations x ${o.rate}/s for ${o.seconds} s`
  const goal = { minRate: o.rate * 0.975 }
  const t = loaded.r.traces
  return [
    { id: 'scan.domain', label: 'scan: spool + shipping rules + commit, one at a time (lower bound)', unit: 'ms', summary: summarize(floor) },
    {
      id: 'scan.alone', label: `scan route: ${label} (scans/s per station, min)`, unit: 'req/s', summary: summarize(alone.r.stations.flatMap(s => s.latencies)),
      rate: Math.min(...alone.rates), lowerBound: 'scan.domain', goal: { ...goal, ratio: 1.5 }, check: alone.check
    },
    {
      id: 'scan.traced', label: `scan route: ${label}, ${o.tracers} supervisors tracing`, unit: 'req/s', summary: summarize(loaded.r.stations.flatMap(s => s.latencies)),
      rate: Math.min(...loaded.rates), lowerBound: 'scan.domain', step: 'scan.alone', goal, check: loaded.check
    },
    {
      id: 'scan.traces', label: `trace both: HTTP, ${o.tracers} supervisors while ${o.stations.length} stations scan`, unit: 'req/s', summary: summarize(t.latencies),
      rate: t.latencies.length / t.seconds, lowerBound: 'load.serial', check: { ok: t.errors === 0, text: `${t.latencies.length} traces${t.errors ? `, ${t.errors} failed` : ''}` }
    }
  ]
}

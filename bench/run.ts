/**
 * Benchmark (issue 7): `npm run bench [-- --quick] [--scale N] [--seed N] [--samples N] [--widest N]
 * [--requests N] [--scan-seconds N] [--stations N] [--tracers N] [--reuse] [--label NAME]`.
 * Generates a plant's history into bench/.data/, then measures traces at every layer (bare SQL,
 * domain, app.inject, a real socket), the lot page, mock recalls and FDA spreadsheets over HTTP,
 * scan → commit on a serial line and event → label at a TCP printer, HTTP throughput of traces,
 * stations scanning at 20/s while supervisors trace, and memory; prints each figure beside its
 * lower bound and goal. Figures also go to bench/.results/latest.json. The app runs with auth as
 * in production (every request carries an admin API token) on a copy of the plant's database,
 * deleted at exit, so what the run records (its token, mock recall drills, scans at its own
 * stations BSHIPn) never accumulates in the plant.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import v8 from 'node:v8'
import vm from 'node:vm'
import { openDb } from '../db/client.ts'
import { migrate } from '../db/migrate.ts'
import { seeded } from '../server/demo-plant.ts'
import { buildApp } from '../server/app.ts'
import { createAuth } from '../server/domain/auth.ts'
import { benchToken, type AuthedContext } from './auth.ts'
import { hardwareLatencyFigures } from './hardware-latency.ts'
import { throughputFigures } from './http-load.ts'
import { loadPlantInChild, type LoadResult } from './load.ts'
import { httpFloorFigures, lotFigures, traceFigures, type SampleLot } from './measures.ts'
import { fdaFigures, randomRanges, recallFigures } from './recall-export.ts'
import { formatTable, score, writeResults, type BenchFigure } from './report.ts'
import { benchStations, scanLoadFigures } from './scan-load.ts'
import { memoryMb, sampleOf, timeMs } from './stats.ts'

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    scale: { type: 'string' },
    seed: { type: 'string', default: '2026' },
    samples: { type: 'string' },
    widest: { type: 'string' },
    requests: { type: 'string' },
    'scan-seconds': { type: 'string' },
    stations: { type: 'string' },
    tracers: { type: 'string' },
    reuse: { type: 'boolean', default: false },
    label: { type: 'string' }
  }
})
const quick = args.quick ?? false
const scale = Number(args.scale ?? (quick ? 0.1 : 1))
const seed = Number(args.seed)
/** Lots per trace figure; the widest lot is traced fewer times (each trace reaches thousands of lots). */
const samples = Number(args.samples ?? (quick ? 60 : 300))
const widestRuns = Number(args.widest ?? (quick ? 3 : 10))
/** Trace requests per concurrency level in the load test. */
const loadTotal = Number(args.requests ?? (quick ? 200 : 1000))
/** Seconds of each scan-load phase (alone, then with supervisors tracing), stations at 20 scans/s, supervisors tracing back to back. */
const scanSeconds = Number(args['scan-seconds'] ?? (quick ? 5 : 20))
const stationCount = Number(args.stations ?? 4)
const tracers = Number(args.tracers ?? 4)
/** Mock recalls and one-lot FDA spreadsheets of random lots; 30-day FDA spreadsheets (seconds each at scale 1). */
const recallSamples = quick ? 15 : 40
const fdaRanges = quick ? 2 : 3
if (!(scale > 0) || !Number.isInteger(seed) || ![samples, widestRuns, loadTotal, scanSeconds, stationCount, tracers].every(n => n > 0)) {
  throw new TypeError('"--scale", "--samples", "--widest", "--requests", "--scan-seconds", "--stations" and "--tracers" must be positive numbers and "--seed" an integer')
}

const here = fileURLToPath(new URL('.', import.meta.url))
const dataDir = `${here}.data`
const dbPath = `${dataDir}/plant-s${scale}-seed${seed}.db`
const gc = (() => { v8.setFlagsFromString('--expose-gc'); return vm.runInNewContext('gc') as () => void })()
const memory: Record<string, ReturnType<typeof memoryMb>> = {}
const settledMemory = (at: string) => { gc(); memory[at] = memoryMb() }

mkdirSync(dataDir, { recursive: true })
let load: LoadResult
if (args.reuse && existsSync(dbPath) && existsSync(`${dbPath}.json`)) {
  load = JSON.parse(readFileSync(`${dbPath}.json`, 'utf8')) as LoadResult
  console.log(`reusing ${dbPath} (loaded earlier: ${load.totalRows.toLocaleString('en-US')} rows)`)
} else {
  for (const suffix of ['', '-wal', '-shm', '.json']) rmSync(dbPath + suffix, { force: true })
  const fresh = openDb({ url: `file:${dbPath}` })
  await migrate(fresh)
  fresh.close()
  console.log(`generating scale ${scale}, seed ${seed} into ${dbPath} ...`)
  load = await loadPlantInChild(`file:${dbPath}`, { scale, seed })
  writeFileSync(`${dbPath}.json`, JSON.stringify(load))
}
console.log(`load: ${load.totalRows.toLocaleString('en-US')} rows in ${load.seconds.toFixed(1)} s = ${Math.round(load.rowsPerSecond).toLocaleString('en-US')} rows/s` +
  ` (INSERTs ${load.sqlSeconds.toFixed(1)} s); ${JSON.stringify(load.stats)}`)

const plantDb = openDb({ url: `file:${dbPath}` })
let applied: string[] = []
const migrateMs = await timeMs(async () => { applied = (await migrate(plantDb)).applied })
plantDb.close()
if (applied.length > 0) console.log(`migrations applied to the loaded plant: ${applied.join(', ')} in ${Math.round(migrateMs)} ms`)
// The run works on a copy: what it records (its token, mock recall drills of several MB each for
// the widest lot, scans) is append-only and would otherwise pile up in the plant a --reuse reads.
const runPath = `${dataDir}/run-${process.pid}.db`
const dropRunCopy = () => { for (const suffix of ['', '-wal', '-shm']) rmSync(runPath + suffix, { force: true }) }
dropRunCopy()
for (const suffix of ['', '-wal']) if (existsSync(dbPath + suffix)) copyFileSync(dbPath + suffix, runPath + suffix)
process.once('exit', dropRunCopy)
const db = openDb({ url: `file:${runPath}` })

const rnd = seeded(seed + 1)
const lotsWhere = async (where: string): Promise<SampleLot[]> =>
  (await db.client.execute(`SELECT l.id, l.code FROM lots l WHERE ${where} AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.event_id = l.event_id) ORDER BY l.id`)).rows
    .map(r => ({ id: Number(r.id), code: String(r.code) }))
const produced = await lotsWhere("l.origin = 'produced'")
const received = await lotsWhere("l.origin = 'received'")
const widestRow = (await db.client.execute(`SELECT m.lot_id, COUNT(*) AS uses FROM live_movements m WHERE m.kind = 'consumed' GROUP BY m.lot_id ORDER BY uses DESC LIMIT 1`)).rows[0]!
const widest = [...produced, ...received].find(l => l.id === Number(widestRow.lot_id))!
settledMemory('after load (db open)')

// As main.ts wires it, less the hardware: auth on every request, the scan spool, the stations.
const auth = createAuth({ db })
const headers = await benchToken(auth)
const spoolDir = mkdtempSync(join(os.tmpdir(), 'lotline-bench-spool-'))
const stations = benchStations(stationCount)
// The plant as configured: FDA spreadsheets take the location of transformation and ship-from from it.
const plant = { name: 'Oven Street Bakery', address: '100 Oven Street', city: 'Springfield', state: 'IL', zip: '62701', country: 'US', phone: '+1 217 555 0100', timeZone: 'UTC' }
const app = await buildApp({ db, timeZone: 'UTC', plant, auth, stations, spoolPath: join(spoolDir, 'spool.jsonl') }, { logger: false })
await app.listen({ host: '127.0.0.1', port: 0 })
const ctx: AuthedContext = { db, app, baseUrl: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, headers }
settledMemory('app listening')

const days = (await db.client.execute('SELECT substr(MIN(occurred_at), 1, 10) AS first, substr(MAX(occurred_at), 1, 10) AS last FROM events')).rows[0]!
const figures: BenchFigure[] = [
  ...await traceFigures(ctx, 'back', 'backward, random finished lot', sampleOf(produced, samples, rnd), 'backward', 5),
  ...await traceFigures(ctx, 'fwd', 'forward, random received lot', sampleOf(received, samples, rnd), 'forward'),
  ...await traceFigures(ctx, 'widest', `forward, widest lot (${widest.code}, ${Number(widestRow.uses)} uses)`, Array<SampleLot>(widestRuns).fill(widest), 'forward', 100, 1),
  ...await lotFigures(ctx, sampleOf([...produced, ...received], Math.ceil(samples / 2), rnd)),
  ...await httpFloorFigures(ctx, samples)
]
settledMemory('after trace runs')
figures.push(
  ...await recallFigures(ctx, 'recall', 'mock recall, random finished lot', sampleOf(produced, recallSamples, rnd), 250),
  ...await recallFigures(ctx, 'recall.widest', `mock recall, widest lot (${widest.code})`, Array<SampleLot>(Math.min(widestRuns, 3)).fill(widest), 250, 1))
settledMemory('after mock recalls')
figures.push(...await fdaFigures(ctx, sampleOf(produced, recallSamples, rnd), randomRanges(String(days.first), String(days.last), fdaRanges, rnd)))
settledMemory('after FDA spreadsheets')
figures.push(...await throughputFigures(ctx, sampleOf(produced, Math.min(loadTotal, 200), rnd), [8, 32], loadTotal))
settledMemory('after load test')
figures.push(...await scanLoadFigures(ctx, { stations, rate: 20, seconds: scanSeconds, tracers, traceLots: sampleOf(produced, 200, rnd), floorScans: quick ? 50 : 200 }))
settledMemory('after scan load')
await app.close()
db.close()
rmSync(spoolDir, { recursive: true, force: true })
// Serial and printer paths on their own small database (bench/hardware-latency.ts), after the server is closed.
figures.push(...await hardwareLatencyFigures(quick ? { scans: 100, labels: 50 } : { scans: 300, labels: 150 }))

const scored = score(figures)
console.log(`\nLotline benchmark: scale ${scale}, seed ${seed}${quick ? ' (quick)' : ''}, node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}`)
console.log(formatTable(scored))
console.log('\nmemory of the server process, MB (the plant was generated in a child process; the latency client runs in this thread, the load-test clients in a worker):')
for (const [at, m] of Object.entries(memory)) console.log(`  ${at.padEnd(22)} rss ${String(m.rss).padStart(5)}  heap used ${String(m.heapUsed).padStart(5)} / ${String(m.heapTotal).padStart(5)}  external ${m.external}`)
const name = args.label ?? `${new Date().toISOString().replace(/[:.]/g, '-')}-s${scale}`
const paths = writeResults(`${here}.results`, name, {
  meta: { scale, seed, quick, samples, scanSeconds, stations: stationCount, tracers, node: process.version, cpus: os.cpus().length, at: new Date().toISOString(), db: dbPath, migrationsApplied: applied },
  load, figures: scored, memory
})
console.log(`\nfigures written to ${paths.join(' and ')}`)
const misses = scored.filter(f => f.result === 'MISS').length
console.log(misses === 0 ? 'every goal met' : `${misses} figure(s) miss their goal`)

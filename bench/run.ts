/**
 * Trace benchmark (issue 7): `npm run bench [-- --quick] [--scale N] [--seed N] [--samples N] [--widest N] [--requests N] [--reuse] [--label NAME]`.
 * Generates a plant's history into bench/.data/, then measures traces at every layer (bare SQL,
 * domain, app.inject, a real socket), the lot page and HTTP throughput, and prints each figure
 * beside its lower bound and goal. Figures also go to bench/.results/latest.json.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import v8 from 'node:v8'
import vm from 'node:vm'
import { openDb } from '../db/client.ts'
import { migrate } from '../db/migrate.ts'
import { seeded } from '../server/demo-plant.ts'
import { buildApp } from '../server/app.ts'
import { throughputFigures } from './http-load.ts'
import { loadPlantInChild, type LoadResult } from './load.ts'
import { httpFloorFigures, lotFigures, traceFigures, type BenchContext, type SampleLot } from './measures.ts'
import { formatTable, score, writeResults } from './report.ts'
import { memoryMb, sampleOf, timeMs } from './stats.ts'

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    scale: { type: 'string' },
    seed: { type: 'string', default: '2026' },
    samples: { type: 'string' },
    widest: { type: 'string' },
    requests: { type: 'string' },
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
if (!(scale > 0) || !Number.isInteger(seed) || !(samples > 0) || !(widestRuns > 0) || !(loadTotal > 0)) throw new TypeError('"--scale", "--samples", "--widest" and "--requests" must be positive numbers and "--seed" an integer')

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

const db = openDb({ url: `file:${dbPath}` })
let applied: string[] = []
const migrateMs = await timeMs(async () => { applied = (await migrate(db)).applied })
if (applied.length > 0) console.log(`migrations applied to the loaded plant: ${applied.join(', ')} in ${Math.round(migrateMs)} ms`)

const rnd = seeded(seed + 1)
const lotsWhere = async (where: string): Promise<SampleLot[]> =>
  (await db.client.execute(`SELECT l.id, l.code FROM lots l WHERE ${where} AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.event_id = l.event_id) ORDER BY l.id`)).rows
    .map(r => ({ id: Number(r.id), code: String(r.code) }))
const produced = await lotsWhere("l.origin = 'produced'")
const received = await lotsWhere("l.origin = 'received'")
const widestRow = (await db.client.execute(`SELECT m.lot_id, COUNT(*) AS uses FROM live_movements m WHERE m.kind = 'consumed' GROUP BY m.lot_id ORDER BY uses DESC LIMIT 1`)).rows[0]!
const widest = [...produced, ...received].find(l => l.id === Number(widestRow.lot_id))!
settledMemory('after load (db open)')

const app = await buildApp({ db, timeZone: 'UTC' }, { logger: false })
await app.listen({ host: '127.0.0.1', port: 0 })
const ctx: BenchContext = { db, app, baseUrl: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` }
settledMemory('app listening')

const figures = [
  ...await traceFigures(ctx, 'back', 'backward, random finished lot', sampleOf(produced, samples, rnd), 'backward', 5),
  ...await traceFigures(ctx, 'fwd', 'forward, random received lot', sampleOf(received, samples, rnd), 'forward'),
  ...await traceFigures(ctx, 'widest', `forward, widest lot (${widest.code}, ${Number(widestRow.uses)} uses)`, Array<SampleLot>(widestRuns).fill(widest), 'forward', 100, 1),
  ...await lotFigures(ctx, sampleOf([...produced, ...received], Math.ceil(samples / 2), rnd)),
  ...await httpFloorFigures(ctx, samples)
]
settledMemory('after latency runs')
figures.push(...await throughputFigures(ctx, sampleOf(produced, Math.min(loadTotal, 200), rnd), [8, 32], loadTotal))
settledMemory('after load test')
await app.close()
db.close()

const scored = score(figures)
console.log(`\nLotline trace benchmark: scale ${scale}, seed ${seed}${quick ? ' (quick)' : ''}, node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}`)
console.log(formatTable(scored))
console.log('\nmemory of the server process, MB (the plant was generated in a child process; the latency client runs in this thread, the load-test clients in a worker):')
for (const [at, m] of Object.entries(memory)) console.log(`  ${at.padEnd(22)} rss ${String(m.rss).padStart(5)}  heap used ${String(m.heapUsed).padStart(5)} / ${String(m.heapTotal).padStart(5)}  external ${m.external}`)
const name = args.label ?? `${new Date().toISOString().replace(/[:.]/g, '-')}-s${scale}`
const paths = writeResults(`${here}.results`, name, {
  meta: { scale, seed, quick, samples, node: process.version, cpus: os.cpus().length, at: new Date().toISOString(), db: dbPath, migrationsApplied: applied },
  load, figures: scored, memory
})
console.log(`\nfigures written to ${paths.join(' and ')}`)
const misses = scored.filter(f => f.result === 'MISS').length
console.log(misses === 0 ? 'every goal met' : `${misses} figure(s) miss their goal`)

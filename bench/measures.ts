import type { Db, Sql } from '../db/client.ts'
import * as lin from '../db/lineage.ts'
import { listPartnersByCode } from '../db/master.ts'
import { getLotByCode, listBalances, listLotsById } from '../db/records.ts'
import type { App } from '../server/app.ts'
import { summarize, timeMs, type Summary } from './stats.ts'

export interface SampleLot { id: number, code: string }

/** One line of the report. Times in ms; throughput figures in req/s. */
export interface Figure {
  id: string
  label: string
  unit: 'ms' | 'req/s'
  summary: Summary
  /** The figure this one cannot beat (the same SQL on the raw client; the same work without HTTP). */
  lowerBound?: string
  /** The recursive walk alone (listAncestorEdges / listDescendantEdges), the floor of every trace figure. */
  walk?: string
  /** The layer just below, to show where a ratio is lost. */
  step?: string
  goal?: { p95Ms?: number, ratio?: number }
  /** Median response size in bytes, for HTTP figures. */
  bytes?: number
  /** Throughput figures: requests per second (their summary holds the request latencies). */
  rate?: number
}

export interface BenchContext {
  db: Db
  app: App
  baseUrl: string
  /** `authorization: Bearer <token>` of an admin API token made for this run (bench/auth.ts): every request pays auth, as in production. */
  headers: Record<string, string>
}

type Layer = (lot: SampleLot) => Promise<number | void>  // resolves to the response size when there is one

/**
 * Runs every layer on every lot, rotating which layer goes first: the first to touch a lot's pages
 * pays SQLite's cache misses, and a fixed order would always bill the same layer. `warmup` lots
 * are run and not recorded (JIT, prepared schema, page cache).
 */
async function interleave (lots: readonly SampleLot[], layers: Record<string, Layer>, warmup = 3) {
  const names = Object.keys(layers)
  const out = Object.fromEntries(names.map(n => [n, { ms: [] as number[], bytes: [] as number[] }]))
  for (const [i, lot] of [...lots.slice(0, warmup), ...lots].entries()) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(i + k) % names.length]!
      let bytes: number | void = undefined
      const ms = await timeMs(async () => { bytes = await layers[name]!(lot) })
      if (i < Math.min(warmup, lots.length)) continue
      out[name]!.ms.push(ms)
      if (typeof bytes === 'number') out[name]!.bytes.push(bytes)
    }
  }
  return out
}

async function getOk (ctx: BenchContext, url: string, via: 'inject' | 'socket'): Promise<number> {
  if (via === 'inject') {
    const res = await ctx.app.inject({ method: 'GET', url, headers: ctx.headers })
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.payload.slice(0, 200)}`)
    return res.rawPayload.length
  }
  const res = await fetch(ctx.baseUrl + url, { headers: ctx.headers })
  const body = await res.arrayBuffer()  // read whole: the client has it all only then
  if (res.status !== 200) throw new Error(`${url}: ${res.status}`)
  return body.byteLength
}

/**
 * Every statement server/domain/lineage.ts runs for a trace, in the same order, on the raw client
 * with no read transaction and no assembly: the trace's SQL floor. Keep in step with lineage.ts.
 */
async function traceStatements (sql: Sql, code: string, direction: 'backward' | 'forward'): Promise<void> {
  const root = await getLotByCode(sql, code)
  if (!root) throw new Error(`no lot ${code}`)
  const edges = direction === 'backward' ? await lin.listAncestorEdges(sql, root.id) : await lin.listDescendantEdges(sql, root.id)
  const reached = [...new Set([root.id, ...edges.map(e => direction === 'backward' ? e.fromLot : e.toLot)])]
  const ids = [...new Set([...reached, ...edges.map(e => e.fromLot), ...edges.map(e => e.toLot)])]
  const lots = await listLotsById(sql, ids)
  const balances = await listBalances(sql, ids)
  if (direction === 'forward') {
    const shipments = await lin.listShipmentsOfLots(sql, reached)
    await lin.listOpenBatchUses(sql, reached.filter(id => (balances.get(id)?.consumed ?? 0) !== 0))
    await listPartnersByCode(sql, [...new Set(shipments.map(s => s.customerCode))])
  }
  await listPartnersByCode(sql, [...new Set(lots.flatMap(l => l.origin === 'received' && l.supplier ? [l.supplier.code] : []))])
}

/**
 * A trace in one direction at five layers: the recursive walk alone (db/lineage.ts on the raw
 * client), every statement of the trace on the raw client (the lower bound the others are held
 * to), the domain trace (read transaction + statements + assembly), app.inject (routing,
 * validation, serialization) and a real socket (fetch against app.listen on 127.0.0.1).
 */
export async function traceFigures (ctx: BenchContext, key: string, label: string, lots: readonly SampleLot[], direction: 'backward' | 'forward', p95Ms?: number, warmup = 3): Promise<Figure[]> {
  const url = (lot: SampleLot) => `/api/v1/trace/${encodeURIComponent(lot.code)}?direction=${direction}`
  const walkOf = direction === 'backward' ? lin.listAncestorEdges : lin.listDescendantEdges
  const r = await interleave(lots, {
    walk: async lot => { await walkOf(ctx.db.client, lot.id) },
    sql: lot => traceStatements(ctx.db.client, lot.code, direction),
    domain: async lot => { if (!await ctx.app.lineage.trace(lot.code, direction)) throw new Error(`no lot ${lot.code}`) },
    inject: lot => getOk(ctx, url(lot), 'inject'),
    socket: lot => getOk(ctx, url(lot), 'socket')
  }, warmup)
  const [walk, sql, domain] = [`${key}.walk`, `${key}.sql`, `${key}.domain`]
  const goal = { ...(p95Ms === undefined ? {} : { p95Ms }), ratio: 1.5 }
  const above = { lowerBound: sql, walk, goal }
  return [
    { id: walk, label: `${label}: SQL walk only`, unit: 'ms', summary: summarize(r.walk!.ms) },
    { id: sql, label: `${label}: SQL of the trace (lower bound)`, unit: 'ms', summary: summarize(r.sql!.ms), walk },
    { id: domain, label: `${label}: domain trace`, unit: 'ms', summary: summarize(r.domain!.ms), step: sql, ...above },
    { id: `${key}.inject`, label: `${label}: HTTP app.inject`, unit: 'ms', summary: summarize(r.inject!.ms), step: domain, ...above, bytes: summarize(r.inject!.bytes).median },
    { id: `${key}.socket`, label: `${label}: HTTP socket (fetch)`, unit: 'ms', summary: summarize(r.socket!.ms), step: domain, ...above, bytes: summarize(r.socket!.bytes).median }
  ]
}

/** GET /api/v1/lots/{code}: the lot, its events and its mass balance. Lower bound: the same domain call. */
export async function lotFigures (ctx: BenchContext, lots: readonly SampleLot[]): Promise<Figure[]> {
  const url = (lot: SampleLot) => `/api/v1/lots/${encodeURIComponent(lot.code)}`
  const r = await interleave(lots, {
    domain: async lot => { if (!await ctx.app.lots.getLot(lot.code)) throw new Error(`no lot ${lot.code}`) },
    inject: lot => getOk(ctx, url(lot), 'inject'),
    socket: lot => getOk(ctx, url(lot), 'socket')
  })
  return [
    { id: 'lot.domain', label: 'lot page: domain getLot (lower bound)', unit: 'ms', summary: summarize(r.domain!.ms) },
    { id: 'lot.inject', label: 'lot page: HTTP app.inject', unit: 'ms', summary: summarize(r.inject!.ms), lowerBound: 'lot.domain', step: 'lot.domain', goal: { ratio: 1.5 }, bytes: summarize(r.inject!.bytes).median },
    { id: 'lot.socket', label: 'lot page: HTTP socket (fetch)', unit: 'ms', summary: summarize(r.socket!.ms), lowerBound: 'lot.domain', step: 'lot.inject', goal: { ratio: 1.5 }, bytes: summarize(r.socket!.bytes).median }
  ]
}

/** What any request pays before its handler runs: an unknown route's small JSON 404, through inject and over the socket. */
export async function httpFloorFigures (ctx: BenchContext, n: number): Promise<Figure[]> {
  const ms: Record<'inject' | 'socket', number[]> = { inject: [], socket: [] }
  for (let i = -3; i < n; i++) {
    const a = await timeMs(() => ctx.app.inject({ method: 'GET', url: '/api/v1/no-such-route', headers: ctx.headers }))
    const b = await timeMs(async () => { await (await fetch(`${ctx.baseUrl}/api/v1/no-such-route`, { headers: ctx.headers })).arrayBuffer() })
    if (i >= 0) { ms.inject.push(a); ms.socket.push(b) }
  }
  return [
    { id: 'floor.inject', label: 'HTTP floor: 404 via app.inject', unit: 'ms', summary: summarize(ms.inject) },
    { id: 'floor.socket', label: 'HTTP floor: 404 over the socket (fetch)', unit: 'ms', summary: summarize(ms.socket) }
  ]
}

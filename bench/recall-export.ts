import { createRecallDrills } from '../kiosk/recall-drills.ts'
import type { AuthedContext } from './auth.ts'
import type { SampleLot } from './measures.ts'
import type { BenchFigure } from './report.ts'
import { interleave, summarize } from './stats.ts'

/** The user the bench's mock recalls are recorded under when run through the domain. */
const BENCH_USER = 'bench'

/** A layer that failed on some items fails its line (MISS) and says on which, without stopping the bench. */
function failures (errors: string[], n: number): BenchFigure['check'] {
  if (errors.length === 0) return undefined
  const distinct = [...new Set(errors)]
  return { ok: false, text: `FAILED ${errors.length} of ${n}: ${distinct[0]}${distinct.length > 1 ? ` (+${distinct.length - 1} more)` : ''}` }
}
const checked = (errors: string[], n: number) => { const check = failures(errors, n); return check ? { check } : {} }
const lotName = (l: SampleLot) => l.code
const rangeName = (r: DayRange) => `${r.from}..${r.to}`

async function readOk (res: Response, what: string, status = 200): Promise<number> {
  const body = await res.arrayBuffer()  // read whole: the client has it all only then
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${Buffer.from(body).subarray(0, 200).toString()}`)
  return body.byteLength
}

/**
 * A supervisor's mock recall, end to end: the form post (POST /recalls, which runs the drill and
 * keeps it as a record) and the report page its 303 leads to, over a real socket. Resolves to the
 * report page's size.
 */
async function recallOverHttp (ctx: AuthedContext, code: string): Promise<number> {
  const posted = await fetch(`${ctx.baseUrl}/recalls`, {
    method: 'POST', redirect: 'manual', body: new URLSearchParams({ lot: code }).toString(),
    headers: { ...ctx.headers, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }
  })
  await readOk(posted, `POST /recalls ${code}`, 303)
  const location = posted.headers.get('location')
  if (!location?.startsWith('/recalls/')) throw new Error(`POST /recalls ${code}: redirected to ${location}`)
  return readOk(await fetch(ctx.baseUrl + location, { headers: { ...ctx.headers, accept: 'text/html' } }), `GET ${location}`)
}

/**
 * The mock recall report over HTTP, beside the same drill run through the domain. Lower bound:
 * the domain drill (kiosk/recall-drills.ts `run` then `get`: the lot, the trace both ways, the
 * summary, the record written and read back), because a mock recall is a kept record by design:
 * its write is part of the work, not overhead. The trace alone (`walk` column) shows how much of
 * the drill is the trace; what the HTTP figure adds on top of the domain is routing, auth, the
 * redirect's second request and the report's HTML. Every drill run here is kept in the plant's
 * database (recall drills cannot be deleted), recorded by `bench` or `token:bench`.
 */
export async function recallFigures (ctx: AuthedContext, key: string, label: string, lots: readonly SampleLot[], p95Ms?: number, warmup = 3): Promise<BenchFigure[]> {
  const drills = createRecallDrills({ db: ctx.db, lineage: ctx.app.lineage })
  const r = await interleave(lots, {
    trace: async lot => { if (!await ctx.app.lineage.trace(lot.code, 'both')) throw new Error(`no lot ${lot.code}`) },
    domain: async lot => {
      const d = await drills.get(await drills.run(lot.code, BENCH_USER))
      if (!d) throw new Error(`drill of ${lot.code} not kept`)
    },
    http: lot => recallOverHttp(ctx, lot.code)
  }, warmup, { tolerate: true, name: lotName })
  const [trace, domain] = [`${key}.trace`, `${key}.domain`]
  return [
    { id: trace, label: `${label}: trace both (domain)`, unit: 'ms', summary: summarize(r.trace!.ms), ...checked(r.trace!.errors, lots.length) },
    { id: domain, label: `${label}: domain drill run + read (lower bound)`, unit: 'ms', summary: summarize(r.domain!.ms), walk: trace, ...checked(r.domain!.errors, lots.length) },
    {
      id: `${key}.http`, label: `${label}: HTTP POST + report page`, unit: 'ms', summary: summarize(r.http!.ms),
      lowerBound: domain, walk: trace, step: domain, goal: { ...(p95Ms === undefined ? {} : { p95Ms }), ratio: 1.5 }, bytes: summarize(r.http!.bytes).median,
      ...checked(r.http!.errors, lots.length)
    }
  ]
}

/** A 30-day window of the plant's calendar, inclusive. */
export interface DayRange { from: string, to: string }

/** `n` 30-day windows chosen at random (seeded) inside [first, last]. */
export function randomRanges (first: string, last: string, n: number, rnd: () => number, days = 30): DayRange[] {
  const day = 86_400_000
  const start = Date.parse(`${first}T00:00:00Z`)
  const span = Math.max(0, Math.floor((Date.parse(`${last}T00:00:00Z`) - start) / day) - (days - 1))
  const iso = (t: number) => new Date(t).toISOString().slice(0, 10)
  return Array.from({ length: n }, () => {
    const from = start + Math.floor(rnd() * (span + 1)) * day
    return { from: iso(from), to: iso(from + (days - 1) * day) }
  })
}

/**
 * FDA's sortable spreadsheet (FSMA 204) over HTTP, for one lot's trace (the route's default
 * direction, both) and for a 30-day range. Lower bound: the same workbook built in-process by
 * the exporter (server/domain/exports), with no HTTP.
 */
export async function fdaFigures (ctx: AuthedContext, lots: readonly SampleLot[], ranges: readonly DayRange[]): Promise<BenchFigure[]> {
  const size = (f: { body: Buffer | string }) => typeof f.body === 'string' ? Buffer.byteLength(f.body) : f.body.length
  const get = async (url: string) => readOk(await fetch(ctx.baseUrl + url, { headers: ctx.headers }), `GET ${url}`)
  const one = await interleave(lots, {
    domain: async lot => size(await ctx.app.exporter.fdaXlsx({ lot: lot.code, direction: 'both' })),
    http: lot => get(`/api/v1/trace/${encodeURIComponent(lot.code)}/fda.xlsx`)
  }, 3, { tolerate: true, name: lotName })
  const range = await interleave(ranges, {
    domain: async r => size(await ctx.app.exporter.fdaXlsx(r)),
    http: r => get(`/api/v1/exports/fda.xlsx?from=${r.from}&to=${r.to}`)
  }, 0, { tolerate: true, name: rangeName })  // seconds each at scale 1; the one-lot exports above have warmed the workbook writer
  return [
    { id: 'fda.lot.domain', label: 'FDA xlsx, random finished lot: built in-process (lower bound)', unit: 'ms', summary: summarize(one.domain!.ms), bytes: summarize(one.domain!.bytes).median, ...checked(one.domain!.errors, lots.length) },
    { id: 'fda.lot.http', label: 'FDA xlsx, random finished lot: HTTP socket', unit: 'ms', summary: summarize(one.http!.ms), lowerBound: 'fda.lot.domain', step: 'fda.lot.domain', goal: { p95Ms: 500, ratio: 1.5 }, bytes: summarize(one.http!.bytes).median, ...checked(one.http!.errors, lots.length) },
    { id: 'fda.range.domain', label: 'FDA xlsx, 30-day range: built in-process (lower bound)', unit: 'ms', summary: summarize(range.domain!.ms), bytes: summarize(range.domain!.bytes).median, ...checked(range.domain!.errors, ranges.length) },
    { id: 'fda.range.http', label: 'FDA xlsx, 30-day range: HTTP socket', unit: 'ms', summary: summarize(range.http!.ms), lowerBound: 'fda.range.domain', step: 'fda.range.domain', goal: { ratio: 1.5 }, bytes: summarize(range.http!.bytes).median, ...checked(range.http!.errors, ranges.length) }
  ]
}

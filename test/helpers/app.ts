import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { onTestFinished } from 'vitest'
import { openDb, type Db } from '../../db/client.ts'
import { migrate } from '../../db/migrate.ts'
import { createSequenceLedger } from '../../db/sequences.ts'
import type { InjectOptions } from 'fastify'
import { buildApp, type Deps } from '../../server/app.ts'
import { createAuth } from '../../server/domain/auth.ts'

/** A fixed clock: 2026-11-25 10:00 UTC, unless a test moves it. */
export const FIXED_NOW = new Date('2026-11-25T10:00:00Z')

/**
 * A migrated database. `:memory:` by default; `file: true` gives a real file in a temp folder
 * (needed when a read and a write overlap: an in-memory database has a single connection).
 */
export async function testDb ({ file = false } = {}): Promise<Db & { path: string | null }> {
  let path: string | null = null
  if (file) {
    const dir = mkdtempSync(join(tmpdir(), 'lotline-'))
    path = join(dir, 'test.db')
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  }
  const db = openDb({ url: path ? `file:${path}` : ':memory:' })
  onTestFinished(() => db.close())
  await migrate(db)
  return Object.assign(db, { path })
}

/** The real app on a real migrated libSQL database, with a fixed clock and no hardware. */
export async function buildTestApp (overrides: Partial<Deps> & { file?: boolean } = {}) {
  const { file, ...rest } = overrides
  const db = rest.db ?? await testDb({ file })
  const auth = rest.auth ?? createAuth({ db })
  const token = await auth.createToken({ role: 'admin', name: 'tests', createdBy: 'tests' })
  const app = await buildApp({ db, clock: () => FIXED_NOW, ledger: createSequenceLedger(null), timeZone: 'UTC', auth, ...rest })
  onTestFinished(() => app.close())
  // Every request is authenticated with an admin API token unless the test sends its own
  // Authorization or cookie header (the role-matrix and login tests do).
  const inject = app.inject.bind(app) as (o: InjectOptions) => ReturnType<typeof app.inject>
  ;(app as { inject: unknown }).inject = (o: InjectOptions) => {
    const headers = (o.headers ?? {}) as Record<string, string>
    const own = 'authorization' in headers || 'cookie' in headers
    return inject({ ...o, headers: own ? headers : { ...headers, authorization: `Bearer ${token}` } })
  }
  return Object.assign(app, { adminToken: token })
}

type App = Awaited<ReturnType<typeof buildTestApp>>

/** POSTs JSON and returns status and parsed body. */
export async function post (app: App, url: string, payload: unknown, headers: Record<string, string> = {}) {
  const res = await app.inject({ method: 'POST', url, payload: payload as object, headers })
  return { status: res.statusCode, body: res.json() }
}
export async function get (app: App, url: string) {
  const res = await app.inject({ method: 'GET', url })
  return { status: res.statusCode, body: res.json() }
}

/** Master data for a small cookie bakery: what most route tests start from. */
export async function seedBakery (app: App) {
  const ok = async (url: string, body: unknown) => {
    const r = await post(app, url, body)
    if (r.status !== 201) throw new Error(`${url}: ${r.status} ${JSON.stringify(r.body)}`)
    return r.body
  }
  await ok('/api/v1/locations', { code: 'DOCK1', kind: 'dock', name: 'Receiving dock' })
  await ok('/api/v1/locations', { code: 'DOCK2', kind: 'dock', name: 'Shipping dock' })
  await ok('/api/v1/locations', { code: 'L1', kind: 'line', name: 'Line 1' })
  await ok('/api/v1/partners', { code: 'MILL', role: 'supplier', name: 'Prairie Mills Inc.', phone: '+1 785 555 0110', city: 'Salina', state: 'KS', country: 'US' })
  await ok('/api/v1/partners', { code: 'CHOCO', role: 'supplier', name: 'Cacao Works LLC', gln: '0614141000012' })
  await ok('/api/v1/partners', { code: 'PACK', role: 'supplier', name: 'FlexiPack Films' })
  for (const c of ['FRESHMART', 'CORNER', 'CAMPUS', 'HOTEL']) {
    await ok('/api/v1/partners', { code: c, role: 'customer', name: `${c} Inc.`, contact: `${c} QA`, phone: '+1 312 555 0100', email: `qa@${c.toLowerCase()}.example` })
  }
  await ok('/api/v1/products', { code: 'FLOUR', name: 'Wheat flour', unit: 'kg' })
  await ok('/api/v1/products', { code: 'CHOC', name: 'Chocolate chips', unit: 'kg', gtin: '10614141000033' })
  await ok('/api/v1/products', { code: 'FILM', name: 'Flow-wrap film', unit: 'ea' })
  await ok('/api/v1/products', { code: 'DOUGH', name: 'Cookie dough (WIP)', unit: 'kg' })
  await ok('/api/v1/products', { code: 'CCC-12', name: 'Chocolate chip cookies 12 x 200 g', unit: 'case', gtin: '10614141000040', shelfLifeDays: 180 })
}

/** Receives a lot and returns its code; throws with the response when refused. */
export async function receive (app: App, product: string, supplier: string, quantity: number, extra: Record<string, unknown> = {}) {
  const r = await post(app, '/api/v1/receipts', { product, supplier, supplierLotCode: `${supplier}-${product}-${quantity}`, quantity, location: 'DOCK1', receivedAt: '2026-11-20', ...extra })
  if (r.status !== 201) throw new Error(`receive: ${r.status} ${JSON.stringify(r.body)}`)
  return r.body.lot.code as string
}

export async function countRows (db: Db, table: string): Promise<number> {
  return Number((await db.client.execute(`SELECT COUNT(*) AS n FROM ${table}`)).rows[0]!.n)
}

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient } from '@libsql/client'
import { describe, expect, onTestFinished, test } from 'vitest'
import { openDb } from '../../db/client.ts'
import { migrate } from '../../db/migrate.ts'
import { createSequenceLedger } from '../../db/sequences.ts'
import { buildApp } from '../../server/app.ts'
import { createAuth } from '../../server/domain/auth.ts'
import { buildTestApp, countRows, post, receive, seedBakery } from '../helpers/app.ts'
import { freePort } from '../helpers/server-process.ts'

const MESSAGE = 'The lot database cannot be reached: nothing was recorded. Try again; if it persists, call IT.'
const TABLES = ['events', 'movements', 'lots', 'batches', 'shipments', 'scans']
const receipt = { product: 'FLOUR', supplier: 'MILL', supplierLotCode: 'PM-77', quantity: 100, location: 'DOCK1' }

function expectRefusedJson (res: { statusCode: number, headers: Record<string, unknown>, json: () => any }) {
  expect(res.statusCode).toBe(503)
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
  expect(res.json()).toEqual({ error: { code: 'DB_UNAVAILABLE', message: MESSAGE } })
}

describe('another process holds the database file\'s write lock past the busy timeout', () => {
  async function lockedPlant () {
    const dir = mkdtempSync(join(tmpdir(), 'lotline-dbdown-'))
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
    const path = join(dir, 'plant.db')
    const db = openDb({ url: `file:${path}`, timeoutMs: 100 })
    onTestFinished(() => db.close())
    await migrate(db)
    const app = await buildTestApp({ db, stations: [{ code: 'RCV1', kind: 'receiving', location: 'DOCK1' }] })
    await seedBakery(app)
    const flour = await receive(app, 'FLOUR', 'MILL', 500)
    const other = createClient({ url: `file:${path}` })
    onTestFinished(() => other.close())
    const counts = async () => Object.fromEntries(await Promise.all(TABLES.map(async t => [t, await countRows(db, t)])))
    return { app, db, flour, other, counts }
  }

  test('receipts, batches and shipments answer 503 DB_UNAVAILABLE with Retry-After and record nothing; once released the same receipt is recorded', async () => {
    const { app, flour, other, counts } = await lockedPlant()
    const before = await counts()
    const held = await other.transaction('write') // BEGIN IMMEDIATE: the write lock, as a stalled kiosk would hold it

    for (const [url, payload] of [
      ['/api/v1/receipts', receipt],
      ['/api/v1/batches', { product: 'DOUGH', line: 'L1', inputs: [{ lot: flour, quantity: 10 }], output: { quantity: 10 } }],
      ['/api/v1/shipments', { customer: 'FRESHMART', shipFrom: 'DOCK2', lines: [{ lot: flour, quantity: 5 }] }]
    ] as const) {
      const res = await app.inject({ method: 'POST', url, payload })
      expectRefusedJson(res)
    }
    // Reads still work while only the write lock is held: the operator can look things up.
    expect((await app.inject({ method: 'GET', url: `/api/v1/lots/${flour}` })).statusCode).toBe(200)

    await held.rollback()
    expect(await counts()).toEqual(before)
    const again = await post(app, '/api/v1/receipts', receipt)
    expect(again.status).toBe(201)
    expect(await countRows(app.db, 'lots')).toBe(before.lots + 1)
  })

  test('a station page shows the same words, as a fragment for htmx and as a page otherwise', async () => {
    const { app, other, counts } = await lockedPlant()
    const before = await counts()
    const held = await other.transaction('write') // BEGIN IMMEDIATE: the write lock, as a stalled kiosk would hold it

    const fragment = await app.inject({ method: 'POST', url: '/stations/RCV1/scan', headers: { 'hx-request': 'true' }, payload: { data: ']C0PM-1', scanId: 'scan-while-locked-1' } })
    expect(fragment.statusCode).toBe(503)
    expect(fragment.headers['content-type']).toMatch(/text\/html/)
    expect(fragment.headers['retry-after']).toBeDefined()
    expect(fragment.body).toContain(MESSAGE)
    expect(fragment.body).not.toContain('<html')

    const page = await app.inject({ method: 'POST', url: '/stations/RCV1/scan', payload: { data: ']C0PM-1', scanId: 'scan-while-locked-1' } })
    expect(page.statusCode).toBe(503)
    expect(page.body).toContain('<html')
    expect(page.body).toContain(MESSAGE)
    expect(page.body).not.toContain('Something went wrong')

    await held.rollback()
    expect(await counts()).toEqual(before)
  })
})

describe('the plant\'s libSQL server cannot be reached', () => {
  async function unreachable (url: string, { auth = true } = {}) {
    const db = openDb({ url })
    onTestFinished(() => db.close())
    const app = await buildApp({ db, ledger: createSequenceLedger(null), timeZone: 'UTC', stations: [{ code: 'RCV1', kind: 'receiving', location: 'DOCK1' }], ...(auth ? { auth: createAuth({ db }) } : {}) })
    onTestFinished(() => app.close())
    return app
  }

  test.each(['http', 'ws'])('%s: a receipt, a trace and a page are refused clearly (503, not "Something went wrong")', async scheme => {
    const app = await unreachable(`${scheme}://127.0.0.1:${await freePort()}`)
    const bearer = { authorization: 'Bearer llt_any-token-the-server-cannot-check' }
    expectRefusedJson(await app.inject({ method: 'POST', url: '/api/v1/receipts', headers: bearer, payload: receipt }))
    expectRefusedJson(await app.inject({ method: 'GET', url: '/api/v1/trace/26001-RCV1-0001', headers: bearer }))
    // Whoever is asking cannot even be checked: /health says so too.
    expectRefusedJson(await app.inject({ method: 'GET', url: '/health', headers: bearer }))
    const page = await app.inject({ method: 'GET', url: '/lots/26001-RCV1-0001', headers: { ...bearer, accept: 'text/html' } })
    expect(page.statusCode).toBe(503)
    expect(page.body).toContain(MESSAGE)
  })

  test('past authentication, the write itself and the trace are refused the same way, and /health names the database as unreachable', async () => {
    // Without the auth plugin the request reaches the route, so the refusal comes from the write path.
    const app = await unreachable(`http://127.0.0.1:${await freePort()}`, { auth: false })
    expectRefusedJson(await app.inject({ method: 'POST', url: '/api/v1/receipts', payload: receipt }))
    expectRefusedJson(await app.inject({ method: 'GET', url: '/api/v1/trace/26001-RCV1-0001' }))
    const health = await app.inject({ method: 'GET', url: '/health' })
    expect(health.statusCode).toBe(503)
    expect(health.json()).toMatchObject({
      status: 'degraded', db: 'unreachable', dbError: expect.stringMatching(/ECONNREFUSED/),
      error: { code: 'DB_UNAVAILABLE', message: MESSAGE },
      stations: [{ code: 'RCV1', kind: 'receiving' }]
    })
  })
})

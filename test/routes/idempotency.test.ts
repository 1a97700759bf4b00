import { describe, expect, test } from 'vitest'
import { buildTestApp, countRows, get, post, receive, seedBakery } from '../helpers/app.ts'

type App = Awaited<ReturnType<typeof buildTestApp>>

async function counts (app: App) {
  const out: Record<string, number> = {}
  for (const t of ['events', 'movements', 'lots', 'batches', 'shipments']) out[t] = await countRows(app.db, t)
  return out
}

async function bakery () {
  const app = await buildTestApp()
  await seedBakery(app)
  return app
}

const receipt = { product: 'FLOUR', supplier: 'MILL', supplierLotCode: 'PM-2611-A', quantity: 1000, location: 'DOCK1', receivedAt: '2026-11-20' }

describe('a retried receipt', () => {
  test('the same requestId twice gives the same lot with replayed: true, and only one lot and event', async () => {
    const app = await bakery()
    const first = await post(app, '/api/v1/receipts', { ...receipt, requestId: 'erp-asn-4711' })
    expect(first.status).toBe(201)
    expect(first.body.replayed).toBe(false)
    const after = await counts(app)

    const second = await post(app, '/api/v1/receipts', { ...receipt, requestId: 'erp-asn-4711' })
    expect(second.status).toBe(201)
    expect(second.body).toMatchObject({ replayed: true, eventId: first.body.eventId, lot: { code: first.body.lot.code } })
    expect(await counts(app)).toEqual(after)
    expect(await countRows(app.db, 'lots')).toBe(1)
    expect((await get(app, `/api/v1/lots/${first.body.lot.code}`)).body.balance.received).toBe(1000)
  })

  test('the same Idempotency-Key header twice gives the same lot with replayed: true, and only one lot and event', async () => {
    const app = await bakery()
    const headers = { 'idempotency-key': '7d3c0f2e-kiosk-3' }
    const first = await post(app, '/api/v1/receipts', receipt, headers)
    expect(first.status).toBe(201)
    const second = await post(app, '/api/v1/receipts', receipt, headers)
    expect(second.status).toBe(201)
    expect(second.body).toMatchObject({ replayed: true, lot: { code: first.body.lot.code } })
    expect(await countRows(app.db, 'lots')).toBe(1)
    expect(await countRows(app.db, 'events')).toBe(1)
  })

  test('without a key, the same receipt twice is two lots (two real pallets)', async () => {
    const app = await bakery()
    const a = await post(app, '/api/v1/receipts', receipt)
    const b = await post(app, '/api/v1/receipts', receipt)
    expect(a.body.lot.code).not.toBe(b.body.lot.code)
    expect(await countRows(app.db, 'lots')).toBe(2)
  })
})

describe('a retried batch', () => {
  test('a one-call batch sent twice with one requestId yields one output lot and takes the inputs once', async () => {
    const app = await bakery()
    const flour = await receive(app, 'FLOUR', 'MILL', 1000)
    const body = { product: 'DOUGH', line: 'L1', inputs: [{ lot: flour, quantity: 100 }], output: { quantity: 100 }, requestId: 'wo-881-run-1' }
    const first = await post(app, '/api/v1/batches', body)
    expect(first.status).toBe(201)
    const after = await counts(app)

    const second = await post(app, '/api/v1/batches', body)
    expect(second.status, JSON.stringify(second.body)).toBe(201)
    expect(second.body).toMatchObject({ replayed: true, batch: { code: first.body.batch.code, status: 'closed' }, lot: { code: first.body.lot.code } })
    expect(await counts(app)).toEqual(after)
    expect((await get(app, `/api/v1/lots/${flour}`)).body.balance.onHand).toBe(900)
  })

  test('opening a batch twice with one Idempotency-Key opens one batch', async () => {
    const app = await bakery()
    const headers = { 'idempotency-key': 'open-L1-shift-2' }
    const first = await post(app, '/api/v1/batches', { product: 'DOUGH', line: 'L1' }, headers)
    const second = await post(app, '/api/v1/batches', { product: 'DOUGH', line: 'L1' }, headers)
    expect(second.status, JSON.stringify(second.body)).toBe(201)
    expect(second.body).toMatchObject({ replayed: true, batch: { code: first.body.batch.code, status: 'open' } })
    expect(await countRows(app.db, 'batches')).toBe(1)
  })

  test('an input fed twice with one requestId is taken once', async () => {
    const app = await bakery()
    const flour = await receive(app, 'FLOUR', 'MILL', 1000)
    const code = (await post(app, '/api/v1/batches', { product: 'DOUGH', line: 'L1' })).body.batch.code as string
    const feed = { lot: flour, quantity: 25, requestId: 'scan-0042' }
    expect((await post(app, `/api/v1/batches/${code}/inputs`, feed)).status).toBe(201)
    const again = await post(app, `/api/v1/batches/${code}/inputs`, feed)
    expect(again.status).toBe(201)
    expect(again.body.replayed).toBe(true)
    expect(again.body.batch.inputs).toHaveLength(1)
    expect((await get(app, `/api/v1/lots/${flour}`)).body.balance.onHand).toBe(975)
  })
})

describe('a retried shipment', () => {
  test('a shipment sent twice with one requestId ships once and does not take the quantity twice', async () => {
    const app = await bakery()
    const choc = await receive(app, 'CHOC', 'CHOCO', 100)
    const body = { customer: 'CORNER', shipFrom: 'DOCK2', referenceDocument: { type: 'BOL', number: '88002' }, lines: [{ lot: choc, quantity: 60 }], requestId: 'desadv-88002' }
    const first = await post(app, '/api/v1/shipments', body)
    expect(first.status).toBe(201)
    const after = await counts(app)

    // 60 + 60 would not even fit in the lot: a replay must not try to take it again.
    const second = await post(app, '/api/v1/shipments', body)
    expect(second.status, JSON.stringify(second.body)).toBe(201)
    expect(second.body.replayed).toBe(true)
    expect(second.body.shipment).toEqual(first.body.shipment)
    expect(await counts(app)).toEqual(after)
    expect((await get(app, `/api/v1/lots/${choc}`)).body.balance).toMatchObject({ shipped: 60, onHand: 40 })
  })

  test('a shipment retried with an Idempotency-Key header ships once', async () => {
    const app = await bakery()
    const choc = await receive(app, 'CHOC', 'CHOCO', 100)
    const body = { customer: 'CORNER', shipFrom: 'DOCK2', lines: [{ lot: choc, quantity: 30 }] }
    const first = await post(app, '/api/v1/shipments', body, { 'idempotency-key': 'truck-17' })
    const second = await post(app, '/api/v1/shipments', body, { 'idempotency-key': 'truck-17' })
    expect(second.status, JSON.stringify(second.body)).toBe(201)
    expect(second.body.shipment.id).toBe(first.body.shipment.id)
    expect(await countRows(app.db, 'shipments')).toBe(1)
    expect((await get(app, `/api/v1/lots/${choc}`)).body.balance.onHand).toBe(70)
  })
})

describe('a requestId reused for something else', () => {
  test('a receipt\'s requestId reused for a shipment is refused with 409 and nothing is shipped', async () => {
    const app = await bakery()
    const r = await post(app, '/api/v1/receipts', { ...receipt, requestId: 'dup-key' })
    const before = await counts(app)
    const ship = await post(app, '/api/v1/shipments', { customer: 'CORNER', shipFrom: 'DOCK2', lines: [{ lot: r.body.lot.code, quantity: 5 }], requestId: 'dup-key' })
    expect(ship.status).toBe(409)
    expect(ship.body.error.code).toBe('CONFLICT')
    expect(ship.body.error.message).toContain('dup-key')
    expect(ship.body.error.message).toContain('receiving')
    expect(await counts(app)).toEqual(before)
  })

  test('a batch\'s Idempotency-Key reused for a receipt is refused with 409', async () => {
    const app = await bakery()
    await post(app, '/api/v1/batches', { product: 'DOUGH', line: 'L1' }, { 'idempotency-key': 'k-1' })
    const r = await post(app, '/api/v1/receipts', receipt, { 'idempotency-key': 'k-1' })
    expect(r.status).toBe(409)
    expect(await countRows(app.db, 'lots')).toBe(0)
  })
})

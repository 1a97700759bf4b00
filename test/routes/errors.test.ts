import { describe, expect, test } from 'vitest'
import { buildTestApp, countRows, get, post, receive, seedBakery } from '../helpers/app.ts'

type App = Awaited<ReturnType<typeof buildTestApp>>
const TABLES = ['events', 'movements', 'lots', 'batches', 'shipments', 'voids', 'products', 'partners', 'locations', 'sequences']

async function counts (app: App) {
  const out: Record<string, number> = {}
  for (const t of TABLES) out[t] = await countRows(app.db, t)
  return out
}

async function bakery () {
  const app = await buildTestApp()
  await seedBakery(app)
  return app
}

const receipt = { product: 'FLOUR', supplier: 'MILL', supplierLotCode: 'PM-1', quantity: 100, location: 'DOCK1' }

/** Posts, expects the refusal status with a JSON error body, and checks nothing was written. */
async function refused (app: App, url: string, payload: unknown, status: number, headers: Record<string, string> = {}) {
  const before = await counts(app)
  const r = await post(app, url, payload, headers)
  expect(r.status, JSON.stringify(r.body)).toBe(status)
  expect(r.body.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }))
  expect(await counts(app)).toEqual(before)
  return r.body.error as { code: string, message: string }
}

describe('not found', () => {
  test('an unknown lot is 404 NOT_FOUND on the lot page and on the trace, naming the lot', async () => {
    const app = await buildTestApp()
    for (const url of ['/api/v1/lots/26001-X-0001', '/api/v1/trace/26001-X-0001', '/api/v1/trace/26001-X-0001?direction=forward']) {
      const r = await get(app, url)
      expect(r.status).toBe(404)
      expect(r.body.error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('26001-X-0001') })
    }
  })

  test('an unknown route is a JSON 404 too', async () => {
    const app = await buildTestApp()
    const r = await get(app, '/api/v1/nothing-here')
    expect(r.status).toBe(404)
    expect(r.body.error.code).toBe('NOT_FOUND')
  })
})

describe('schema violations are 422 naming the field', () => {
  test('a receipt without a quantity', async () => {
    const app = await bakery()
    const { quantity: _, ...noQuantity } = receipt
    const e = await refused(app, '/api/v1/receipts', noQuantity, 422)
    expect(e.code).toBe('INVALID')
    expect(e.message).toContain('quantity')
  })

  test('a negative or zero quantity', async () => {
    const app = await bakery()
    expect((await refused(app, '/api/v1/receipts', { ...receipt, quantity: -5 }, 422)).message).toContain('body.quantity')
    expect((await refused(app, '/api/v1/receipts', { ...receipt, quantity: 0 }, 422)).message).toContain('body.quantity')
  })

  test('a negative quantity deep inside a batch names the input line', async () => {
    const app = await bakery()
    const flour = await receive(app, 'FLOUR', 'MILL', 100)
    const e = await refused(app, '/api/v1/batches', { product: 'DOUGH', line: 'L1', inputs: [{ lot: flour, quantity: 1 }, { lot: flour, quantity: -1 }], output: { quantity: 1 } }, 422)
    expect(e.message).toContain('body.inputs.1.quantity')
  })

  test('a field the API does not know is refused, not silently dropped', async () => {
    const app = await bakery()
    const e = await refused(app, '/api/v1/receipts', { ...receipt, quantty: 5 }, 422)
    expect(e.message).toContain('quantty')
  })

  test('a trace direction other than backward, forward or both', async () => {
    const app = await bakery()
    const lot = await receive(app, 'FLOUR', 'MILL', 100)
    const r = await get(app, `/api/v1/trace/${lot}?direction=sideways`)
    expect(r.status).toBe(422)
    expect(r.body.error.message).toContain('querystring.direction')
  })

  test('a date that does not exist', async () => {
    const app = await bakery()
    const e = await refused(app, '/api/v1/receipts', { ...receipt, receivedAt: '2026-02-30' }, 422)
    expect(e.message).toContain('receivedAt')
  })
})

describe('GS1 keys and master data', () => {
  test('a GTIN with a wrong check digit is refused with 422', async () => {
    const app = await bakery()
    // 10614141000033 is valid (CHOC); the same digits ending in 4 are not.
    const e = await refused(app, '/api/v1/products', { code: 'BAD-GTIN', name: 'x', unit: 'kg', gtin: '10614141000034' }, 422)
    expect(e.message).toContain('check digit')
  })

  test('a GLN with a wrong check digit is refused with 422, for a partner and for a location', async () => {
    const app = await bakery()
    // 0614141000012 is valid (CHOCO); ending in 3 it is not.
    expect((await refused(app, '/api/v1/partners', { code: 'BADGLN', role: 'customer', name: 'x', gln: '0614141000013' }, 422)).message).toContain('check digit')
    expect((await refused(app, '/api/v1/locations', { code: 'D9', kind: 'dock', name: 'x', gln: '0614141000013' }, 422)).message).toContain('check digit')
  })

  test('a duplicate product code is 409, and so is a GTIN already used by another product', async () => {
    const app = await bakery()
    expect((await refused(app, '/api/v1/products', { code: 'FLOUR', name: 'Another flour', unit: 'kg' }, 409)).message).toContain('FLOUR')
    await refused(app, '/api/v1/products', { code: 'CHOC2', name: 'Chips again', unit: 'kg', gtin: '10614141000033' }, 409)
  })
})

describe('malformed and oversized requests', () => {
  test('malformed JSON is a 400 with a JSON error body', async () => {
    const app = await bakery()
    const before = await counts(app)
    const res = await app.inject({ method: 'POST', url: '/api/v1/receipts', payload: '{"product": "FLOUR", ', headers: { 'content-type': 'application/json' } })
    expect(res.statusCode).toBe(400)
    expect(res.headers['content-type']).toContain('application/json')
    expect(res.json().error).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('JSON') })
    expect(await counts(app)).toEqual(before)
  })

  test('a body over 1 MB is a 413 with a JSON error body', async () => {
    const app = await bakery()
    const before = await counts(app)
    const res = await app.inject({ method: 'POST', url: '/api/v1/receipts', payload: JSON.stringify({ ...receipt, note: 'x'.repeat(1024 * 1024) }), headers: { 'content-type': 'application/json' } })
    expect(res.statusCode).toBe(413)
    expect(res.json().error.code).toBe('TOO_LARGE')
    expect(await counts(app)).toEqual(before)
  })
})

describe('bad input is never a 500', () => {
  const nasty: Array<[string, Record<string, unknown>]> = [
    ['a word as the quantity', { quantity: 'twelve' }],
    ['an empty string as the quantity', { quantity: '' }],
    ['NaN as the quantity', { quantity: 'NaN' }],
    ['Infinity as the quantity', { quantity: 'Infinity' }],
    ['1e400 as the quantity', { quantity: '1e400' }],
    ['1e308 as the quantity', { quantity: 1e308 }],
    ['an object as the quantity', { quantity: { value: 5 } }],
    ['null as the quantity', { quantity: null }],
    ['a unit with digits', { unit: 'kg2' }],
    ['a unit in another script', { unit: 'килограмм' }],
    ['two products at once', { product: ['FLOUR', 'CHOC'] }],
    ['SQL as the product code', { product: "FLOUR' OR '1'='1" }],
    ['an unknown supplier', { supplier: 'NOBODY' }],
    ['a customer as the supplier', { supplier: 'CORNER' }],
    ['a supplier lot code over 40 characters', { supplierLotCode: 'L'.repeat(41) }],
    ['a blank supplier lot code', { supplierLotCode: '   ' }],
    ['a station code that cannot go into a lot number', { station: 'DOCK 1' }],
    ['an emoji station code', { station: '🍪' }],
    ['a receivedAt that is not a date', { receivedAt: "'); DROP TABLE lots;--" }],
    ['a QC temperature as text', { qc: { status: 'accepted', temperatureC: 'cold' } }],
    ['a QC status that does not exist', { qc: { status: 'maybe' } }],
    ['a reference document without a number', { referenceDocument: { type: 'PO' } }]
  ]
  test.each(nasty)('a receipt with %s is refused with a 4xx and nothing written', async (_, change) => {
    const app = await bakery()
    const before = await counts(app)
    const r = await post(app, '/api/v1/receipts', { ...receipt, ...change })
    expect(r.status, JSON.stringify(r.body)).toBeGreaterThanOrEqual(400)
    expect(r.status, JSON.stringify(r.body)).toBeLessThan(500)
    expect(r.body.error.message).toEqual(expect.any(String))
    expect(await counts(app)).toEqual(before)
  })

  test.each([
    ['an adjustment of 1e308 kg', { quantity: 1e308, reason: 'count' }],
    ['an adjustment of -1e308 kg', { quantity: -1e308, reason: 'count' }],
    ['an adjustment of Infinity', { quantity: 'Infinity', reason: 'count' }],
    ['an adjustment of 1e308 lb', { quantity: 1e308, unit: 'lb', reason: 'count' }],
    ['an adjustment in a unit that does not convert', { quantity: 5, unit: 'ea', reason: 'count' }]
  ])('%s is refused with a 4xx and the lot keeps its balance', async (_, body) => {
    const app = await bakery()
    const lot = await receive(app, 'FLOUR', 'MILL', 100)
    const before = await counts(app)
    const r = await post(app, `/api/v1/lots/${lot}/adjustments`, body)
    expect(r.status, JSON.stringify(r.body)).toBeGreaterThanOrEqual(400)
    expect(r.status, JSON.stringify(r.body)).toBeLessThan(500)
    expect(await counts(app)).toEqual(before)
    expect((await get(app, `/api/v1/lots/${lot}`)).body.balance.onHand).toBe(100)
  })

  test.each([
    ['1e308 lb', { quantity: 1e308, unit: 'lb' }],
    ['a quantity as text', { quantity: 'lots' }],
    ['a unit that is not a word', { quantity: 1, unit: '%' }]
  ])('a shipment line of %s is refused with a 4xx and nothing written', async (_, line) => {
    const app = await bakery()
    const lot = await receive(app, 'FLOUR', 'MILL', 100)
    await refused(app, '/api/v1/shipments', { customer: 'CORNER', shipFrom: 'DOCK2', lines: [{ lot, ...line }] }, 422)
  })

  test('a huge product weight, a NaN shelf life and a unicode product code are refused', async () => {
    const app = await bakery()
    for (const body of [
      { code: 'BIG', name: 'x', unit: 'kg', netWeightKg: 'Infinity' },
      { code: 'BIG2', name: 'x', unit: 'kg', netWeightKg: '-Infinity' },
      { code: 'NANS', name: 'x', unit: 'kg', shelfLifeDays: 'NaN' },
      { code: 'Käse', name: 'Cheese', unit: 'kg' },
      { code: 'P1', name: 'x', unit: '' }
    ]) {
      const r = await post(app, '/api/v1/products', body)
      expect(r.status, JSON.stringify(body) + JSON.stringify(r.body)).toBeGreaterThanOrEqual(400)
      expect(r.status).toBeLessThan(500)
    }
    expect(await countRows(app.db, 'products')).toBe(5)
  })

  test('unicode in names and supplier lot codes is stored as given and found again', async () => {
    const app = await bakery()
    expect((await post(app, '/api/v1/products', { code: 'KASE', name: 'Käse — Gruyère 🧀', unit: 'kg' })).status).toBe(201)
    const code = '批次-Ä-🍪'
    const r = await post(app, '/api/v1/receipts', { ...receipt, product: 'KASE', supplierLotCode: code })
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    expect(r.body.lot.product.name).toBe('Käse — Gruyère 🧀')
    const found = await get(app, `/api/v1/lots?supplierLot=${encodeURIComponent(code)}`)
    expect(found.body.lots.map((l: { code: string, supplierLotCode: string }) => [l.code, l.supplierLotCode])).toEqual([[r.body.lot.code, code]])
  })

  test('a supplier lot code that looks like SQL is stored literally, found again, and the tables are still there', async () => {
    const app = await bakery()
    const evil = "'); DROP TABLE lots;--"
    const r = await post(app, '/api/v1/receipts', { ...receipt, supplierLotCode: evil, note: 'Robert\'); DELETE FROM events; --' })
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    expect(r.body.lot.supplierLotCode).toBe(evil)
    const found = await get(app, `/api/v1/lots?supplierLot=${encodeURIComponent(evil)}`)
    expect(found.status).toBe(200)
    expect(found.body.lots).toHaveLength(1)
    expect(found.body.lots[0]).toMatchObject({ code: r.body.lot.code, supplierLotCode: evil })
    expect(await countRows(app.db, 'lots')).toBe(1)
    expect(await countRows(app.db, 'events')).toBe(1)
    const trace = await get(app, `/api/v1/trace/${r.body.lot.code}?direction=backward`)
    expect(trace.body.suppliers[0].lots[0].supplierLotCode).toBe(evil)
  })

  test('SQL or path tricks in a lot code in the URL are just an unknown lot', async () => {
    const app = await bakery()
    await receive(app, 'FLOUR', 'MILL', 100)
    for (const code of ["x' OR '1'='1", '%', '..%2F..%2Fetc%2Fpasswd', '%00']) {
      const r = await get(app, `/api/v1/lots/${encodeURIComponent(code)}`)
      expect([400, 404]).toContain(r.status)
      const t = await get(app, `/api/v1/trace/${encodeURIComponent(code)}`)
      expect([400, 404]).toContain(t.status)
    }
  })
})

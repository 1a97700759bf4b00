import { describe, expect, test } from 'vitest'
import { buildTestApp, countRows, get, post, receive, seedBakery } from '../helpers/app.ts'

type App = Awaited<ReturnType<typeof buildTestApp>>
const CUSTOMERS = Array.from({ length: 12 }, (_, i) => `CUST${String(i + 1).padStart(2, '0')}`)

async function cookiesLot (app: App, cases = 500) {
  const flour = await receive(app, 'FLOUR', 'MILL', 1000)
  const r = await post(app, '/api/v1/batches', { product: 'CCC-12', line: 'L1', inputs: [{ lot: flour, quantity: 250 }], output: { quantity: cases, completedAt: '2026-11-20' } })
  expect(r.status, JSON.stringify(r.body)).toBe(201)
  return { flour, cookies: r.body.lot.code as string }
}

describe('one lot shipped to many customers', () => {
  /** 500 cases to 12 customers over six days: customer i gets 10 + 5·i cases, on day 21 + (i mod 6). */
  async function spread () {
    const app = await buildTestApp()
    await seedBakery(app)
    for (const c of CUSTOMERS) {
      const r = await post(app, '/api/v1/partners', { code: c, role: 'customer', name: `Customer ${c}`, phone: '+1 555 0100', city: 'Springfield', state: 'IL', country: 'US' })
      expect(r.status).toBe(201)
    }
    const { flour, cookies } = await cookiesLot(app)
    const expected = CUSTOMERS.map((c, i) => ({ customer: c, quantity: 10 + 5 * i, shipDate: `2026-11-${21 + (i % 6)}`, bol: `BOL-${1000 + i}` }))
    for (const e of expected) {
      const r = await post(app, '/api/v1/shipments', { customer: e.customer, shipFrom: 'DOCK2', shippedAt: e.shipDate, referenceDocument: { type: 'BOL', number: e.bol }, lines: [{ lot: cookies, quantity: e.quantity }] })
      expect(r.status, JSON.stringify(r.body)).toBe(201)
    }
    return { app, flour, cookies, expected }
  }

  test('the forward trace lists all twelve customers with the quantity, date and document each got', async () => {
    const { app, cookies, expected } = await spread()
    const { status, body } = await get(app, `/api/v1/trace/${cookies}?direction=forward`)
    expect(status).toBe(200)
    expect(body.customers).toHaveLength(12)
    type Shipment = { shipmentId: number, shipDate: string, referenceDocument: { number: string }, lines: Array<{ lot: string, quantity: number }> }
    const byId = new Map<number, Shipment>(body.shipments.map((s: Shipment) => [s.shipmentId, s]))
    const got = body.customers.map((c: { customer: { code: string }, shipmentIds: number[], totals: Array<{ quantity: number }> }) => {
      const first = byId.get(c.shipmentIds[0]!)!
      expect(first.lines).toEqual([{ lot: cookies, quantity: c.totals[0]!.quantity, unit: 'case' }])
      return { customer: c.customer.code, quantity: c.totals[0]!.quantity, shipDate: first.shipDate, bol: first.referenceDocument.number, count: c.shipmentIds.length }
    })
    expect(got.sort((a: { customer: string }, b: { customer: string }) => a.customer.localeCompare(b.customer))).toEqual(expected.map(e => ({ ...e, count: 1 })))
    expect(body.customers[0].customer).toMatchObject({ phone: '+1 555 0100', city: 'Springfield', state: 'IL' })
  })

  test('shipments come oldest first, so a recall call list follows the calendar', async () => {
    const { app, cookies } = await spread()
    const { body } = await get(app, `/api/v1/trace/${cookies}?direction=forward`)
    const dates = body.shipments.map((s: { shipDate: string }) => s.shipDate)
    expect(dates).toEqual([...dates].sort())
    expect(dates[0]).toBe('2026-11-21')
    expect(dates.at(-1)).toBe('2026-11-26')
  })

  test('the mass balance shows shipped as the sum of the shipments and the rest on hand', async () => {
    const { app, cookies, expected } = await spread()
    const total = expected.reduce((s, e) => s + e.quantity, 0)
    expect(total).toBe(450)
    const { body } = await get(app, `/api/v1/lots/${cookies}`)
    expect(body.balance).toEqual({ unit: 'case', received: 0, produced: 500, consumed: 0, shipped: 450, adjusted: 0, onHand: 50 })
    expect(body.events.filter((e: { kind: string }) => e.kind === 'shipping')).toHaveLength(12)
  })

  test('a forward trace from the flour reaches the same twelve customers through the batch', async () => {
    const { app, flour } = await spread()
    const { body } = await get(app, `/api/v1/trace/${flour}?direction=forward`)
    expect(body.customers.map((c: { customer: { code: string } }) => c.customer.code).sort()).toEqual(CUSTOMERS)
  })
})

describe('shipping rules', () => {
  test('a lot rejected at receiving cannot be shipped: 409 and nothing written', async () => {
    const app = await buildTestApp()
    await seedBakery(app)
    const choc = await receive(app, 'CHOC', 'CHOCO', 100, { qc: { status: 'rejected', temperatureC: 14, note: 'bloom on the chips' } })
    const events = await countRows(app.db, 'events')
    const r = await post(app, '/api/v1/shipments', { customer: 'CORNER', shipFrom: 'DOCK2', lines: [{ lot: choc, quantity: 10 }] })
    expect(r.status).toBe(409)
    expect(r.body.error.code).toBe('CONFLICT')
    expect(r.body.error.message).toContain('rejected')
    expect(r.body.error.message).toContain(choc)
    expect(await countRows(app.db, 'events')).toBe(events)
    expect(await countRows(app.db, 'shipments')).toBe(0)
  })

  test('a lot rejected at receiving cannot go into a batch either', async () => {
    const app = await buildTestApp()
    await seedBakery(app)
    const choc = await receive(app, 'CHOC', 'CHOCO', 100, { qc: { status: 'rejected' } })
    const r = await post(app, '/api/v1/batches', { product: 'DOUGH', line: 'L1', inputs: [{ lot: choc, quantity: 10 }], output: { quantity: 10 } })
    expect(r.status).toBe(409)
    expect(r.body.error.message).toMatch(/^inputs\[0\]: .*rejected/)
  })

  test('a shipment to a partner set up only as a supplier is refused with 422 naming the partner', async () => {
    const app = await buildTestApp()
    await seedBakery(app)
    const { cookies } = await cookiesLot(app)
    const before = await countRows(app.db, 'events')
    const r = await post(app, '/api/v1/shipments', { customer: 'MILL', shipFrom: 'DOCK2', lines: [{ lot: cookies, quantity: 10 }] })
    expect(r.status).toBe(422)
    expect(r.body.error.message).toContain('Prairie Mills Inc. (MILL) is not set up as a customer')
    expect(await countRows(app.db, 'events')).toBe(before)
  })

  test('a partner set up as both supplier and customer can be shipped to', async () => {
    const app = await buildTestApp()
    await seedBakery(app)
    await post(app, '/api/v1/partners', { code: 'COPACK', role: 'both', name: 'Co-Packer Ltd' })
    const { cookies } = await cookiesLot(app)
    const r = await post(app, '/api/v1/shipments', { customer: 'COPACK', shipFrom: 'DOCK2', lines: [{ lot: cookies, quantity: 10 }] })
    expect(r.status, JSON.stringify(r.body)).toBe(201)
  })

  test('a shipment to an unknown customer is refused with 422', async () => {
    const app = await buildTestApp()
    await seedBakery(app)
    const { cookies } = await cookiesLot(app)
    const r = await post(app, '/api/v1/shipments', { customer: 'NOBODY', shipFrom: 'DOCK2', lines: [{ lot: cookies, quantity: 10 }] })
    expect(r.status).toBe(422)
    expect(r.body.error.message).toContain('NOBODY')
  })
})

describe('GET /api/v1/shipments/{id}', () => {
  test('shows the customer, ship-from, date, document and every line in the lot\'s unit', async () => {
    const app = await buildTestApp()
    await seedBakery(app)
    const { cookies } = await cookiesLot(app)
    const choc = await receive(app, 'CHOC', 'CHOCO', 50)
    const sent = await post(app, '/api/v1/shipments', {
      customer: 'HOTEL', shipFrom: 'DOCK2', shippedAt: '2026-11-24T15:30:00-06:00', referenceDocument: { type: 'BOL', number: 'H-77' },
      lines: [{ lot: cookies, quantity: 25 }, { lot: choc, quantity: 2000, unit: 'g' }]
    })
    expect(sent.status, JSON.stringify(sent.body)).toBe(201)
    expect(sent.body.replayed).toBe(false)
    const id = sent.body.shipment.id as number

    const { status, body } = await get(app, `/api/v1/shipments/${id}`)
    expect(status).toBe(200)
    expect(body.shipment).toEqual({
      id, eventId: sent.body.shipment.eventId, customer: 'HOTEL', shipFrom: 'DOCK2', shippedAt: '2026-11-24T15:30:00-06:00',
      referenceDocument: { type: 'BOL', number: 'H-77' },
      lines: [{ lot: cookies, product: 'CCC-12', quantity: 25, unit: 'case' }, { lot: choc, product: 'CHOC', quantity: 2, unit: 'kg' }],
      voided: false
    })
  })

  test('an unknown shipment is 404 and a non-numeric id is 422', async () => {
    const app = await buildTestApp()
    const missing = await get(app, '/api/v1/shipments/999')
    expect(missing.status).toBe(404)
    expect(missing.body.error.code).toBe('NOT_FOUND')
    expect((await get(app, '/api/v1/shipments/abc')).status).toBe(422)
  })
})

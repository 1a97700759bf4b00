import { describe, expect, test } from 'vitest'
import { buildTestApp, get, post, receive, seedBakery } from '../helpers/app.ts'

type App = Awaited<ReturnType<typeof buildTestApp>>

async function produce (app: App, inputs: Array<{ lot: string, quantity: number }>, quantity = 10) {
  const r = await post(app, '/api/v1/batches', { product: 'DOUGH', line: 'L1', inputs, output: { quantity } })
  expect(r.status, JSON.stringify(r.body)).toBe(201)
  return { batch: r.body.batch.code as string, lot: r.body.lot.code as string }
}

/**
 * Writes a consumption straight into the tables, as a bad import or a hand-edited database
 * could: `lot` consumed into `batch`, with its own batch_input event.
 */
async function consumeBehindTheDomain (app: App, lot: string, batch: string) {
  const c = app.db.client
  const ids = await c.execute({ sql: 'SELECT (SELECT id FROM lots WHERE code = ?) AS lot_id, (SELECT id FROM batches WHERE code = ?) AS batch_id', args: [lot, batch] })
  const lotId = Number(ids.rows[0]!.lot_id)
  const batchId = Number(ids.rows[0]!.batch_id)
  const ev = await c.execute({
    sql: "INSERT INTO events (kind, occurred_at, recorded_at, user_name, batch_id) VALUES ('batch_input', '2026-11-24', '2026-11-24T00:00:00Z', 'import', ?) RETURNING id",
    args: [batchId]
  })
  await c.execute({
    sql: "INSERT INTO movements (event_id, lot_id, kind, quantity, entered_quantity, entered_unit, batch_id) VALUES (?, ?, 'consumed', -1, 1, 'kg', ?)",
    args: [Number(ev.rows[0]!.id), lotId, batchId]
  })
}

/** A trace, timed from outside: a hang would never return, so any answer within seconds is the point. */
async function timedTrace (app: App, lot: string, direction = 'both') {
  const started = performance.now()
  const r = await get(app, `/api/v1/trace/${lot}?direction=${direction}`)
  return { ...r, ms: performance.now() - started }
}

const codes = (body: { lots: Array<{ code: string }> }) => body.lots.map(l => l.code)

describe('a loop left by a data error', () => {
  test('a batch consuming its own output lot: the trace returns at once with each lot once', async () => {
    const app = await buildTestApp()
    await seedBakery(app)
    const flour = await receive(app, 'FLOUR', 'MILL', 100)
    const b = await produce(app, [{ lot: flour, quantity: 10 }])
    await consumeBehindTheDomain(app, b.lot, b.batch)

    for (const [from, direction] of [[b.lot, 'both'], [b.lot, 'backward'], [b.lot, 'forward'], [flour, 'forward']] as const) {
      const { status, body, ms } = await timedTrace(app, from, direction)
      expect(status).toBe(200)
      expect(ms).toBeLessThan(2000)
      expect(new Set(codes(body)).size).toBe(codes(body).length)
    }
    const { body } = await timedTrace(app, b.lot, 'backward')
    expect(codes(body).sort()).toEqual([flour, b.lot].sort())
    expect(body.edges).toContainEqual(expect.objectContaining({ from: b.lot, to: b.lot }))
  })

  test('A → B → A across two batches: traces from either lot and from the flour end, each lot once', async () => {
    const app = await buildTestApp()
    await seedBakery(app)
    const flour = await receive(app, 'FLOUR', 'MILL', 100)
    const a = await produce(app, [{ lot: flour, quantity: 10 }])
    const b = await produce(app, [{ lot: a.lot, quantity: 5 }])
    await consumeBehindTheDomain(app, b.lot, a.batch) // B's output fed back into A

    for (const from of [a.lot, b.lot, flour]) {
      const { status, body, ms } = await timedTrace(app, from)
      expect(status).toBe(200)
      expect(ms).toBeLessThan(2000)
      expect(codes(body).sort()).toEqual([flour, a.lot, b.lot].sort())
    }
    const back = await timedTrace(app, a.lot, 'backward')
    expect(back.body.edges.map((e: { from: string, to: string }) => `${e.from}>${e.to}`).sort()).toEqual([`${flour}>${a.lot}`, `${b.lot}>${a.lot}`, `${a.lot}>${b.lot}`].sort())
    expect(back.body.suppliers.map((s: { supplier: { code: string } }) => s.supplier.code)).toEqual(['MILL'])
  })

  test('a three-lot cycle with shipments still lists each customer once per shipment', async () => {
    const app = await buildTestApp()
    await seedBakery(app)
    const flour = await receive(app, 'FLOUR', 'MILL', 100)
    const a = await produce(app, [{ lot: flour, quantity: 10 }], 50)
    const b = await produce(app, [{ lot: a.lot, quantity: 10 }], 50)
    const c = await produce(app, [{ lot: b.lot, quantity: 10 }], 50)
    await consumeBehindTheDomain(app, c.lot, a.batch)
    await post(app, '/api/v1/shipments', { customer: 'CORNER', shipFrom: 'DOCK2', lines: [{ lot: c.lot, quantity: 5 }] })
    const { status, body } = await timedTrace(app, flour, 'forward')
    expect(status).toBe(200)
    expect(codes(body).sort()).toEqual([flour, a.lot, b.lot, c.lot].sort())
    expect(body.shipments).toHaveLength(1)
    expect(body.customers.map((x: { customer: { code: string } }) => x.customer.code)).toEqual(['CORNER'])
  })
})

describe('a deep chain of WIP', () => {
  test('200 levels, each batch consuming the previous batch\'s output, trace back to the first ingredient lot and forward to the last', async () => {
    const app = await buildTestApp()
    await seedBakery(app)
    const flour = await receive(app, 'FLOUR', 'MILL', 1000, { supplierLotCode: 'PM-ROOT' })
    const chain = [flour]
    for (let i = 0; i < 200; i++) chain.push((await produce(app, [{ lot: chain.at(-1)!, quantity: 1 }], 5)).lot)
    const last = chain.at(-1)!

    const back = await timedTrace(app, last, 'backward')
    expect(back.status).toBe(200)
    expect(back.ms).toBeLessThan(5000)
    expect(back.body.lots).toHaveLength(201)
    expect(codes(back.body).sort()).toEqual([...chain].sort())
    expect(back.body.edges).toHaveLength(200)
    expect(back.body.suppliers).toHaveLength(1)
    expect(back.body.suppliers[0].lots[0]).toMatchObject({ lot: flour, supplierLotCode: 'PM-ROOT' })

    const fwd = await timedTrace(app, flour, 'forward')
    expect(fwd.status).toBe(200)
    expect(codes(fwd.body)).toContain(last)
    expect(fwd.body.lots).toHaveLength(201)
  })
})

import { describe, expect, test } from 'vitest'
import { buildTestApp, countRows, get, post, receive, seedBakery } from '../helpers/app.ts'

type App = Awaited<ReturnType<typeof buildTestApp>>

async function balance (app: App, lot: string) {
  const r = await get(app, `/api/v1/lots/${lot}`)
  expect(r.status).toBe(200)
  return r.body.balance as { received: number, produced: number, consumed: number, shipped: number, adjusted: number, onHand: number }
}

/** Dough fed over time: flour 120 kg and chocolate 30 kg (the chocolate keyed by mistake), then closed. */
async function doughWithAMistake () {
  const app = await buildTestApp()
  await seedBakery(app)
  const flour = await receive(app, 'FLOUR', 'MILL', 1000)
  const choc = await receive(app, 'CHOC', 'CHOCO', 400)
  const opened = await post(app, '/api/v1/batches', { product: 'DOUGH', line: 'L1' })
  const batch = opened.body.batch.code as string
  await post(app, `/api/v1/batches/${batch}/inputs`, { lot: flour, quantity: 120 })
  const wrong = await post(app, `/api/v1/batches/${batch}/inputs`, { lot: choc, quantity: 30, user: 'maria' })
  expect(wrong.status).toBe(201)
  const wrongEventId = (wrong.body.batch.inputs as Array<{ lotCode: string, eventId: number }>).find(i => i.lotCode === choc)!.eventId
  const closed = await post(app, `/api/v1/batches/${batch}/close`, { quantity: 150 })
  return { app, flour, choc, batch, dough: closed.body.lot.code as string, wrongEventId }
}

describe('voiding an event', () => {
  test('a voided batch input disappears from both traces and the lot gets its quantity back', async () => {
    const { app, flour, choc, dough, wrongEventId } = await doughWithAMistake()
    expect((await balance(app, choc)).onHand).toBe(370)

    const r = await post(app, `/api/v1/events/${wrongEventId}/void`, { reason: 'scanned the wrong chocolate lot', user: 'supervisor.kim' })
    expect(r.status, JSON.stringify(r.body)).toBe(201)

    const back = await get(app, `/api/v1/trace/${dough}?direction=backward`)
    expect(back.body.edges.map((e: { from: string }) => e.from)).toEqual([flour])
    const fwd = await get(app, `/api/v1/trace/${choc}?direction=forward`)
    expect(fwd.body.edges).toEqual([])
    expect(fwd.body.lots.map((l: { code: string }) => l.code)).toEqual([choc])
    expect(await balance(app, choc)).toMatchObject({ received: 400, consumed: 0, onHand: 400 })
  })

  test('the original event is kept and shows who voided it; the void names the original, the reason and the user', async () => {
    const { app, choc, batch, wrongEventId } = await doughWithAMistake()
    const eventsBefore = await countRows(app.db, 'events')
    const r = await post(app, `/api/v1/events/${wrongEventId}/void`, { reason: 'scanned the wrong chocolate lot', user: 'supervisor.kim' })
    const voidId = r.body.voidEventId as number
    expect(r.body.voided).toMatchObject({ id: wrongEventId, kind: 'batch_input', voidedBy: voidId })
    expect(await countRows(app.db, 'events')).toBe(eventsBefore + 1)

    const original = await get(app, `/api/v1/events/${wrongEventId}`)
    expect(original.status).toBe(200)
    expect(original.body.event).toMatchObject({ id: wrongEventId, kind: 'batch_input', user: 'maria', batch, voidedBy: voidId })
    const theVoid = await get(app, `/api/v1/events/${voidId}`)
    expect(theVoid.body.event).toMatchObject({ kind: 'void', correctsEventId: wrongEventId, reason: 'scanned the wrong chocolate lot', user: 'supervisor.kim', voidedBy: null })

    // The lot's history shows the input, and the void beside it.
    const lot = await get(app, `/api/v1/lots/${choc}`)
    expect(lot.body.events.map((e: { id: number, kind: string }) => [e.id, e.kind])).toEqual(
      expect.arrayContaining([[wrongEventId, 'batch_input'], [voidId, 'void']]))
    const batchView = await get(app, `/api/v1/batches/${batch}`)
    expect(batchView.body.batch.inputs.map((i: { lotCode: string }) => i.lotCode)).not.toContain(choc)
  })

  test('voiding the same event twice is refused with 409 and records nothing more', async () => {
    const { app, wrongEventId } = await doughWithAMistake()
    expect((await post(app, `/api/v1/events/${wrongEventId}/void`, { reason: 'wrong lot', user: 'kim' })).status).toBe(201)
    const events = await countRows(app.db, 'events')
    const again = await post(app, `/api/v1/events/${wrongEventId}/void`, { reason: 'wrong lot again', user: 'kim' })
    expect(again.status).toBe(409)
    expect(again.body.error.message).toContain('already voided')
    expect(await countRows(app.db, 'events')).toBe(events)
  })

  test('a void without a reason is refused with 422 naming the reason, and nothing changes', async () => {
    const { app, choc, wrongEventId } = await doughWithAMistake()
    const events = await countRows(app.db, 'events')
    const missing = await post(app, `/api/v1/events/${wrongEventId}/void`, { user: 'kim' })
    expect(missing.status).toBe(422)
    expect(missing.body.error.message).toContain('reason')
    const blank = await post(app, `/api/v1/events/${wrongEventId}/void`, { reason: '   ', user: 'kim' })
    expect(blank.status).toBe(422)
    expect(await countRows(app.db, 'events')).toBe(events)
    expect((await balance(app, choc)).onHand).toBe(370)
  })

  test('an unknown event is 404', async () => {
    const app = await buildTestApp()
    const r = await post(app, '/api/v1/events/9999/void', { reason: 'no such thing' })
    expect(r.status).toBe(404)
  })

  test('a receipt whose lot was already used cannot be voided: 409 naming the lot', async () => {
    const { app, flour } = await doughWithAMistake()
    const lot = await get(app, `/api/v1/lots/${flour}`)
    const receiptId = lot.body.events.find((e: { kind: string }) => e.kind === 'receiving').id as number
    const events = await countRows(app.db, 'events')
    const r = await post(app, `/api/v1/events/${receiptId}/void`, { reason: 'keyed twice', user: 'kim' })
    expect(r.status).toBe(409)
    expect(r.body.error.message).toContain(flour)
    expect(await countRows(app.db, 'events')).toBe(events)
    expect((await get(app, `/api/v1/lots/${flour}`)).body.lot.voided).toBe(false)
  })

  test('an unused receipt can be voided: the lot is marked voided and can no longer be used', async () => {
    const app = await buildTestApp()
    await seedBakery(app)
    const flour = await receive(app, 'FLOUR', 'MILL', 500)
    const receiptId = (await get(app, `/api/v1/lots/${flour}`)).body.events[0].id as number
    expect((await post(app, `/api/v1/events/${receiptId}/void`, { reason: 'keyed twice', user: 'kim' })).status).toBe(201)
    const lot = await get(app, `/api/v1/lots/${flour}`)
    expect(lot.body.lot.voided).toBe(true)
    expect(lot.body.balance.onHand).toBe(0)
    const use = await post(app, '/api/v1/shipments', { customer: 'CORNER', shipFrom: 'DOCK2', lines: [{ lot: flour, quantity: 1 }] })
    expect(use.status).toBe(409)
    expect(use.body.error.message).toContain('voided')
  })

  test('voiding a shipment puts its quantity back on the lot and takes the customer off the forward trace', async () => {
    const app = await buildTestApp()
    await seedBakery(app)
    const choc = await receive(app, 'CHOC', 'CHOCO', 100)
    const sent = await post(app, '/api/v1/shipments', { customer: 'CORNER', shipFrom: 'DOCK2', lines: [{ lot: choc, quantity: 40 }] })
    await post(app, '/api/v1/shipments', { customer: 'HOTEL', shipFrom: 'DOCK2', lines: [{ lot: choc, quantity: 10 }] })
    expect((await balance(app, choc)).onHand).toBe(50)

    const r = await post(app, `/api/v1/events/${sent.body.shipment.eventId}/void`, { reason: 'truck never left', user: 'kim' })
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    expect(await balance(app, choc)).toMatchObject({ shipped: 10, onHand: 90 })
    const shipment = await get(app, `/api/v1/shipments/${sent.body.shipment.id}`)
    expect(shipment.body.shipment.voided).toBe(true)
    const fwd = await get(app, `/api/v1/trace/${choc}?direction=forward`)
    expect(fwd.body.customers.map((c: { customer: { code: string } }) => c.customer.code)).toEqual(['HOTEL'])
  })

  test('voiding a batch close takes the output lot out of the traces and reopens the batch', async () => {
    const { app, choc, batch, dough } = await doughWithAMistake()
    const closeId = (await get(app, `/api/v1/lots/${dough}`)).body.events.find((e: { kind: string }) => e.kind === 'batch_close').id as number
    expect((await post(app, `/api/v1/events/${closeId}/void`, { reason: 'wrong output quantity', user: 'kim' })).status).toBe(201)
    expect((await get(app, `/api/v1/batches/${batch}`)).body.batch.status).toBe('open')
    const fwd = await get(app, `/api/v1/trace/${choc}?direction=forward`)
    expect(fwd.body.edges).toEqual([])
    expect(fwd.body.openBatches.map((b: { batch: string }) => b.batch)).toEqual([batch])
  })
})

describe('cancelling a batch', () => {
  // The API does not return a batch's open event id; an integrator would read it from the event log.
  const openEventOf = async (app: App, code: string) =>
    Number((await app.db.client.execute({ sql: 'SELECT open_event_id FROM batches WHERE code = ?', args: [code] })).rows[0]!.open_event_id)

  test('voiding the open event of an empty batch cancels it, and it takes no inputs any more', async () => {
    const app = await buildTestApp()
    await seedBakery(app)
    const flour = await receive(app, 'FLOUR', 'MILL', 100)
    const code = (await post(app, '/api/v1/batches', { product: 'DOUGH', line: 'L1' })).body.batch.code as string
    const r = await post(app, `/api/v1/events/${await openEventOf(app, code)}/void`, { reason: 'opened on the wrong line', user: 'kim' })
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    expect((await get(app, `/api/v1/batches/${code}`)).body.batch.status).toBe('cancelled')
    const late = await post(app, `/api/v1/batches/${code}/inputs`, { lot: flour, quantity: 1 })
    expect(late.status).toBe(409)
    expect(late.body.error.message).toContain('cancelled')
  })

  test('a batch that already has inputs cannot be cancelled by voiding its open event: 409', async () => {
    const { app, batch } = await doughWithAMistake()
    const r = await post(app, `/api/v1/events/${await openEventOf(app, batch)}/void`, { reason: 'mistake', user: 'kim' })
    expect(r.status).toBe(409)
    expect(r.body.error.message).toContain(batch)
    expect((await get(app, `/api/v1/batches/${batch}`)).body.batch.status).toBe('closed')
  })
})

describe('adjusting a lot', () => {
  test('a signed adjustment changes on-hand and shows as adjusted in the mass balance', async () => {
    const app = await buildTestApp()
    await seedBakery(app)
    const flour = await receive(app, 'FLOUR', 'MILL', 100)
    const down = await post(app, `/api/v1/lots/${flour}/adjustments`, { quantity: -2.5, reason: 'spilled at the mixer', user: 'maria' })
    expect(down.status, JSON.stringify(down.body)).toBe(201)
    expect(down.body.balance).toMatchObject({ received: 100, adjusted: -2.5, onHand: 97.5 })
    const up = await post(app, `/api/v1/lots/${flour}/adjustments`, { quantity: 1000, unit: 'g', reason: 'cycle count found one more bag' })
    expect(up.status).toBe(201)
    expect(await balance(app, flour)).toMatchObject({ received: 100, adjusted: -1.5, onHand: 98.5 })
    const event = await get(app, `/api/v1/events/${down.body.eventId}`)
    expect(event.body.event).toMatchObject({ kind: 'adjustment', reason: 'spilled at the mixer', user: 'maria' })
  })

  test('an adjustment that would take the lot below zero is refused with 409 and nothing written', async () => {
    const app = await buildTestApp()
    await seedBakery(app)
    const flour = await receive(app, 'FLOUR', 'MILL', 100)
    await post(app, '/api/v1/shipments', { customer: 'CORNER', shipFrom: 'DOCK2', lines: [{ lot: flour, quantity: 70 }] })
    const movements = await countRows(app.db, 'movements')
    const r = await post(app, `/api/v1/lots/${flour}/adjustments`, { quantity: -31, reason: 'count' })
    expect(r.status).toBe(409)
    expect(r.body.error.code).toBe('INSUFFICIENT_QUANTITY')
    expect(r.body.error.message).toContain('has 30 kg left')
    expect(await countRows(app.db, 'movements')).toBe(movements)
    expect((await post(app, `/api/v1/lots/${flour}/adjustments`, { quantity: -30, reason: 'count' })).status).toBe(201)
    expect((await balance(app, flour)).onHand).toBe(0)
  })

  test('an adjustment needs a reason and a non-zero quantity', async () => {
    const app = await buildTestApp()
    await seedBakery(app)
    const flour = await receive(app, 'FLOUR', 'MILL', 100)
    expect((await post(app, `/api/v1/lots/${flour}/adjustments`, { quantity: -1 })).status).toBe(422)
    expect((await post(app, `/api/v1/lots/${flour}/adjustments`, { quantity: 0, reason: 'nothing' })).status).toBe(422)
    expect((await post(app, '/api/v1/lots/NOPE/adjustments', { quantity: 1, reason: 'found' })).status).toBe(404)
    expect((await balance(app, flour)).adjusted).toBe(0)
  })
})

describe('history cannot be edited, even with a SQL prompt', () => {
  async function withHistory () {
    const app = await buildTestApp()
    await seedBakery(app)
    const flour = await receive(app, 'FLOUR', 'MILL', 100)
    await post(app, '/api/v1/shipments', { customer: 'CORNER', shipFrom: 'DOCK2', lines: [{ lot: flour, quantity: 10 }] })
    return app
  }

  test.each([
    ["UPDATE events SET user_name = 'x'"],
    ['DELETE FROM events'],
    ['UPDATE movements SET quantity = 1000'],
    ['DELETE FROM movements'],
    ["UPDATE lots SET supplier_lot_code = 'FORGED'"],
    ['DELETE FROM lots']
  ])('the database refuses %s', async (sql) => {
    const app = await withHistory()
    const before = await Promise.all(['events', 'movements', 'lots'].map(t => countRows(app.db, t)))
    await expect(app.db.client.execute(sql)).rejects.toThrow(/append-only/)
    expect(await Promise.all(['events', 'movements', 'lots'].map(t => countRows(app.db, t)))).toEqual(before)
    const users = await app.db.client.execute('SELECT DISTINCT user_name FROM events')
    expect(users.rows.map(r => r.user_name)).not.toContain('x')
  })

  test('a void cannot be removed to bring a cancelled event back', async () => {
    const app = await withHistory()
    const shipment = await app.db.client.execute('SELECT event_id FROM shipments LIMIT 1')
    await post(app, `/api/v1/events/${Number(shipment.rows[0]!.event_id)}/void`, { reason: 'test void' })
    await expect(app.db.client.execute('DELETE FROM voids')).rejects.toThrow(/append-only/)
  })
})

import { describe, expect, test } from 'vitest'
import { buildTestApp, post, receive, seedBakery } from '../helpers/app.ts'

type App = Awaited<ReturnType<typeof buildTestApp>>

/** The light lookup a scan makes agrees with the full one: the lot's own fields and the balance, exactly. */
async function sameAsGetLot (app: App, code: string) {
  const light = await app.lots.getLotBalance(code)
  const full = await app.lots.getLot(code)
  expect(light).not.toBeNull()
  expect(light!.balance).toStrictEqual(full!.balance)
  expect(full!.lot).toMatchObject(light!.lot)
  return light!
}

describe('getLotWithBalance (a lot and its balance, without its events)', () => {
  test('gives the same balance as getLot for a lot with voided uses, an adjustment and a shipment', async () => {
    const app = await buildTestApp()
    await seedBakery(app)
    const flour = await receive(app, 'FLOUR', 'MILL', 1000.1)
    const opened = await post(app, '/api/v1/batches', { product: 'DOUGH', line: 'L1' })
    const batch = opened.body.batch.code as string
    await post(app, `/api/v1/batches/${batch}/inputs`, { lot: flour, quantity: 120.3 })
    const wrong = await post(app, `/api/v1/batches/${batch}/inputs`, { lot: flour, quantity: 30.7 })
    const wrongId = (wrong.body.batch.inputs as Array<{ eventId: number }>).at(-1)!.eventId
    expect((await post(app, `/api/v1/events/${wrongId}/void`, { reason: 'keyed twice' })).status).toBe(201)
    expect((await post(app, `/api/v1/lots/${flour}/adjustments`, { quantity: -0.2, reason: 'spilt' })).status).toBe(201)
    const shipped = await post(app, '/api/v1/shipments', { customer: 'CORNER', shipFrom: 'DOCK2', lines: [{ lot: flour, quantity: 3.3 }] })
    expect(shipped.status).toBe(201)
    expect((await post(app, `/api/v1/events/${shipped.body.shipment.eventId}/void`, { reason: 'truck left without it' })).status).toBe(201)

    const { lot, balance } = await sameAsGetLot(app, flour)
    expect(balance).toMatchObject({ unit: 'kg', received: 1000.1, consumed: 120.3, shipped: 0, adjusted: -0.2, onHand: 879.6 })
    expect(lot).toMatchObject({ code: flour, unit: 'kg', origin: 'received', voided: false, product: { code: 'FLOUR' } })
  })

  test('a voided receipt: the lot is voided and nothing is on hand, as getLot says', async () => {
    const app = await buildTestApp()
    await seedBakery(app)
    const choc = await receive(app, 'CHOC', 'CHOCO', 50, { qc: { status: 'rejected', note: 'warm' } })
    const receipt = (await app.lots.getLot(choc))!.events[0]!.id
    expect((await post(app, `/api/v1/events/${receipt}/void`, { reason: 'wrong delivery' })).status).toBe(201)
    const { lot, balance } = await sameAsGetLot(app, choc)
    expect(lot).toMatchObject({ voided: true, qc: { status: 'rejected', note: 'warm' } })
    expect(balance.onHand).toBe(0)
  })

  test('an unknown code is null', async () => {
    const app = await buildTestApp()
    expect(await app.lots.getLotBalance('NO-SUCH-LOT')).toBeNull()
  })
})

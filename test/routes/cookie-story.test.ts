import { describe, expect, test } from 'vitest'
import { buildTestApp, get, post, receive, seedBakery } from '../helpers/app.ts'

/**
 * A customer calls about a package of cookies. From the case's lot, the quality manager finds the
 * flour, chocolate and packaging lots, and from the chocolate lot every customer who got product.
 */
describe('the cookie story', () => {
  async function plant () {
    const app = await buildTestApp()
    await seedBakery(app)
    const flour = await receive(app, 'FLOUR', 'MILL', 1000, { supplierLotCode: 'PM-2611-A', referenceDocument: { type: 'PO', number: '4500' } })
    const choc = await receive(app, 'CHOC', 'CHOCO', 400, { supplierLotCode: 'CW-77812', referenceDocument: { type: 'BOL', number: 'CW-BOL-9' } })
    const film = await receive(app, 'FILM', 'PACK', 20, { supplierLotCode: 'FX-001' })
    const batch = async (inputs: Array<{ lot: string, quantity: number, unit?: string }>, quantity: number) => {
      const r = await post(app, '/api/v1/batches', { product: 'CCC-12', line: 'L1', inputs, output: { quantity, completedAt: '2026-11-21' }, referenceDocument: { type: 'batch log', number: 'BL-1' } })
      expect(r.status, JSON.stringify(r.body)).toBe(201)
      return r.body.lot.code as string
    }
    const cookiesA = await batch([{ lot: flour, quantity: 60 }, { lot: choc, quantity: 18 }, { lot: film, quantity: 1 }], 120)
    const cookiesB = await batch([{ lot: flour, quantity: 55 }, { lot: choc, quantity: 16 }, { lot: film, quantity: 1 }], 110)
    const ship = async (customer: string, lines: Array<{ lot: string, quantity: number }>, bol: string) => {
      const r = await post(app, '/api/v1/shipments', { customer, shipFrom: 'DOCK2', shippedAt: '2026-11-22', referenceDocument: { type: 'BOL', number: bol }, lines })
      expect(r.status, JSON.stringify(r.body)).toBe(201)
    }
    await ship('FRESHMART', [{ lot: cookiesA, quantity: 40 }], '88001')
    await ship('CORNER', [{ lot: cookiesA, quantity: 30 }, { lot: cookiesB, quantity: 20 }], '88002')
    await ship('CAMPUS', [{ lot: cookiesB, quantity: 50 }], '88003')
    return { app, flour, choc, film, cookiesA, cookiesB }
  }

  test('the complained-about case traces back to its flour, chocolate and packaging lots with supplier lot codes', async () => {
    const { app, flour, choc, film, cookiesA } = await plant()
    const { status, body } = await get(app, `/api/v1/trace/${cookiesA}?direction=backward`)
    expect(status).toBe(200)
    expect(body.edges.map((e: { from: string }) => e.from).sort()).toEqual([flour, choc, film].sort())
    const chocEdge = body.edges.find((e: { from: string }) => e.from === choc)
    expect(chocEdge).toMatchObject({ to: cookiesA, quantity: 18, unit: 'kg' })
    const supplierLots = body.suppliers.flatMap((s: { supplier: { code: string }, lots: Array<{ supplierLotCode: string }> }) => s.lots.map(l => `${s.supplier.code}:${l.supplierLotCode}`))
    expect(supplierLots.sort()).toEqual(['CHOCO:CW-77812', 'MILL:PM-2611-A', 'PACK:FX-001'])
    const cw = body.suppliers.find((s: { supplier: { code: string } }) => s.supplier.code === 'CHOCO')
    expect(cw.lots[0]).toMatchObject({ lot: choc, quantity: 400, unit: 'kg', referenceDocument: { type: 'BOL', number: 'CW-BOL-9' } })
    expect(body.customers).toEqual([]) // backward only
  })

  test('forward from the chocolate lot reaches every customer with ship dates, quantities and documents', async () => {
    const { app, choc, cookiesA, cookiesB } = await plant()
    const { status, body } = await get(app, `/api/v1/trace/${choc}?direction=forward`)
    expect(status).toBe(200)
    expect(body.edges.map((e: { to: string }) => e.to).sort()).toEqual([cookiesA, cookiesB].sort())
    const calls = body.customers.map((c: { customer: { code: string, phone: string } }) => c.customer.code)
    expect(calls.sort()).toEqual(['CAMPUS', 'CORNER', 'FRESHMART'])
    const corner = body.customers.find((c: { customer: { code: string } }) => c.customer.code === 'CORNER')
    expect(corner.customer).toMatchObject({ contact: 'CORNER QA', email: 'qa@corner.example' })
    expect(corner).toMatchObject({ lines: 2, totals: [{ unit: 'case', quantity: 50 }], firstShipDate: '2026-11-22', lastShipDate: '2026-11-22' })
    type Shipment = { shipmentId: number, customer: string, shipDate: string, referenceDocument: unknown, lines: Array<{ lot: string, quantity: number, unit: string }> }
    const toCorner = body.shipments.filter((s: Shipment) => s.customer === 'CORNER')
    expect(toCorner.map((s: Shipment) => s.shipmentId)).toEqual(corner.shipmentIds)
    expect(toCorner.flatMap((s: Shipment) => s.lines.map(l => [l.lot, l.quantity, l.unit])).sort()).toEqual([[cookiesA, 30, 'case'], [cookiesB, 20, 'case']].sort())
    expect(toCorner[0]).toMatchObject({ shipDate: '2026-11-22', referenceDocument: { type: 'BOL', number: '88002' } })
    const chocLot = body.lots.find((l: { code: string }) => l.code === choc)
    expect(chocLot.balance).toMatchObject({ received: 400, consumed: 34, shipped: 0, onHand: 366 })
  })

  test('both directions at once give inputs and customers, and mass balance of every lot', async () => {
    const { app, cookiesA, flour } = await plant()
    const { body } = await get(app, `/api/v1/trace/${cookiesA}`)
    expect(body.direction).toBe('both')
    expect(body.edges.some((e: { from: string }) => e.from === flour)).toBe(true)
    expect(body.customers.map((c: { customer: { code: string } }) => c.customer.code).sort()).toEqual(['CORNER', 'FRESHMART'])
    const a = body.lots.find((l: { code: string }) => l.code === cookiesA)
    expect(a.balance).toEqual({ unit: 'case', received: 0, produced: 120, consumed: 0, shipped: 70, adjusted: 0, onHand: 50 })
    expect(a).toMatchObject({ origin: 'produced', productionDate: '2026-11-21', bestBefore: '2027-05-20', tlcSource: 'L1' })
  })

  test('the lot page shows the lot, its events and its mass balance', async () => {
    const { app, choc } = await plant()
    const { status, body } = await get(app, `/api/v1/lots/${choc}`)
    expect(status).toBe(200)
    expect(body.lot).toMatchObject({ code: choc, supplierLotCode: 'CW-77812', supplier: { code: 'CHOCO' }, tlcSource: 'GLN 0614141000012', location: 'DOCK1' })
    expect(body.events.map((e: { kind: string }) => e.kind)).toEqual(['receiving', 'batch_input', 'batch_input'])
    expect(body.events.map((e: { quantity: number }) => e.quantity)).toEqual([400, -18, -16])
    expect(body.balance.onHand).toBe(366)
  })

  test('a supplier lot code finds our lot', async () => {
    const { app, choc } = await plant()
    const { body } = await get(app, '/api/v1/lots?supplierLot=CW-77812')
    expect(body.lots.map((l: { code: string }) => l.code)).toEqual([choc])
  })
})

import { describe, expect, test } from 'vitest'
import { buildTestApp, countRows, get, post, receive, seedBakery } from '../helpers/app.ts'

const GS = '\x1d'
const STATIONS = [
  { code: 'RCV1', kind: 'receiving' as const, location: 'DOCK1' },
  { code: 'PRD1', kind: 'production' as const, location: 'L1' },
  { code: 'SHP1', kind: 'shipping' as const, location: 'DOCK2' }
]
/** A supplier's GTIN, not yet known to the plant. */
const SUPPLIER_GTIN = '09521234543213'

/** The test clock stands still, so the repeat window is off unless a test asks for it. */
async function plant ({ repeatWindowMs = 0 } = {}) {
  const labels: Array<{ station: string, template: string, lot: string }> = []
  let nextJob = 1
  const app = await buildTestApp({ stations: STATIONS, repeatWindowMs, requestLabel: async (r) => { labels.push(r); return { jobId: nextJob++ } } })
  await seedBakery(app)
  const scan = async (station: string, data: string, scanId?: string) => {
    const r = await post(app, `/api/v1/stations/${station}/scans`, { data, ...(scanId ? { scanId } : {}) })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    return r.body
  }
  const answer = async (station: string, body: Record<string, unknown>) => post(app, `/api/v1/stations/${station}/answer`, body)
  return { app, labels, scan, answer }
}

describe('receiving station', () => {
  test('an unknown GTIN asks which product it is and records nothing until then', async () => {
    const { app, scan, answer } = await plant()
    const before = await countRows(app.db, 'events')
    const first = await scan('RCV1', `]C101${SUPPLIER_GTIN}3103025000${GS}10PM-2611-A${GS}15270630`)
    expect(first).toMatchObject({ outcome: 'question', signal: 'ask', pending: { type: 'map-gtin', gtin: SUPPLIER_GTIN } })
    expect(first.message).toContain('Nothing was recorded')
    expect(await countRows(app.db, 'events')).toBe(before)

    const mapped = await answer('RCV1', { confirm: true, product: 'FLOUR', user: 'ana' })
    expect(mapped.status).toBe(200)
    expect(mapped.body.message).toContain('Wheat flour')
    const again = await scan('RCV1', `]C101${SUPPLIER_GTIN}3103025000${GS}10PM-2611-A${GS}15270630`)
    expect(again).toMatchObject({ outcome: 'pending', signal: 'good', pending: { type: 'receipt', product: 'FLOUR', supplierLotCode: 'PM-2611-A', quantity: 25, unit: 'kg', bestBefore: '2027-06-30' } })
  })

  test('a case label fills the receipt; the operator confirms; a lot is assigned and its label requested', async () => {
    const { app, labels, scan, answer } = await plant()
    await post(app, '/api/v1/products', { code: 'SUGAR', name: 'Cane sugar', unit: 'kg', gtin: SUPPLIER_GTIN })
    expect((await app.inject({ method: 'PUT', url: '/api/v1/stations/RCV1/delivery', payload: { supplier: 'MILL', referenceDocument: { type: 'BOL', number: 'T-77' } } })).statusCode).toBe(200)
    const s = await scan('RCV1', `]d201${SUPPLIER_GTIN}10SW-1${GS}3103025000`)
    expect(s.pending).toMatchObject({ product: 'SUGAR', quantity: 25 })
    // The next case of the same supplier lot: maybe a second real case, so the station asks.
    const second = await scan('RCV1', `]d201${SUPPLIER_GTIN}10SW-1${GS}3103025000`)
    expect(second).toMatchObject({ outcome: 'question', pending: { type: 'another-case', count: 2 } })
    expect((await answer('RCV1', { confirm: true })).body).toMatchObject({ outcome: 'pending' })
    const done = await answer('RCV1', { confirm: true, user: 'ana', qc: { status: 'accepted', temperatureC: 18 } })
    expect(done.status, JSON.stringify(done.body)).toBe(200)
    expect(done.body.outcome).toBe('recorded')
    const code = done.body.lot.code
    expect(code).toMatch(/^26329-RCV1-\d{4}$/)
    expect(labels).toEqual([{ station: 'RCV1', template: 'receiving', lot: code, user: 'ana' }])
    const lot = (await get(app, `/api/v1/lots/${code}`)).body
    expect(lot.lot).toMatchObject({ supplierLotCode: 'SW-1', supplier: { code: 'MILL' }, referenceDocument: { type: 'BOL', number: 'T-77' }, qc: { status: 'accepted', temperatureC: 18 } })
    expect(lot.balance.received).toBe(50)
    expect((await get(app, '/api/v1/stations/RCV1')).body.state.pending).toBeUndefined()
  })

  test('a bad scan is refused with the reason in plain words and records nothing', async () => {
    const { app, scan } = await plant()
    const before = await Promise.all(['events', 'lots', 'movements'].map(t => countRows(app.db, t)))
    const r = await scan('RCV1', `]C1010952123454321410LOT1`)
    expect(r).toMatchObject({ outcome: 'refused', signal: 'bad' })
    expect(r.message).toMatch(/\(01\) check digit is wrong/)
    expect(await Promise.all(['events', 'lots', 'movements'].map(t => countRows(app.db, t)))).toEqual(before)
    const plain = await scan('RCV1', ']C0HELLO WORLD')
    expect(plain.signal).toBe('bad')
  })

  test('a scan replayed with the same id is answered the same and recorded once', async () => {
    const { app, scan } = await plant()
    await post(app, '/api/v1/products', { code: 'SUGAR', name: 'Cane sugar', unit: 'kg', gtin: SUPPLIER_GTIN })
    const a = await scan('RCV1', `]C101${SUPPLIER_GTIN}10SW-9`, 'scan-0001-abcd')
    const b = await scan('RCV1', `]C101${SUPPLIER_GTIN}10SW-9`, 'scan-0001-abcd')
    expect(a.replayed).toBe(false)
    expect(b).toMatchObject({ replayed: true, outcome: a.outcome, pending: a.pending })
    expect(await countRows(app.db, 'scans')).toBe(1)
  })

  test('identical scans inside the repeat window count once', async () => {
    const { scan } = await plant({ repeatWindowMs: 1500 })
    await scan('RCV1', ']C0HELLO')
    const again = await scan('RCV1', ']C0HELLO')
    expect(again.outcome).toBe('repeat')
  })
})

describe('production station', () => {
  test('scanned lots become inputs after the quantity is confirmed; closing assigns the output lot and asks for its label', async () => {
    const { app, labels, scan, answer } = await plant()
    const flour = await receive(app, 'FLOUR', 'MILL', 1000, { supplierLotCode: 'PM-1' })
    const choc = await receive(app, 'CHOC', 'CHOCO', 400, { supplierLotCode: 'CW-77812' })
    expect((await scan('PRD1', `]C0${flour}`)).message).toMatch(/start a batch/)

    expect((await post(app, '/api/v1/stations/PRD1/batch', { product: 'CCC-12', user: 'ben' })).status).toBe(201)
    const s1 = await scan('PRD1', `]C0${flour}`)
    expect(s1).toMatchObject({ outcome: 'pending', pending: { type: 'input', lot: flour, onHand: 1000, quantity: null } })
    expect((await answer('PRD1', { confirm: true })).body.error.message).toMatch(/quantity/)
    expect((await answer('PRD1', { confirm: true, quantity: 60, user: 'ben' })).body.outcome).toBe('recorded')
    // The supplier's own label on the chocolate bag maps to the lot we received.
    const s2 = await scan('PRD1', `(01)10614141000033(10)CW-77812`)
    expect(s2.pending).toMatchObject({ lot: choc })
    await answer('PRD1', { confirm: true, quantity: 18 })

    const closed = await post(app, '/api/v1/stations/PRD1/batch/close', { quantity: 120, user: 'ben' })
    expect(closed.status, JSON.stringify(closed.body)).toBe(201)
    const out = closed.body.batch.lot.code
    expect(closed.body.batch.inputs.map((i: { lotCode: string, quantity: number }) => [i.lotCode, i.quantity])).toEqual([[flour, 60], [choc, 18]])
    expect(labels.at(-1)).toMatchObject({ template: 'case', lot: out })
    const trace = (await get(app, `/api/v1/trace/${out}?direction=backward`)).body
    expect(trace.edges.map((e: { from: string }) => e.from).sort()).toEqual([flour, choc].sort())
  })

  test('a used-up or rejected lot is refused at the line', async () => {
    const { app, scan } = await plant()
    const bad = await receive(app, 'FLOUR', 'MILL', 100, { qc: { status: 'rejected', note: 'wet bags' } })
    await post(app, '/api/v1/stations/PRD1/batch', { product: 'CCC-12' })
    expect((await scan('PRD1', `]C0${bad}`)).message).toMatch(/rejected at receiving/)
  })
})

describe('shipping station', () => {
  async function withFinishedLot () {
    const p = await plant()
    const flour = await receive(p.app, 'FLOUR', 'MILL', 1000)
    const r = await post(p.app, '/api/v1/batches', { product: 'CCC-12', line: 'L1', inputs: [{ lot: flour, quantity: 50 }], output: { quantity: 100 } })
    return { ...p, lot: r.body.lot.code as string }
  }

  test('case and pallet labels add lines; the same pallet or serial twice is counted once; the same GTIN+lot asks', async () => {
    const { app, scan, answer, lot } = await withFinishedLot()
    expect((await scan('SHP1', `(01)10614141000040(10)${lot}`)).message).toMatch(/choose the customer/)
    expect((await post(app, '/api/v1/stations/SHP1/shipment', { customer: 'FRESHMART', referenceDocument: { type: 'BOL', number: '88001' } })).status).toBe(201)

    expect(await scan('SHP1', `(01)10614141000040(10)${lot}`)).toMatchObject({ outcome: 'added', signal: 'good' })
    expect(await scan('SHP1', `(01)10614141000040(10)${lot}(17)270630`)).toMatchObject({ outcome: 'question', pending: { type: 'another-case', count: 2 } })
    expect((await answer('SHP1', { confirm: true })).body.outcome).toBe('added')
    expect(await scan('SHP1', `(01)10614141000040(21)SN1(10)${lot}`)).toMatchObject({ outcome: 'added' })
    expect(await scan('SHP1', `(01)10614141000040(10)${lot}(21)SN1`)).toMatchObject({ outcome: 'duplicate', signal: 'bad' })
    const pallet = `]d200106141412345678908${'02'}10614141000040${'37'}10${GS}10${lot}`
    expect(await scan('SHP1', pallet)).toMatchObject({ outcome: 'added' })
    expect(await scan('SHP1', `(00)106141412345678908(02)10614141000040(37)10(10)${lot}`)).toMatchObject({ outcome: 'duplicate' })

    const state = (await get(app, '/api/v1/stations/SHP1')).body.state
    expect(state.shipment.lines).toEqual([expect.objectContaining({ lot, quantity: 13, cases: 4, ssccs: ['106141412345678908'] })])
    const closed = await post(app, '/api/v1/stations/SHP1/shipment/close', { user: 'cy' })
    expect(closed.status, JSON.stringify(closed.body)).toBe(201)
    expect(closed.body.shipment).toMatchObject({ customer: 'FRESHMART', lines: [{ lot, quantity: 13, unit: 'case' }], referenceDocument: { number: '88001' } })
    const trace = (await get(app, `/api/v1/trace/${lot}?direction=forward`)).body
    expect(trace.customers.map((c: { customer: { code: string } }) => c.customer.code)).toEqual(['FRESHMART'])
  })

  test('a GTIN that does not match the lot is refused', async () => {
    const { app, scan, lot } = await withFinishedLot()
    await post(app, '/api/v1/stations/SHP1/shipment', { customer: 'CORNER' })
    const r = await scan('SHP1', `(01)10614141000033(10)${lot}`)
    expect(r.signal).toBe('bad')
  })
})

describe('GS1 parse endpoint', () => {
  test('returns elements and derived fields, or 422 naming the AI', async () => {
    const app = await buildTestApp()
    const ok = await post(app, '/api/v1/gs1/parse', { data: `]C101${SUPPLIER_GTIN}10ABC123${GS}17270630` })
    expect(ok.status).toBe(200)
    expect(ok.body).toMatchObject({ gtin: SUPPLIER_GTIN, lot: 'ABC123', expiry: '2027-06-30', bracketed: `(01)${SUPPLIER_GTIN}(10)ABC123(17)270630` })
    expect(ok.body.digitalLink).toBe(`https://id.gs1.org/01/${SUPPLIER_GTIN}/10/ABC123?17=270630`)
    const bad = await post(app, '/api/v1/gs1/parse', { data: '(01)09521234543213(17)270231' })
    expect(bad.status).toBe(422)
    expect(bad.body.error).toMatchObject({ code: 'BAD_SCAN', message: expect.stringMatching(/\(17\)/) })
  })
})

import { describe, expect, test } from 'vitest'
import { buildTestApp, countRows, get, post, receive, seedBakery } from '../helpers/app.ts'

type App = Awaited<ReturnType<typeof buildTestApp>>
const TABLES = ['events', 'movements', 'lots', 'batches'] as const

async function bakery () {
  const app = await buildTestApp()
  await seedBakery(app)
  return app
}

async function snapshot (app: App) {
  const out: Record<string, number> = {}
  for (const t of TABLES) out[t] = await countRows(app.db, t)
  return out
}

async function onHand (app: App, lot: string): Promise<number> {
  const r = await get(app, `/api/v1/lots/${lot}`)
  expect(r.status, JSON.stringify(r.body)).toBe(200)
  return r.body.balance.onHand as number
}

async function openBatch (app: App, product = 'DOUGH') {
  const r = await post(app, '/api/v1/batches', { product, line: 'L1', openedAt: '2026-11-21T06:00:00Z' })
  expect(r.status, JSON.stringify(r.body)).toBe(201)
  return r.body.batch.code as string
}

describe('a batch fed over time', () => {
  test('opening without an output gives an open batch with no lot yet', async () => {
    const app = await bakery()
    const r = await post(app, '/api/v1/batches', { product: 'DOUGH', line: 'L1' })
    expect(r.status).toBe(201)
    expect(r.body.batch).toMatchObject({ product: 'DOUGH', line: 'L1', status: 'open', inputs: [] })
    expect(r.body.lot).toBeNull()
    expect(await countRows(app.db, 'lots')).toBe(0)
  })

  test('inputs added over the shift are listed on the batch with their quantities and times, and taken from the lots', async () => {
    const app = await bakery()
    const flour = await receive(app, 'FLOUR', 'MILL', 1000)
    const choc = await receive(app, 'CHOC', 'CHOCO', 400)
    const code = await openBatch(app)

    const first = await post(app, `/api/v1/batches/${code}/inputs`, { lot: flour, quantity: 120, at: '2026-11-21T06:10:00Z', user: 'maria' })
    expect(first.status, JSON.stringify(first.body)).toBe(201)
    expect(first.body.batch.inputs).toHaveLength(1)
    const second = await post(app, `/api/v1/batches/${code}/inputs`, { lot: choc, quantity: 30, at: '2026-11-21T08:40:00Z' })
    expect(second.status).toBe(201)
    const third = await post(app, `/api/v1/batches/${code}/inputs`, { lot: flour, quantity: 80, at: '2026-11-21T11:05:00Z' })
    expect(third.status).toBe(201)

    const { status, body } = await get(app, `/api/v1/batches/${code}`)
    expect(status).toBe(200)
    expect(body.batch.status).toBe('open')
    expect(body.lot).toBeNull()
    expect(body.batch.inputs.map((i: { lotCode: string, quantity: number, unit: string, at: string }) => [i.lotCode, i.quantity, i.unit, i.at])).toEqual([
      [flour, 120, 'kg', '2026-11-21T06:10:00Z'],
      [choc, 30, 'kg', '2026-11-21T08:40:00Z'],
      [flour, 80, 'kg', '2026-11-21T11:05:00Z']
    ])
    expect(await onHand(app, flour)).toBe(800)
    expect(await onHand(app, choc)).toBe(370)
  })

  test('closing assigns the output lot, which then traces back to every input fed in', async () => {
    const app = await bakery()
    const flour = await receive(app, 'FLOUR', 'MILL', 1000)
    const choc = await receive(app, 'CHOC', 'CHOCO', 400)
    const code = await openBatch(app)
    await post(app, `/api/v1/batches/${code}/inputs`, { lot: flour, quantity: 120 })
    await post(app, `/api/v1/batches/${code}/inputs`, { lot: choc, quantity: 30 })

    const closed = await post(app, `/api/v1/batches/${code}/close`, { quantity: 148, completedAt: '2026-11-21' })
    expect(closed.status, JSON.stringify(closed.body)).toBe(201)
    expect(closed.body.batch.status).toBe('closed')
    const dough = closed.body.lot.code as string
    expect(closed.body.lot).toMatchObject({ origin: 'produced', batch: code, product: { code: 'DOUGH' }, productionDate: '2026-11-21' })
    expect(dough).toMatch(/^26325-L1-\d{4}$/)

    const shown = await get(app, `/api/v1/batches/${code}`)
    expect(shown.body.batch.status).toBe('closed')
    expect(shown.body.lot.code).toBe(dough)

    const lot = await get(app, `/api/v1/lots/${dough}`)
    expect(lot.body.balance).toMatchObject({ produced: 148, onHand: 148 })
    const trace = await get(app, `/api/v1/trace/${dough}?direction=backward`)
    expect(trace.body.edges.map((e: { from: string }) => e.from).sort()).toEqual([flour, choc].sort())
  })

  test('an input to a closed batch is refused with 409 and takes nothing from the lot', async () => {
    const app = await bakery()
    const flour = await receive(app, 'FLOUR', 'MILL', 1000)
    const code = await openBatch(app)
    await post(app, `/api/v1/batches/${code}/inputs`, { lot: flour, quantity: 100 })
    expect((await post(app, `/api/v1/batches/${code}/close`, { quantity: 100 })).status).toBe(201)
    const before = await snapshot(app)

    const late = await post(app, `/api/v1/batches/${code}/inputs`, { lot: flour, quantity: 5 })
    expect(late.status).toBe(409)
    expect(late.body.error.code).toBe('CONFLICT')
    expect(late.body.error.message).toContain(code)
    expect(await snapshot(app)).toEqual(before)
    expect(await onHand(app, flour)).toBe(900)
  })

  test('closing a batch twice is refused with 409 and yields no second lot', async () => {
    const app = await bakery()
    const flour = await receive(app, 'FLOUR', 'MILL', 1000)
    const code = await openBatch(app)
    await post(app, `/api/v1/batches/${code}/inputs`, { lot: flour, quantity: 100 })
    await post(app, `/api/v1/batches/${code}/close`, { quantity: 100 })
    const lotsBefore = await countRows(app.db, 'lots')
    const again = await post(app, `/api/v1/batches/${code}/close`, { quantity: 100 })
    expect(again.status).toBe(409)
    expect(await countRows(app.db, 'lots')).toBe(lotsBefore)
  })

  test('an unknown batch is 404 for reading, feeding and closing', async () => {
    const app = await bakery()
    const flour = await receive(app, 'FLOUR', 'MILL', 100)
    expect((await get(app, '/api/v1/batches/B26999999')).status).toBe(404)
    expect((await post(app, '/api/v1/batches/B26999999/inputs', { lot: flour, quantity: 1 })).status).toBe(404)
    expect((await post(app, '/api/v1/batches/B26999999/close', { quantity: 1 })).body.error.code).toBe('NOT_FOUND')
  })
})

describe('rework and WIP', () => {
  /** Dough from flour and chocolate, cookies from that dough; then leftover cookies reworked into a later batch. */
  async function rework () {
    const app = await bakery()
    const flour = await receive(app, 'FLOUR', 'MILL', 1000)
    const choc = await receive(app, 'CHOC', 'CHOCO', 400)
    const film = await receive(app, 'FILM', 'PACK', 20)
    const produce = async (product: string, inputs: Array<{ lot: string, quantity: number }>, quantity: number, completedAt: string) => {
      const r = await post(app, '/api/v1/batches', { product, line: 'L1', inputs, output: { quantity, completedAt } })
      expect(r.status, JSON.stringify(r.body)).toBe(201)
      return r.body.lot.code as string
    }
    const oldCookies = await produce('CCC-12', [{ lot: flour, quantity: 50 }, { lot: choc, quantity: 15 }, { lot: film, quantity: 1 }], 100, '2026-11-21')
    const flour2 = await receive(app, 'FLOUR', 'MILL', 500, { supplierLotCode: 'PM-NEW' })
    // 5 cases of the old lot go back into a new run as rework.
    const newCookies = await produce('CCC-12', [{ lot: flour2, quantity: 40 }, { lot: oldCookies, quantity: 5 }, { lot: film, quantity: 1 }], 90, '2026-11-23')
    return { app, flour, choc, film, flour2, oldCookies, newCookies }
  }

  test('a backward trace from the reworked lot reaches the old lot and the old lot\'s ingredients', async () => {
    const { app, flour, choc, flour2, oldCookies, newCookies } = await rework()
    const { status, body } = await get(app, `/api/v1/trace/${newCookies}?direction=backward`)
    expect(status).toBe(200)
    const codes = body.lots.map((l: { code: string }) => l.code)
    expect(codes).toEqual(expect.arrayContaining([oldCookies, flour, choc, flour2]))
    expect(body.edges).toContainEqual(expect.objectContaining({ from: oldCookies, to: newCookies, quantity: 5, unit: 'case' }))
    expect(body.edges).toContainEqual(expect.objectContaining({ from: choc, to: oldCookies, quantity: 15 }))
    const supplierLots = body.suppliers.flatMap((s: { lots: Array<{ supplierLotCode: string }> }) => s.lots.map(l => l.supplierLotCode))
    expect(supplierLots).toContain('PM-NEW')
    expect(supplierLots).toContain('CHOCO-CHOC-400')
  })

  test('a forward trace from an ingredient of the old lot reaches both the old and the reworked lot', async () => {
    const { app, choc, oldCookies, newCookies } = await rework()
    const { body } = await get(app, `/api/v1/trace/${choc}?direction=forward`)
    const reached = body.edges.map((e: { to: string }) => e.to)
    expect(reached).toContain(oldCookies)
    expect(reached).toContain(newCookies)
    expect(body.edges).toContainEqual(expect.objectContaining({ from: oldCookies, to: newCookies }))
  })

  test('a packaging lot used in both runs traces forward to both finished lots, each once', async () => {
    const { app, film, oldCookies, newCookies } = await rework()
    const { body } = await get(app, `/api/v1/trace/${film}?direction=forward`)
    const codes = body.lots.map((l: { code: string }) => l.code)
    expect(new Set(codes).size).toBe(codes.length)
    expect(codes).toEqual(expect.arrayContaining([film, oldCookies, newCookies]))
  })
})

describe('units of measure', () => {
  test('an input in lb is taken from a kg lot as the exact kg amount (10 lb = 4.5359237 kg)', async () => {
    const app = await bakery()
    const flour = await receive(app, 'FLOUR', 'MILL', 100)
    const code = await openBatch(app)
    const r = await post(app, `/api/v1/batches/${code}/inputs`, { lot: flour, quantity: 10, unit: 'lb' })
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    expect(r.body.batch.inputs[0]).toMatchObject({ quantity: 4.5359237, unit: 'kg', enteredQuantity: 10, enteredUnit: 'lb' })
    expect(await onHand(app, flour)).toBe(95.4640763)
  })

  test('an input in grams is taken from a kg lot in kg, and spelled-out units are understood', async () => {
    const app = await bakery()
    const choc = await receive(app, 'CHOC', 'CHOCO', 10)
    const code = await openBatch(app)
    expect((await post(app, `/api/v1/batches/${code}/inputs`, { lot: choc, quantity: 250, unit: 'g' })).status).toBe(201)
    expect((await post(app, `/api/v1/batches/${code}/inputs`, { lot: choc, quantity: 2, unit: 'Pounds' })).status).toBe(201)
    const { body } = await get(app, `/api/v1/batches/${code}`)
    expect(body.batch.inputs.map((i: { quantity: number }) => i.quantity)).toEqual([0.25, 0.90718474])
    expect(await onHand(app, choc)).toBe(8.84281526)
  })

  test('a trace edge carries both the kg taken and what the operator keyed in', async () => {
    const app = await bakery()
    const flour = await receive(app, 'FLOUR', 'MILL', 100)
    const r = await post(app, '/api/v1/batches', { product: 'DOUGH', line: 'L1', inputs: [{ lot: flour, quantity: 22, unit: 'lb' }], output: { quantity: 10 } })
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    const { body } = await get(app, `/api/v1/trace/${r.body.lot.code}?direction=backward`)
    expect(body.edges[0]).toMatchObject({ from: flour, quantity: 9.97903214, unit: 'kg', enteredQuantity: 22, enteredUnit: 'lb' })
  })

  test('an input counted in ea for a kg lot is refused with 422 UNIT_MISMATCH and nothing is written', async () => {
    const app = await bakery()
    const flour = await receive(app, 'FLOUR', 'MILL', 100)
    const code = await openBatch(app)
    const before = await snapshot(app)
    const r = await post(app, `/api/v1/batches/${code}/inputs`, { lot: flour, quantity: 3, unit: 'ea' })
    expect(r.status).toBe(422)
    expect(r.body.error.code).toBe('UNIT_MISMATCH')
    expect(r.body.error.message).toMatch(/ea.*kg/)
    expect(await snapshot(app)).toEqual(before)
    expect(await onHand(app, flour)).toBe(100)
  })

  test('a weight taken from a lot counted in cases is refused: cases do not convert to kg', async () => {
    const app = await bakery()
    const flour = await receive(app, 'FLOUR', 'MILL', 100)
    const cookies = await post(app, '/api/v1/batches', { product: 'CCC-12', line: 'L1', inputs: [{ lot: flour, quantity: 10 }], output: { quantity: 50 } })
    const r = await post(app, '/api/v1/shipments', { customer: 'CORNER', shipFrom: 'DOCK2', lines: [{ lot: cookies.body.lot.code, quantity: 5, unit: 'kg' }] })
    expect(r.status).toBe(422)
    expect(r.body.error.code).toBe('UNIT_MISMATCH')
    expect(await onHand(app, cookies.body.lot.code)).toBe(50)
  })
})

describe('a batch in one call is all or nothing', () => {
  test('when the third input fails, the batch is refused and no event, movement, lot or batch is written', async () => {
    const app = await bakery()
    const flour = await receive(app, 'FLOUR', 'MILL', 1000)
    const choc = await receive(app, 'CHOC', 'CHOCO', 400)
    const film = await receive(app, 'FILM', 'PACK', 2)
    const before = await snapshot(app)

    const r = await post(app, '/api/v1/batches', {
      product: 'CCC-12', line: 'L1',
      inputs: [{ lot: flour, quantity: 60 }, { lot: choc, quantity: 18 }, { lot: film, quantity: 5 }],
      output: { quantity: 120 }
    })
    expect(r.status).toBe(409)
    expect(r.body.error.code).toBe('INSUFFICIENT_QUANTITY')
    expect(r.body.error.message).toMatch(/^inputs\[2\]: /)
    expect(r.body.error.message).toContain(film)
    expect(await snapshot(app)).toEqual(before)
    expect(await onHand(app, flour)).toBe(1000)
    expect(await onHand(app, choc)).toBe(400)
  })

  test('an unknown lot as the third input is a 404 naming inputs[2], with nothing written', async () => {
    const app = await bakery()
    const flour = await receive(app, 'FLOUR', 'MILL', 1000)
    const choc = await receive(app, 'CHOC', 'CHOCO', 400)
    const before = await snapshot(app)
    const r = await post(app, '/api/v1/batches', {
      product: 'CCC-12', line: 'L1', inputs: [{ lot: flour, quantity: 60 }, { lot: choc, quantity: 18 }, { lot: 'NOPE-1', quantity: 1 }], output: { quantity: 120 }
    })
    expect(r.status).toBe(404)
    expect(r.body.error.message).toMatch(/^inputs\[2\]: .*NOPE-1/)
    expect(await snapshot(app)).toEqual(before)
  })

  test('a one-call batch with no inputs is refused', async () => {
    const app = await bakery()
    const before = await snapshot(app)
    const r = await post(app, '/api/v1/batches', { product: 'CCC-12', line: 'L1', inputs: [], output: { quantity: 120 } })
    expect(r.status).toBe(422)
    expect(await snapshot(app)).toEqual(before)
  })

  test('a batch on a dock instead of a line is refused', async () => {
    const app = await bakery()
    const flour = await receive(app, 'FLOUR', 'MILL', 1000)
    const before = await snapshot(app)
    const r = await post(app, '/api/v1/batches', { product: 'DOUGH', line: 'DOCK1', inputs: [{ lot: flour, quantity: 1 }], output: { quantity: 1 } })
    expect(r.status).toBe(422)
    expect(r.body.error.message).toContain('not a line')
    expect(await snapshot(app)).toEqual(before)
  })
})

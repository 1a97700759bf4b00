import { createHash } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { loadPlant } from '../../bench/load.ts'
import { generatePlant } from '../../bench/plant-history.ts'
import { buildTestApp, get, post, testDb } from '../helpers/app.ts'

/**
 * The benchmark's plant generator writes rows straight into the tables, bypassing the domain. These
 * checks keep it honest on a tiny plant (two months, ~500 batches): the real app traces what it
 * wrote, balances hold, and the domain can carry on recording on top of it.
 */
async function tinyPlant () {
  const db = await testDb({ file: true })
  const load = await loadPlant(`file:${db.path}`, { scale: 0.3, seed: 7, days: 60 })
  const app = await buildTestApp({ db })
  const one = async (sql: string, args: Array<string | number> = []) => (await db.client.execute({ sql, args })).rows[0]!
  return { db, app, load, one }
}

describe('the benchmark plant generator', () => {
  test('is deterministic: the same seed writes the same rows', async () => {
    const digest = async () => {
      const hash = createHash('sha256')
      await generatePlant({ row: (table, values) => { hash.update(`${table}:${JSON.stringify(values)}\n`) } }, { scale: 0.2, seed: 11, days: 20 })
      return hash.digest('hex')
    }
    expect(await digest()).toBe(await digest())
  })

  test('writes a consistent plant: keys resolve, no lot goes below zero, inputs average about ten a batch', async () => {
    const { db, load, one } = await tinyPlant()
    expect(load.stats.batches).toBeGreaterThan(400)
    expect(load.stats.shipmentLines).toBeGreaterThan(5000)
    expect((await db.client.execute('PRAGMA foreign_key_check')).rows).toEqual([])
    const negative = await one(`SELECT COUNT(*) AS n FROM (SELECT lot_id, SUM(quantity) AS q FROM live_movements GROUP BY lot_id HAVING q < -1e-6)`)
    expect(Number(negative.n)).toBe(0)
    const inputs = await one(`SELECT AVG(n) AS avg FROM (SELECT batch_id, COUNT(*) AS n FROM live_movements WHERE kind = 'consumed' GROUP BY batch_id)`)
    expect(Number(inputs.avg)).toBeGreaterThan(8)
    expect(Number(inputs.avg)).toBeLessThan(13)
    const unmade = await one(`SELECT COUNT(*) AS n FROM batches b WHERE NOT EXISTS (SELECT 1 FROM lots l WHERE l.batch_id = b.id)`)
    expect(Number(unmade.n)).toBe(0)
  })

  test('a shipped finished lot traces back to suppliers with their lot codes and forward to customers, through the real app', async () => {
    const { app, one } = await tinyPlant()
    const lot = await one(`SELECT l.code, -SUM(m.quantity) AS shipped FROM lots l JOIN movements m ON m.lot_id = l.id AND m.kind = 'shipped'
      WHERE l.origin = 'produced' GROUP BY l.id ORDER BY l.id LIMIT 1 OFFSET 100`)
    const { status, body } = await get(app, `/api/v1/trace/${String(lot.code)}`)
    expect(status).toBe(200)
    expect(body.edges.length).toBeGreaterThanOrEqual(8)
    const supplierLots = body.suppliers.flatMap((s: { lots: Array<{ supplierLotCode: string | null }> }) => s.lots)
    expect(supplierLots.length).toBeGreaterThanOrEqual(8)
    expect(supplierLots.every((l: { supplierLotCode: string | null }) => l.supplierLotCode)).toBe(true)
    expect(body.customers.length).toBeGreaterThan(0)
    const lines = body.shipments.flatMap((s: { lines: Array<{ lot: string, quantity: number }> }) => s.lines)
    const shipped = lines.filter((l: { lot: string }) => l.lot === lot.code).reduce((sum: number, l: { quantity: number }) => sum + l.quantity, 0)
    expect(shipped).toBeCloseTo(Number(lot.shipped), 6)
    for (const l of body.lots) expect(l.balance.onHand).toBeGreaterThanOrEqual(-1e-6)
  })

  test('the salt lot is used in almost every batch, and its forward trace reaches them all', async () => {
    const { app, one } = await tinyPlant()
    const widest = await one(`SELECT l.code, p.code AS product, COUNT(*) AS uses FROM live_movements m JOIN lots l ON l.id = m.lot_id JOIN products p ON p.id = l.product_id
      WHERE m.kind = 'consumed' GROUP BY m.lot_id ORDER BY uses DESC LIMIT 1`)
    const batches = await one('SELECT COUNT(*) AS n FROM batches')
    expect(widest.product).toBe('SALT')
    expect(Number(widest.uses)).toBeGreaterThan(0.9 * Number(batches.n))
    const { status, body } = await get(app, `/api/v1/trace/${String(widest.code)}?direction=forward`)
    expect(status).toBe(200)
    expect(body.lots.length).toBeGreaterThan(Number(widest.uses))
    expect(body.customers.length).toBeGreaterThan(20)
  })

  test('the domain carries on over a generated plant: next lot numbers follow the generated ones, and its lots can be used', async () => {
    const { app, one } = await tinyPlant()
    const salt = await one(`SELECT l.code, s.code AS supplier FROM lots l JOIN products p ON p.id = l.product_id JOIN partners s ON s.id = l.supplier_id
      WHERE p.code = 'SALT' ORDER BY l.id LIMIT 1`)
    const last = await one(`SELECT MAX(code) AS code FROM lots WHERE code LIKE '21004-DOCK1-%'`)
    const r = await post(app, '/api/v1/receipts', { product: 'SALT', supplier: salt.supplier, supplierLotCode: 'NEW-1', quantity: 100, location: 'DOCK1', receivedAt: '2021-01-04' })
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    expect(r.body.lot.code).toBe(`21004-DOCK1-${String(Number(String(last.code).slice(-4)) + 1).padStart(4, '0')}`)
    const b = await post(app, '/api/v1/batches', { product: 'CCC-1', line: 'L1', inputs: [{ lot: salt.code, quantity: 12 }, { lot: r.body.lot.code, quantity: 1 }], output: { quantity: 700 } })
    expect(b.status, JSON.stringify(b.body)).toBe(201)
  })
})

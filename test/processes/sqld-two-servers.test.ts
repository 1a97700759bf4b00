import { createClient } from '@libsql/client'
import { expect, onTestFinished, test } from 'vitest'
import { authFetch, postJson, startServerProcess, type ServerProcess } from '../helpers/server-process.ts'
import { kioskFolder, startSqld } from '../helpers/sqld.ts'

// Several real `lotline serve` processes, each in its own folder as on its own kiosk PC, all on
// ONE real libSQL server (sqld) by URL: what a plant-wide deployment is.

async function seed (server: ServerProcess) {
  for (const [path, body] of [
    ['/api/v1/locations', { code: 'DOCK1', kind: 'dock', name: 'Dock 1' }],
    ['/api/v1/locations', { code: 'DOCK2', kind: 'dock', name: 'Shipping dock' }],
    ['/api/v1/locations', { code: 'L1', kind: 'line', name: 'Line 1' }],
    ['/api/v1/partners', { code: 'MILL', role: 'supplier', name: 'Prairie Mills' }],
    ['/api/v1/partners', { code: 'CORNER', role: 'customer', name: 'Corner Store' }],
    ['/api/v1/products', { code: 'FLOUR', name: 'Flour', unit: 'kg' }],
    ['/api/v1/products', { code: 'DOUGH', name: 'Dough', unit: 'kg' }],
    ['/api/v1/products', { code: 'CASES', name: 'Cookies 12 x 200 g', unit: 'case', gtin: '10614141000040' }]
  ] as const) {
    const r = await postJson(server.url + path, body)
    expect(r.status, JSON.stringify(r.body)).toBe(201)
  }
}

test('three kiosk servers on one sqld: lot numbers and SSCCs allocated at the same moment are never the same; a lot drawn from by all at once is never overdrawn', async () => {
  const sqld = await startSqld()
  const servers = await Promise.all(['k1', 'k2', 'k3'].map(n => startServerProcess({}, kioskFolder(sqld, n))))
  const [a] = servers as [ServerProcess, ...ServerProcess[]]
  await seed(a)
  const on = (i: number) => servers[i % servers.length]!.url

  // Every server receives into the same dock (same lot-number scope), all at once.
  const received = await Promise.all(Array.from({ length: 60 }, (_, i) => postJson(`${on(i)}/api/v1/receipts`, {
    product: 'FLOUR', supplier: 'MILL', supplierLotCode: `PM-${i}`, quantity: 100, location: 'DOCK1'
  })))
  expect(received.map(r => r.status)).toEqual(received.map(() => 201))
  // And closes batches on the same line, all at once.
  const inputLot = received[0]!.body.lot.code as string
  const batches = await Promise.all(Array.from({ length: 21 }, (_, i) => postJson(`${on(i)}/api/v1/batches`, {
    product: 'CASES', line: 'L1', inputs: [{ lot: inputLot, quantity: 1 }], output: { quantity: 100 }
  })))
  expect(batches.map(r => r.status)).toEqual(batches.map(() => 201))
  const codes = [...received.map(r => r.body.lot.code as string), ...batches.map(r => r.body.lot.code as string)]
  expect(new Set(codes).size).toBe(81)

  // Pallets (SSCCs from the shared sequence) built on every server at once.
  const pallets = await Promise.all(Array.from({ length: 30 }, (_, i) => postJson(`${on(i)}/api/v1/pallets`, { lot: batches[i % batches.length]!.body.lot.code, count: 2 })))
  expect(pallets.map(r => r.status), JSON.stringify(pallets.find(r => r.status !== 201)?.body)).toEqual(pallets.map(() => 201))
  const ssccs = pallets.map(r => r.body.pallet.sscc as string)
  expect(new Set(ssccs).size).toBe(30)
  for (const s of ssccs) expect(s).toMatch(/^00614141\d{10}$/)

  // One 100 kg lot; ten requests of 30 kg (batches and shipments) spread over the servers, all at once:
  // exactly three can be served, whichever server they reach.
  const lot = received[1]!.body.lot.code as string
  const takes = await Promise.all(Array.from({ length: 10 }, (_, i) => i % 2
    ? postJson(`${on(i)}/api/v1/batches`, { product: 'DOUGH', line: 'L1', inputs: [{ lot, quantity: 30 }], output: { quantity: 30 } })
    : postJson(`${on(i)}/api/v1/shipments`, { customer: 'CORNER', shipFrom: 'DOCK2', lines: [{ lot, quantity: 30 }] })))
  expect(takes.filter(r => r.status === 201)).toHaveLength(3)
  const refused = takes.filter(r => r.status !== 201)
  expect(refused.map(r => r.status)).toEqual(refused.map(() => 409))
  for (const r of refused) expect(r.body.error.code).toBe('INSUFFICIENT_QUANTITY')
  const view = await (await authFetch(`${on(2)}/api/v1/lots/${lot}`)).json() as any
  expect(view.balance.onHand).toBe(10)

  // What the shared database holds, read straight from sqld.
  const db = createClient({ url: sqld.url })
  onTestFinished(() => db.close())
  expect((await db.execute('SELECT COUNT(*) AS n, COUNT(DISTINCT code) AS d FROM lots WHERE code IN (' + codes.map(() => '?').join(',') + ')', codes)).rows[0]).toMatchObject({ n: 81, d: 81 })
  expect((await db.execute('SELECT COUNT(*) AS n, COUNT(DISTINCT sscc) AS d FROM pallets')).rows[0]).toMatchObject({ n: 30, d: 30 })
  // Replaying the lot's movements in the order they were written, it never went below zero.
  const moves = (await db.execute({ sql: 'SELECT m.quantity FROM live_movements m JOIN lots l ON l.id = m.lot_id WHERE l.code = ? ORDER BY m.id', args: [lot] })).rows.map(r => Number(r.quantity))
  let level = 0
  for (const q of moves) { level += q; expect(level).toBeGreaterThanOrEqual(0) }
  expect(level).toBe(10)
  // Every server did part of the work.
  for (const s of servers) expect(s.output()).toMatch(/"url":"\/api\/v1\/receipts"/)
}, 60_000)

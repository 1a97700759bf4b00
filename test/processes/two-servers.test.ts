import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient } from '@libsql/client'
import { expect, onTestFinished, test } from 'vitest'
import { postJson, startServerProcess } from '../helpers/server-process.ts'

test('two server processes on one database file assign lot numbers concurrently with no duplicate', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lotline-2srv-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'lotline.config.json'), JSON.stringify({ plant: { name: 'Two kiosks plant' }, db: { url: `file:${join(dir, 'plant.db')}` } }))
  const [a, b] = await Promise.all([startServerProcess({}, dir), startServerProcess({}, dir)])

  for (const [path, body] of [
    ['/api/v1/locations', { code: 'DOCK1', kind: 'dock', name: 'Dock 1' }],
    ['/api/v1/locations', { code: 'L1', kind: 'line', name: 'Line 1' }],
    ['/api/v1/partners', { code: 'MILL', role: 'supplier', name: 'Prairie Mills' }],
    ['/api/v1/products', { code: 'FLOUR', name: 'Flour', unit: 'kg' }],
    ['/api/v1/products', { code: 'DOUGH', name: 'Dough', unit: 'kg' }]
  ] as const) expect((await postJson(a.url + path, body)).status).toBe(201)

  // Both kiosks receive into the same dock (same lot-number scope) and close batches on the same line, all at once.
  const receipts = Array.from({ length: 60 }, (_, i) => postJson(`${(i % 2 ? a : b).url}/api/v1/receipts`, {
    product: 'FLOUR', supplier: 'MILL', supplierLotCode: `PM-${i}`, quantity: 100, location: 'DOCK1'
  }))
  const received = await Promise.all(receipts)
  expect(received.map(r => r.status)).toEqual(received.map(() => 201))
  const inputLot = received[0]!.body.lot.code
  const batches = await Promise.all(Array.from({ length: 20 }, (_, i) => postJson(`${(i % 2 ? a : b).url}/api/v1/batches`, {
    product: 'DOUGH', line: 'L1', inputs: [{ lot: inputLot, quantity: 1 }], output: { quantity: 1 }
  })))
  expect(batches.map(r => r.status)).toEqual(batches.map(() => 201))

  const codes = [...received.map(r => r.body.lot.code), ...batches.map(r => r.body.lot.code)]
  expect(new Set(codes).size).toBe(80)
  for (const c of codes) expect(c.length).toBeLessThanOrEqual(20)

  const db = createClient({ url: `file:${join(dir, 'plant.db')}` })
  onTestFinished(() => db.close())
  const rows = await db.execute('SELECT COUNT(*) AS n, COUNT(DISTINCT code) AS d FROM lots')
  expect(rows.rows[0]).toMatchObject({ n: 80, d: 80 })
  // Both processes really did the work.
  expect(a.output()).toMatch(/POST|incoming request/)
  expect(b.output()).toMatch(/POST|incoming request/)
}, 90_000)

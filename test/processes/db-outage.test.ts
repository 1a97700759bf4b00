import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createClient } from '@libsql/client'
import { expect, onTestFinished, test } from 'vitest'
import { authFetch, freePort, postJson, startServerProcess } from '../helpers/server-process.ts'
import { poll } from '../helpers/poll.ts'

const BIN = fileURLToPath(new URL('../../bin/lotline.mjs', import.meta.url))
const MESSAGE = 'The lot database cannot be reached: nothing was recorded. Try again; if it persists, call IT.'
const GTIN = '09521234543213'

function tempDir () {
  const dir = mkdtempSync(join(tmpdir(), 'lotline-outage-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

test('a kiosk server whose database is held by another process: scans are kept (202), everything else is refused with 503, and all of it works again once released', async () => {
  const dir = tempDir()
  const dbPath = join(dir, 'plant.db')
  writeFileSync(join(dir, 'lotline.config.json'), JSON.stringify({
    plant: { name: 'Outage plant' }, db: { url: `file:${dbPath}`, timeoutMs: 200 },
    stations: [{ code: 'RCV1', kind: 'receiving', location: 'DOCK1', printer: { type: 'file', dir: join(dir, 'labels') } }]
  }))
  const server = await startServerProcess({}, dir)
  for (const [path, body] of [
    ['/api/v1/locations', { code: 'DOCK1', kind: 'dock', name: 'Dock 1' }],
    ['/api/v1/partners', { code: 'MILL', role: 'supplier', name: 'Prairie Mills' }],
    ['/api/v1/products', { code: 'FLOUR', name: 'Flour', unit: 'kg', gtin: GTIN }]
  ] as const) expect((await postJson(server.url + path, body)).status).toBe(201)
  const receipt = { product: 'FLOUR', supplier: 'MILL', supplierLotCode: 'PM-1', quantity: 100, location: 'DOCK1' }

  // Another process takes the database's write lock and keeps it (a stalled kiosk, a backup tool).
  const other = createClient({ url: `file:${dbPath}` })
  onTestFinished(() => other.close())
  const held = await other.transaction('write')

  const refused = await authFetch(`${server.url}/api/v1/receipts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(receipt) })
  expect(refused.status).toBe(503)
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
  expect(await refused.json()).toEqual({ error: { code: 'DB_UNAVAILABLE', message: MESSAGE } })

  const kept = await postJson(`${server.url}/api/v1/stations/RCV1/scans`, { data: `]C101${GTIN}10PM-2`, scanId: 'outage-scan-0001' })
  expect(kept.status).toBe(202)
  expect(kept.body.message).toMatch(/kept on this kiosk \(1 waiting\)/)
  // Whatever sent it (this API, a serial scanner, the page), a kept scan shows on the station's page as KEPT.
  const stationPage = await (await authFetch(`${server.url}/stations/RCV1`)).text()
  expect(stationPage).toMatch(/class="signal kept" data-beep="kept"[\s\S]*?KEPT<\/span>\s*<span class="sig-msg">The database cannot be reached: this scan is kept on this kiosk \(1 waiting\)/)
  const health = await (await authFetch(`${server.url}/health`)).json() as any
  expect(health.stations[0]).toMatchObject({ code: 'RCV1', spool: { waiting: 1, dbError: expect.stringMatching(/locked/) } })

  // The station page's own scan post is kept the same way (the kiosk's spool, its own scan id), and its banner says so.
  const page = await authFetch(`${server.url}/stations/RCV1/scan`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'hx-request': 'true' }, body: new URLSearchParams({ data: `]C101${GTIN}10PM-3`, scanId: 'outage-scan-0002' }).toString() })
  expect(page.status).toBe(202)
  expect(await page.text()).toContain('this scan is kept on this kiosk (2 waiting)')
  expect(server.output()).not.toMatch(/Something went wrong/)

  await held.rollback()
  const recorded = await postJson(`${server.url}/api/v1/receipts`, receipt)
  expect(recorded.status, JSON.stringify(recorded.body)).toBe(201)
  // The kept scans are recorded on their own, under their own ids, in order.
  await poll(async () => (await other.execute("SELECT id FROM scans WHERE station = 'RCV1'")).rows.map(r => String(r.id)), ids => ids.includes('outage-scan-0001'))
  const after = await poll(async () => (await authFetch(`${server.url}/health`)).json() as Promise<any>, h => h.stations[0].spool.waiting === 0)
  expect(after).toMatchObject({ status: 'ok', db: 'ok' })
  const ids = (await other.execute("SELECT id FROM scans WHERE station = 'RCV1'")).rows.map(r => String(r.id))
  expect(ids).toEqual(['outage-scan-0001', 'outage-scan-0002'])
  expect((await other.execute('SELECT COUNT(*) AS n FROM lots')).rows[0]!.n).toBe(1)
}, 90_000)

test('a kiosk server whose libSQL server cannot be reached at start-up does not start, and says why', async () => {
  const dir = tempDir()
  const url = `http://127.0.0.1:${await freePort()}`
  writeFileSync(join(dir, 'lotline.config.json'), JSON.stringify({ plant: { name: 'Outage plant' }, db: { url } }))
  const child = spawn(process.execPath, [BIN, 'serve'], { cwd: dir, env: { ...process.env, HOST: '127.0.0.1', PORT: String(await freePort()) }, stdio: ['ignore', 'pipe', 'pipe'] })
  onTestFinished(() => { if (child.exitCode === null) child.kill('SIGTERM') })
  let out = ''
  child.stdout.on('data', d => { out += String(d) })
  child.stderr.on('data', d => { out += String(d) })
  const code = await new Promise(resolve => child.once('exit', resolve))
  expect(code, out).toBe(1)
  expect(out).toContain(`the database ${url} cannot be reached (fetch failed: connect ECONNREFUSED`)
  expect(out).toMatch(/correct "db\.url" \(or LOTLINE_DB_URL\)/)
}, 30_000)

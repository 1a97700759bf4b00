import { join } from 'node:path'
import { createClient } from '@libsql/client'
import { describe, expect, onTestFinished, test } from 'vitest'
import { authFetch, postJson, startServerProcess } from '../helpers/server-process.ts'
import { socatInstalled, startPtyPair } from '../helpers/socat.ts'
import { kioskFolder, startSqld } from '../helpers/sqld.ts'
import { poll } from '../helpers/poll.ts'

// The plant's libSQL server (a real sqld) is killed under a running `lotline serve` whose operator
// is logged in at a kiosk with a serial scanner (a pseudo-terminal), then started again on the
// same data. Nothing of what the operator scanned may be lost or recorded twice.

const GS = '\x1d'
const GTIN = '09521234543213'
const MESSAGE = 'The lot database cannot be reached: nothing was recorded. Try again; if it persists, call IT.'
const label = (lot: string) => `]C101${GTIN}3103025000${GS}10${lot}`

/** An operator at a registered kiosk, logged in with a PIN through the real form, as a kiosk browser would be. */
async function operatorLogin (url: string, kioskToken: string, pin: string) {
  const res = await fetch(`${url}/kiosk/login`, { method: 'POST', redirect: 'manual', headers: { cookie: `lotline_kiosk=${kioskToken}`, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ pin }).toString() })
  expect(res.status).toBe(303)
  const session = res.headers.getSetCookie().map(c => c.split(';')[0]!).find(c => c.startsWith('lotline_session='))!
  const cookie = `lotline_kiosk=${kioskToken}; ${session}`
  const me = await fetch(`${url}/api/v1/session`, { headers: { cookie } })
  const csrf = me.headers.getSetCookie().map(c => c.split(';')[0]!).find(c => c.startsWith('_csrf='))!
  const headers = { cookie: `${cookie}; ${csrf}`, 'x-csrf-token': (await me.json() as { csrfToken: string }).csrfToken }
  return {
    headers,
    get: (path: string) => fetch(url + path, { headers }),
    postJson: (path: string, body: unknown) => fetch(url + path, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    /** The station page's scan form, as station.js posts it (htmx fragment answer). */
    postForm: (path: string, form: Record<string, string>) => fetch(url + path, { method: 'POST', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded', 'hx-request': 'true' }, body: new URLSearchParams(form).toString() })
  }
}

describe.skipIf(!socatInstalled)('a kiosk server whose libSQL server is killed and restarted', () => {
  test('the logged-in operator\'s serial, page and API scans are kept (202), confirmations are refused (503), /health says degraded; after the restart every kept scan is recorded once, in order', async () => {
    const sqld = await startSqld()
    const pty = await startPtyPair()
    onTestFinished(() => pty.stop())
    const dir = kioskFolder(sqld, 'dock', {
      stations: [{ code: 'RCV1', kind: 'receiving', location: 'DOCK1', scanner: { path: pty.a, baudRate: 9600, terminator: 'CR' }, printer: { type: 'file', dir: join(sqld.dir, 'labels') } }]
    })
    const server = await startServerProcess({}, dir)
    for (const [path, body] of [
      ['/api/v1/locations', { code: 'DOCK1', kind: 'dock', name: 'Dock 1' }],
      ['/api/v1/partners', { code: 'MILL', role: 'supplier', name: 'Prairie Mills' }],
      ['/api/v1/products', { code: 'FLOUR', name: 'Flour', unit: 'kg', gtin: GTIN }],
      ['/api/v1/users', { username: 'olga', role: 'operator', pin: '4321' }]
    ] as const) expect((await postJson(server.url + path, body)).status).toBe(201)
    const kiosk = await postJson(`${server.url}/api/v1/kiosks`, { name: 'dock kiosk', station: 'RCV1' })
    expect(kiosk.status).toBe(201)
    const olga = await operatorLogin(server.url, kiosk.body.token, '4321')
    const health = async () => (await olga.get('/health')).json() as Promise<any>
    await poll(health, h => h.stations[0].scanner?.state === 'connected')

    // Before the outage: a sack label on the serial scanner is recorded and asks for confirmation.
    await pty.write(`${label('PM-1')}\r`)
    const before = await poll(async () => (await (await olga.get('/api/v1/stations/RCV1')).json() as any), s => s.recentScans.length === 1)
    expect(before.recentScans[0]).toMatchObject({ outcome: 'pending', pending: { supplierLotCode: 'PM-1' } })

    await sqld.kill()

    // Serial scans: kept on the kiosk's disk, the station says how many wait.
    await pty.write(`${label('PM-2')}\r`)
    await poll(health, h => h.stations[0].spool?.waiting === 1)
    await pty.write(`${label('PM-3')}\r`)
    const degraded = await poll(health, h => h.stations[0].spool?.waiting === 2)
    expect(degraded).toMatchObject({ status: 'degraded', db: 'unreachable', dbError: expect.stringMatching(/fetch failed|ECONNREFUSED|other side closed/) })
    expect((await olga.get('/health')).status).toBe(503)
    // The station page's live stream cannot draw from the database now, but its banner says KEPT
    // for the serial scanner's scan, drawn from memory.
    const stream = await olga.get('/stations/RCV1/events')
    expect(stream.status).toBe(200)
    const reader = stream.body!.getReader()
    let sse = ''
    await Promise.race([
      (async () => { while (!sse.includes('KEPT')) { const { value, done } = await reader.read(); if (done) break; sse += new TextDecoder().decode(value) } })(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no KEPT banner on the stream; got: ${sse}`)), 10_000))
    ])
    await reader.cancel()
    expect(sse).toMatch(/class="signal kept"[\s\S]*kept on this kiosk \(2 waiting\)/)

    // The station page's scan form: kept, the banner says so.
    const page = await olga.postForm('/stations/RCV1/scan', { data: label('PM-4'), scanId: 'page-scan-0004' })
    expect(page.status).toBe(202)
    const banner = await page.text()
    expect(banner).toContain('data-beep="kept"')
    expect(banner).toContain('this scan is kept on this kiosk (3 waiting) and will be recorded when it is back')
    // The API scan route.
    const api = await olga.postJson('/api/v1/stations/RCV1/scans', { data: label('PM-5'), scanId: 'api-scan-0005' })
    expect(api.status).toBe(202)
    expect(await api.json()).toMatchObject({ outcome: 'spooled', message: expect.stringContaining('kept on this kiosk (4 waiting)') })

    // Confirming the receipt, or recording one directly, is refused: 503, nothing half-written.
    for (const res of [
      await olga.postJson('/api/v1/stations/RCV1/answer', { confirm: true, quantity: 25, supplier: 'MILL' }),
      await olga.postJson('/api/v1/receipts', { product: 'FLOUR', supplier: 'MILL', supplierLotCode: 'PM-X', quantity: 25, location: 'DOCK1' })
    ]) {
      expect(res.status).toBe(503)
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(await res.json()).toEqual({ error: { code: 'DB_UNAVAILABLE', message: MESSAGE } })
    }
    const pageConfirm = await olga.postForm('/stations/RCV1/answer', { confirm: 'yes', quantity: '25', supplier: 'MILL' })
    expect(pageConfirm.status).toBe(503)
    expect(await pageConfirm.text()).toContain(MESSAGE)

    // Her session still works, and one more serial scan queues behind the others.
    const me = await olga.get('/api/v1/session')
    expect(me.status).toBe(200)
    expect(await me.json()).toMatchObject({ user: 'olga', role: 'operator', station: 'RCV1' })
    await pty.write(`${label('PM-6')}\r`)
    await poll(health, h => h.stations[0].spool?.waiting === 5)
    expect(server.output()).not.toMatch(/Something went wrong/)

    // The database server comes back on the same data.
    await sqld.start()
    const ok = await poll(health, h => h.status === 'ok' && h.stations[0].spool?.waiting === 0, 20_000)
    expect(ok).toMatchObject({ db: 'ok', stations: [{ code: 'RCV1', spool: { waiting: 0, dbError: null } }] })

    const db = createClient({ url: sqld.url })
    onTestFinished(() => db.close())
    const scans = (await db.execute("SELECT id, raw, source, received_at FROM scans WHERE station = 'RCV1' ORDER BY rowid")).rows
    expect(scans.map(r => `${String(r.raw).slice(-4)} ${String(r.source)}`)).toEqual(['PM-1 serial', 'PM-2 serial', 'PM-3 serial', 'PM-4 keyboard', 'PM-5 keyboard', 'PM-6 serial'])
    expect(new Set(scans.map(r => String(r.id))).size).toBe(6)
    expect(scans.map(r => String(r.id))).toEqual(expect.arrayContaining(['page-scan-0004', 'api-scan-0005']))
    // Each recorded with the time it was scanned, in the order scanned.
    const times = scans.map(r => Date.parse(String(r.received_at)))
    expect([...times].sort((x, y) => x - y)).toEqual(times)
    // Nothing else was written: no lot, no event from the refused confirmations.
    expect((await db.execute('SELECT COUNT(*) AS n FROM lots')).rows[0]!.n).toBe(0)
    expect((await db.execute('SELECT COUNT(*) AS n FROM events')).rows[0]!.n).toBe(0)

    // The line goes on: the last scan (PM-6) is confirmed and received, once.
    const confirmed = await olga.postJson('/api/v1/stations/RCV1/answer', { confirm: true, quantity: 25, supplier: 'MILL' })
    expect(confirmed.status, await confirmed.clone().text()).toBe(200)
    const lots = (await db.execute('SELECT code FROM lots')).rows
    expect(lots).toHaveLength(1)
    expect((await authFetch(`${server.url}/api/v1/lots/${String(lots[0]!.code)}`)).status).toBe(200)
    expect((await db.execute("SELECT COUNT(*) AS n FROM scans WHERE station = 'RCV1'")).rows[0]!.n).toBe(6)
  }, 60_000)
})

import { expect, test } from 'vitest'
import { buildTestApp, countRows, post, seedBakery } from '../helpers/app.ts'

const GS = '\x1d'
const STATIONS = [
  { code: 'RCV1', kind: 'receiving' as const, location: 'DOCK1' },
  { code: 'PRD1', kind: 'production' as const, location: 'L1' },
  { code: 'SHP1', kind: 'shipping' as const, location: 'DOCK2' }
]
const HX = { 'hx-request': 'true', 'content-type': 'application/x-www-form-urlencoded' }

async function plant () {
  const app = await buildTestApp({ stations: STATIONS, repeatWindowMs: 0, file: true })
  await seedBakery(app)
  const form = (url: string, fields: Record<string, string>, headers: Record<string, string> = HX) =>
    app.inject({ method: 'POST', url, payload: new URLSearchParams(fields).toString(), headers })
  return { app, form }
}

test('the station page is one document with its regions, its scripts from /public and /vendor, and no inline script or style', async () => {
  const { app } = await plant()
  const res = await app.inject({ method: 'GET', url: '/stations/rcv1' })
  expect(res.statusCode).toBe(200)
  expect(res.headers['cache-control']).toBe('no-store')
  for (const id of ['status', 'signal', 'work', 'side', 'feed', 'scan-form', 'scan-input']) expect(res.body).toContain(`id="${id}"`)
  expect(res.body).toContain('hx-sse:connect="/stations/RCV1/events"')
  expect(res.body).toMatch(/<script src="\/vendor\/htmx\/htmx\.min\.js"><\/script>/)
  expect(res.body).not.toMatch(/<script>|<script [^>]*>[^<]+<\/script>|\son[a-z]+="|style="|hx-on/)
  for (const path of ['/vendor/htmx/htmx.min.js', '/vendor/htmx/ext/hx-sse.min.js', '/public/station.js', '/public/kiosk.css']) {
    expect((await app.inject({ method: 'GET', url: path })).statusCode, path).toBe(200)
  }
  expect((await app.inject({ method: 'GET', url: '/vendor/htmx/package.json' })).statusCode).toBe(404)
})

test('a wedge scan answers with the regions it changed, as htmx partials; a plain form post is sent back to the page', async () => {
  const { app, form } = await plant()
  const res = await form('/stations/RCV1/scan', { data: ']C1010952123454321410LOT1', scanId: 'a1b2c3d4-0000-4000-8000-000000000001' })
  expect(res.statusCode).toBe(200)
  expect(res.body).toMatch(/<hx-partial hx-target="#signal" hx-swap="innerHTML">/)
  expect(res.body).toMatch(/<hx-partial hx-target="#feed" hx-swap="innerMorph">/)
  expect(res.body).toMatch(/class="signal bad" data-beep="bad"/)
  expect(res.body).toContain('(01) check digit is wrong')
  const scans = await app.db.client.execute('SELECT source FROM scans')
  expect(scans.rows.map(r => r.source)).toEqual(['keyboard'])
  const plain = await form('/stations/RCV1/scan', { data: ']C0HELLO' }, { 'content-type': 'application/x-www-form-urlencoded' })
  expect(plain.statusCode).toBe(303)
  expect(plain.headers.location).toBe('/stations/RCV1')
})

test('a refused confirm comes back with the reason next to the field and everything typed kept', async () => {
  const { app, form } = await plant()
  await post(app, '/api/v1/products', { code: 'SUGAR', name: 'Cane sugar', unit: 'kg', gtin: '09521234543213' })
  await form('/stations/RCV1/scan', { data: `]C101095212345432133103025000${GS}10SW-1` })
  const res = await form('/stations/RCV1/answer', { confirm: 'yes', quantity: '12,5', qc: 'rejected', temperatureC: '-4' })
  expect(res.statusCode).toBe(422)
  expect(res.body).toMatch(/has-error[\s\S]*Choose the supplier of this delivery/)
  expect(res.body).toContain('value="12,5"')
  expect(res.body).toContain('value="-4"')
  expect(res.body).toMatch(/value="rejected" checked/)
  expect(await countRows(app.db, 'lots')).toBe(0)
  const bad = await form('/stations/RCV1/answer', { confirm: 'yes', quantity: 'lots', supplier: 'MILL' })
  expect(bad.statusCode).toBe(422)
  expect(bad.body).toContain('&quot;lots&quot; is not a quantity')
  const ok = await form('/stations/RCV1/answer', { confirm: 'yes', quantity: '12,5', qc: 'rejected', temperatureC: '-4', supplier: 'MILL' })
  expect(ok.statusCode).toBe(200)
  const lot = (await app.db.client.execute('SELECT code, qc_status, qc_temperature_c FROM lots')).rows[0]!
  expect(lot).toMatchObject({ qc_status: 'rejected', qc_temperature_c: -4 })
  expect(ok.body).toContain(`Received as lot ${String(lot.code)}`)
})

test('production and shipping pages drive the same workflows: batch, inputs, close; shipment, lines, close', async () => {
  const { app, form } = await plant()
  const flour = (await post(app, '/api/v1/receipts', { product: 'FLOUR', supplier: 'MILL', supplierLotCode: 'PM-1', quantity: 500, location: 'DOCK1' })).body.lot.code
  expect((await form('/stations/PRD1/batch', {})).body).toContain('Choose the product to make')
  expect((await form('/stations/PRD1/batch', { product: 'CCC-12', refType: 'work order', refNumber: 'WO-7' })).statusCode).toBe(200)
  await form('/stations/PRD1/scan', { data: flour })
  await form('/stations/PRD1/answer', { confirm: 'yes', quantity: '60' })
  const closed = await form('/stations/PRD1/batch/close', { quantity: '100' })
  expect(closed.body).toMatch(/Batch B\d+ closed: lot (\S+)/)
  const cookies = /closed: lot ([A-Za-z0-9-]+)/.exec(closed.body)![1]!
  expect((await app.lots.getLot(cookies))!.balance.produced).toBe(100)

  await form('/stations/SHP1/shipment', { customer: 'CORNER', refType: 'BOL', refNumber: 'B-1' })
  await form('/stations/SHP1/scan', { data: `]C10110614141000040${'10'}${cookies}` })
  // Dropping a loaded shipment asks first.
  expect((await form('/stations/SHP1/shipment/cancel', {})).body).toContain('Drop this shipment?')
  expect((await form('/stations/SHP1/shipment/cancel', { sure: 'no' })).body).toContain('Truck leaves')
  const shipped = await form('/stations/SHP1/shipment/close', {})
  expect(shipped.body).toMatch(/Shipment \d+ recorded: 1 lot\(s\) to CORNER/)
  expect((await app.lots.getLot(cookies))!.balance.shipped).toBe(1)
})

test('every user-supplied string is escaped on the station page', async () => {
  const { app } = await plant()
  await post(app, '/api/v1/products', { code: 'EVIL', name: '<img src=x onerror=alert(1)>', unit: 'kg' })
  await post(app, '/api/v1/partners', { code: 'BAD', role: 'supplier', name: '"><script>alert(2)</script>' })
  await app.stations.handleScan('PRD1', '<b>not a label</b>', { source: 'serial' })
  const prd = (await app.inject({ method: 'GET', url: '/stations/PRD1' })).body
  expect(prd).toContain('&lt;img src=x onerror=alert(1)&gt;')
  expect(prd).toContain('&lt;b&gt;not a label&lt;/b&gt;')
  expect(prd).not.toContain('<img src=x')
  const rcv = (await app.inject({ method: 'GET', url: '/stations/RCV1' })).body
  expect(rcv).toContain('&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;')
  expect(rcv).not.toContain('<script>alert(2)')
})

test('the live stream sends the page regions a serial scan changed, as soon as it is scanned', async () => {
  const { app } = await plant()
  const base = await app.listen({ host: '127.0.0.1', port: 0 })
  const res = await fetch(`${base}/stations/RCV1/events`, { headers: { authorization: `Bearer ${app.adminToken}` } })
  expect(res.headers.get('content-type')).toBe('text/event-stream')
  const reader = res.body!.getReader()
  let text = ''
  const until = async (re: RegExp) => {
    const end = Date.now() + 5000
    while (!re.test(text)) {
      if (Date.now() > end) throw new Error(`timed out; got ${text.slice(-500)}`)
      const { value } = await reader.read()
      text += new TextDecoder().decode(value)
    }
  }
  await until(/hx-target="#work"/)                      // the first message redraws every region
  await app.stations.handleScan('RCV1', ']C0NOT-A-GS1-LABEL-#', { source: 'serial' })
  await until(/data: .*data-beep="bad"/)
  expect(text).toMatch(/data: <hx-partial hx-target="#signal"/)
  expect(text).toMatch(/\n\n/)
  await reader.cancel()
})

test('an unknown station is a page that says so, not JSON', async () => {
  const { app } = await plant()
  const res = await app.inject({ method: 'GET', url: '/stations/NOPE' })
  expect(res.statusCode).toBe(404)
  expect(res.headers['content-type']).toContain('text/html')
  expect(res.body).toContain('No station &quot;NOPE&quot; on this server')
})

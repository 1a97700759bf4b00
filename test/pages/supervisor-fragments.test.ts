import { expect, test } from 'vitest'
import { buildTestApp, countRows, post, receive, seedBakery } from '../helpers/app.ts'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

async function plant () {
  const app = await buildTestApp({ file: true })
  await seedBakery(app)
  const flour = await receive(app, 'FLOUR', 'MILL', 1000, { supplierLotCode: 'PM-2611-A' })
  const choc = await receive(app, 'CHOC', 'CHOCO', 400, { supplierLotCode: 'CW-77812' })
  const batch = await post(app, '/api/v1/batches', { product: 'CCC-12', line: 'L1', inputs: [{ lot: flour, quantity: 60 }, { lot: choc, quantity: 18 }], output: { quantity: 120 } })
  if (batch.status !== 201) throw new Error(JSON.stringify(batch.body))
  const cookies = batch.body.lot.code as string
  await post(app, '/api/v1/shipments', { customer: 'FRESHMART', shipFrom: 'DOCK2', lines: [{ lot: cookies, quantity: 40 }], referenceDocument: { type: 'BOL', number: 'S-1' } })
  const form = (url: string, fields: Record<string, string>) => app.inject({ method: 'POST', url, payload: new URLSearchParams(fields).toString(), headers: FORM })
  return { app, flour, choc, cookies, form }
}

test('search finds lots by our number, supplier lot, product, GTIN, customer and dates; htmx gets only the results', async () => {
  const { app, flour, cookies } = await plant()
  const find = async (q: string) => (await app.inject({ method: 'GET', url: `/?${q}` })).body
  expect(await find(`q=${flour}`)).toContain(`href="/lots/${flour}"`)
  expect(await find('q=pm-2611')).toContain(flour)
  expect(await find('q=chocolate%20chips')).not.toContain(flour)
  expect(await find('q=10614141000040')).toContain(cookies)
  expect(await find('customer=freshmart')).toContain(cookies)
  expect(await find('customer=corner')).toContain('No lot matches')
  expect(await find('from=2026-11-20&to=2026-11-20')).toContain(flour)
  expect(await find('from=20-11-2026')).toContain('Use a date like 2026-11-25')
  expect(await find('q=%25')).toContain('No lot matches')              // % is a character, not a wildcard
  const partial = await app.inject({ method: 'GET', url: '/?q=PM', headers: { 'hx-request': 'true', 'hx-target': 'div#results' } })
  expect(partial.body.startsWith('<div id="results">')).toBe(true)
  expect(partial.body).not.toContain('<html')
})

test('the lot page shows events, mass balance, both trace trees, the graph and the export links', async () => {
  const { app, flour, cookies } = await plant()
  const res = await app.inject({ method: 'GET', url: `/lots/${flour}` })
  expect(res.statusCode).toBe(200)
  const body = res.body
  expect(body).toMatch(/Consumed<\/span><b>60 kg/)
  expect(body).toMatch(/On hand<\/span><b>940 kg/)
  expect(body).toContain('id="tree-backward"')
  expect(body).toMatch(/60 kg used in batch B\d+ on \d{4}-\d\d-\d\d, made/)
  expect(body).toMatch(/shipped 40 case on \d{4}-\d\d-\d\d to <b>FRESHMART Inc\.<\/b>, BOL S-1/)
  expect(body).toMatch(/<svg class="graph"[\s\S]*60 kg · \d{4}-\d\d-\d\d[\s\S]*40 case · /)
  for (const href of [`/api/v1/trace/${flour}/export.csv`, `/api/v1/trace/${flour}/fda.xlsx`, `/api/v1/trace/${flour}/epcis.jsonld`, '/api/v1/shipments/1/kdes']) expect(body).toContain(`href="${href}"`)
  expect((await app.inject({ method: 'GET', url: `/lots/${cookies}` })).body).toMatch(/received [\d-]+ from <b>Prairie Mills Inc\.<\/b>, supplier lot <b class="mono">PM-2611-A<\/b>/)
  const missing = await app.inject({ method: 'GET', url: '/lots/NOPE-1' })
  expect(missing.statusCode).toBe(404)
  expect(missing.body).toContain('Lot NOPE-1 not found')
})

test('the GS1 Digital Link of a label redirects to the lot page', async () => {
  const { app, cookies } = await plant()
  const res = await app.inject({ method: 'GET', url: `/01/10614141000040/10/${cookies}?17=270524` })
  expect(res.statusCode).toBe(302)
  expect(res.headers.location).toBe(`/lots/${cookies}`)
})

test('a mock recall is one post: the report lists customers with contacts and suppliers with lot codes, and the drill is kept for good', async () => {
  const { app, choc, form } = await plant()
  const run = await form('/recalls', { lot: choc })
  expect(run.statusCode).toBe(303)
  expect(run.headers.location).toBe('/recalls/1')
  const report = (await app.inject({ method: 'GET', url: '/recalls/1' })).body
  expect(report).toMatch(/FRESHMART Inc\.[\s\S]*FRESHMART QA<\/b> · \+1 312 555 0100 · qa@freshmart\.example/)
  expect(report).toMatch(/Cacao Works LLC[\s\S]*CW-77812/)
  expect(report).toMatch(/Time to trace<\/dt><dd><span class="big-number">[\d.]+ (ms|s)/)
  const drill = (await app.db.client.execute('SELECT lot_code, user_name, customers, suppliers, summary FROM recall_drills')).rows[0]!
  expect(drill).toMatchObject({ lot_code: choc, user_name: 'token:tests', customers: 1, suppliers: 1 })
  expect(JSON.parse(String(drill.summary)).customers[0].customer.email).toBe('qa@freshmart.example')
  await expect(app.db.client.execute('UPDATE recall_drills SET user_name = \'x\'')).rejects.toThrow(/kept as run/)
  expect((await app.inject({ method: 'GET', url: '/recalls' })).body).toContain(`href="/lots/${choc}"`)
  const refused = await form('/recalls', { lot: 'NOPE' })
  expect(refused.statusCode).toBe(422)
  expect(refused.body).toContain('Lot NOPE not found')
  expect(refused.body).toContain('value="NOPE"')
})

test('a refused master data form keeps every typed value and puts the error next to its field', async () => {
  const { app, form } = await plant()
  const bad = await form('/admin/products', { code: 'OATS', name: 'Rolled <oats>', unit: 'kg', gtin: '10614141000034', shelfLifeDays: 'ten' })
  expect(bad.statusCode).toBe(422)
  expect(bad.body).toMatch(/id="f-shelfLifeDays"[^>]*value="ten"[^>]*aria-invalid="true"[\s\S]*&quot;ten&quot; is not a whole number/)
  expect(bad.body).toContain('value="Rolled &lt;oats&gt;"')
  const gtin = await form('/admin/products', { code: 'OATS', name: 'Rolled oats', unit: 'kg', gtin: '10614141000034' })
  expect(gtin.body).toMatch(/id="f-gtin"[^>]*value="10614141000034"[\s\S]*GTIN 10614141000034 has a wrong check digit/)
  const ok = await form('/admin/products', { code: 'OATS', name: 'Rolled oats', unit: 'kg', ftl: 'yes' })
  expect(ok.statusCode).toBe(303)
  expect((await app.masterData.getProduct('OATS'))!.ftl).toBe(true)
  const dup = await form('/admin/partners', { code: 'MILL', role: 'supplier', name: 'Again' })
  expect(dup.body).toMatch(/id="f-code"[^>]*value="MILL"[\s\S]*Partner MILL already exists/)
  expect((await form('/admin/locations', { code: 'TOOLONG7', kind: 'dock', name: 'x' })).body).toContain('at most 6 characters')
})

test('CSV import: every row is checked; one bad row imports nothing and the report says row, field and problem', async () => {
  const { app, form } = await plant()
  const before = await countRows(app.db, 'products')
  const csv = 'Code;Name;Unit;GTIN;Shelf life days\nOATS;Rolled oats;kg;;365\nSALT;"Salt; fine";kg;10614141000034;\nDUP;Dup;kg;;\nDUP;Dup again;kg;;\nEGG;;kg;;x\n'
  const res = await form('/admin/products/import', { csv })
  expect(res.statusCode).toBe(422)
  expect(res.body).toContain('Nothing was imported')
  expect(res.body).toContain('row 3: gtin: GTIN 10614141000034 has a wrong check digit')
  expect(res.body).toContain('row 5: code: Product DUP already exists')
  expect(res.body).toContain('row 6: name: required')
  expect(res.body).toContain('row 6: shelfLifeDays: &quot;x&quot; is not a whole number')
  expect(res.body).toContain('Salt; fine')                            // the CSV is kept in the box to fix
  expect(await countRows(app.db, 'products')).toBe(before)
  const good = await form('/admin/products/import', { csv: 'code,name,unit,gtin,ftl\nOATS,Rolled oats,kg,,yes\nSALT,"Salt, ""fine""",kg,,no\n' })
  expect(good.statusCode).toBe(303)
  expect(good.headers.location).toBe('/admin/products?imported=2')
  expect((await app.masterData.getProduct('SALT'))!.name).toBe('Salt, "fine"')
  const partners = await form('/admin/partners/import', { csv: 'code,role,name,colour\nX,seller,X Co\n' })
  expect(partners.body).toContain('row 1: colour: unknown column')
  const roles = await form('/admin/partners/import', { csv: 'code,role,name,email\nX,seller,X Co,x\n' })
  expect(roles.body).toContain('row 2: role: &quot;seller&quot; is not one of supplier, customer, both')
  expect(roles.body).toContain('row 2: email: &quot;x&quot; is not an e-mail address')
})

test('stations and printers pages show the configuration and status read-only', async () => {
  const app = await buildTestApp({ stations: [{ code: 'RCV1', kind: 'receiving', location: 'DOCK1' }] })
  const stations = (await app.inject({ method: 'GET', url: '/admin/stations' })).body
  expect(stations).toMatch(/RCV1[\s\S]*receiving[\s\S]*DOCK1[\s\S]*none \(keyboard only\)[\s\S]*idle/)
  expect((await app.inject({ method: 'GET', url: '/admin/printers' })).body).toContain('No printers are set up on this server')
})

test('a recall report lists each shipment once with every lot on it; a drill kept before shipments were grouped still shows its lines', async () => {
  const { app, flour, cookies, form } = await plant()
  const more = await post(app, '/api/v1/batches', { product: 'CCC-12', line: 'L1', inputs: [{ lot: flour, quantity: 30 }], output: { quantity: 60 } })
  const cookies2 = more.body.lot.code as string
  const both = await post(app, '/api/v1/shipments', { customer: 'CORNER', shipFrom: 'DOCK2', lines: [{ lot: cookies, quantity: 7 }, { lot: cookies2, quantity: 5 }], referenceDocument: { type: 'BOL', number: 'S-2' } })
  expect(both.status, JSON.stringify(both.body)).toBe(201)
  expect((await form('/recalls', { lot: flour })).headers.location).toBe('/recalls/1')
  const report = (await app.inject({ method: 'GET', url: '/recalls/1' })).body
  const corner = report.slice(report.indexOf('CORNER Inc.'))
  // One shipment, two lines: the date, shipment number and BOL are printed once, each lot on its own row.
  expect(corner).toMatch(new RegExp(`<tr><td>[^<]+</td><td>${both.body.shipment.id}</td><td class="mono">${cookies}</td>[\\s\\S]*?BOL S-2</td></tr><tr class="same-shipment"><td></td><td></td><td class="mono">${cookies2}</td>`))
  expect(corner).toMatch(/<th class="num">12 case<\/th>/)
  expect(report).toMatch(/<b>2<\/b> customers, <b>2<\/b> shipments/)

  // The shape kept by drills run before this change: one entry per line, lot and quantity on the entry.
  const old = JSON.parse(String((await app.db.client.execute('SELECT summary FROM recall_drills WHERE id = 1')).rows[0]!.summary))
  old.customers = [{ customer: old.customers[0].customer, total: [{ unit: 'case', quantity: 40 }], shipments: [{ lot: cookies, product: 'CCC-12', customer: 'FRESHMART', shipmentId: 1, shipDate: '2026-11-21', shipFrom: 'DOCK2', quantity: 40, unit: 'case', referenceDocument: { type: 'BOL', number: 'S-1' } }] }]
  await app.db.client.execute({ sql: "INSERT INTO recall_drills (lot_code, user_name, started_at, duration_ms, trace_ms, customers, suppliers, shipments, lots, summary) VALUES (?, 'kim', '2026-11-01T08:00:00Z', 5, 2, 1, 1, 1, 3, ?)", args: [flour, JSON.stringify(old)] })
  const kept = (await app.inject({ method: 'GET', url: '/recalls/2' })).body
  expect(kept).toMatch(new RegExp(`<td>1</td><td class="mono">${cookies}</td><td>CCC-12</td><td class="num">40 case</td><td>BOL S-1</td>`))
})

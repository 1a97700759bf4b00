import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, test } from 'vitest'
import { listAudit, recordAudit } from '../../db/audit.ts'
import { createFakePrinter } from '../../hardware/fakes.ts'
import { withActor } from '../../server/domain/audit.ts'
import type { StationDef } from '../../server/domain/stations.ts'
import { createPrintQueue } from '../../server/print-queue.ts'
import { verifyDatabase } from '../../server/verify.ts'
import { buildTestApp, countRows, get, post, receive, seedBakery, testDb } from '../helpers/app.ts'

const BIN = fileURLToPath(new URL('../../bin/lotline.mjs', import.meta.url))

async function bakery ({ file = false, stations = [] as StationDef[] } = {}) {
  const db = await testDb({ file })
  const printQueue = createPrintQueue({ db, printers: new Map([['RCV1', createFakePrinter()]]), render: (_t, data) => `^XA^FD${JSON.stringify(data)}^FS^XZ` })
  const app = await buildTestApp({ db, printQueue, companyPrefix: '0614141', stations })
  await seedBakery(app)
  return { app, db, printQueue }
}

const actions = async (db: Awaited<ReturnType<typeof testDb>>) => (await listAudit(db.client, { limit: 1000 })).map(a => a.action)

describe('audit trail', () => {
  test('master data, every kind of event, label prints and reprints and pallets each leave one entry with who, station and server time', async () => {
    const { app, db, printQueue } = await bakery()
    expect(await actions(db)).toEqual([
      'token.create', // the tests' own admin API token (test/helpers/app.ts)
      'location.create', 'location.create', 'location.create', ...Array(7).fill('partner.create'), ...Array(5).fill('product.create')
    ])
    const before = await countRows(db, 'audit_log')
    const flour = await receive(app, 'FLOUR', 'MILL', 500, { user: 'ana', station: 'RCV1' })
    const open = await post(app, '/api/v1/batches', { product: 'CCC-12', line: 'L1', user: 'bo', station: 'L1' })
    expect(open.status).toBe(201)
    const batch = open.body.batch.code as string
    expect((await post(app, `/api/v1/batches/${batch}/inputs`, { lot: flour, quantity: 100, user: 'bo' })).status).toBe(201)
    const closed = await post(app, `/api/v1/batches/${batch}/close`, { quantity: 40, user: 'bo' })
    expect(closed.status).toBe(201)
    const cookies = closed.body.lot.code as string
    expect((await post(app, '/api/v1/shipments', { customer: 'FRESHMART', shipFrom: 'DOCK2', lines: [{ lot: cookies, quantity: 10 }], user: 'cy' })).status).toBe(201)
    const adjusted = await post(app, `/api/v1/lots/${flour}/adjustments`, { quantity: -5, reason: 'spilt on the floor', user: 'dee' })
    expect(adjusted.status).toBe(201)
    expect((await post(app, `/api/v1/events/${adjusted.body.eventId}/void`, { reason: 'counted again: not spilt', user: 'dee' })).status).toBe(201)
    await app.masterData.mapGtin('10614141000057', 'FLOUR', 'eve')
    const job = await printQueue.enqueue({ printer: 'RCV1', station: 'RCV1', lotCode: flour, template: 'receiving', data: { lot: flour }, user: 'ana' })
    await printQueue.reprint(job, { user: 'ana', reason: 'label torn off' })
    const pallet = await app.pallets.build({ lot: cookies, count: 20, user: 'fay', station: 'L1' })

    const after = (await listAudit(db.client, { afterId: before, limit: 1000 }))
    expect(after.map(a => [a.action, a.user])).toEqual([
      ['event.receiving', 'ana'], ['event.batch_open', 'bo'], ['event.batch_input', 'bo'], ['event.batch_close', 'bo'], ['event.shipping', 'cy'],
      ['event.adjustment', 'dee'], ['event.void', 'dee'], ['gtin.map', 'eve'], ['label.print', 'ana'], ['label.reprint', 'ana'], ['pallet.build', 'fay']
    ])
    expect(after[0]).toMatchObject({ station: 'RCV1', at: '2026-11-25T10:00:00.000Z', subject: expect.stringMatching(/^event:\d+$/), details: { lots: [flour], rows: { lots: expect.any(String), movements: expect.any(String) } } })
    expect(after[9]).toMatchObject({ subject: `lot:${flour}`, details: { reprint: 1, reason: 'label torn off' } })
    expect(after[10]).toMatchObject({ subject: `sscc:${pallet.sscc}`, station: 'L1', details: { lot: cookies, count: 20 } })
    // Every event has its entry, and both chains hold.
    expect(await countRows(db, 'events')).toBe(after.filter(a => a.action.startsWith('event.')).length)
    expect(await verifyDatabase(db.client)).toMatchObject({ ok: true, problems: [] })
  })

  test('a refused request leaves no entry: the entry is in the transaction that was rolled back', async () => {
    const { app, db } = await bakery()
    const flour = await receive(app, 'FLOUR', 'MILL', 10)
    const n = await countRows(db, 'audit_log')
    const refused = [
      await post(app, '/api/v1/products', { code: 'FLOUR', name: 'Again', unit: 'kg' }),
      await post(app, '/api/v1/receipts', { product: 'NOPE', supplier: 'MILL', supplierLotCode: 'X', quantity: 1, location: 'DOCK1' }),
      await post(app, '/api/v1/shipments', { customer: 'FRESHMART', shipFrom: 'DOCK2', lines: [{ lot: flour, quantity: 11 }] }),
      await post(app, '/api/v1/batches', { product: 'DOUGH', line: 'L1', inputs: [{ lot: flour, quantity: 5 }, { lot: flour, quantity: 6 }], output: { quantity: 1 } }),
      await post(app, `/api/v1/lots/${flour}/adjustments`, { quantity: -20, reason: 'too much' })
    ]
    expect(refused.map(r => r.status)).toEqual([409, 422, 409, 409, 409])
    expect(await countRows(db, 'audit_log')).toBe(n)
    await expect(db.write(async tx => { await recordAudit(tx, { action: 'setting.change', subject: 'setting:x' }); throw new Error('rolled back') })).rejects.toThrow()
    expect(await countRows(db, 'audit_log')).toBe(n)
  })

  test('an entry with no user of its own names the actor the server or CLI set; GET /api/v1/audit filters by lot, subject and date', async () => {
    const { app, db, printQueue } = await bakery()
    await withActor({ user: 'admin-ann', station: null }, () => db.write(tx => recordAudit(tx, { action: 'export.fda', subject: 'export:fda-204', details: { rows: 12 } })))
    const flour = await receive(app, 'FLOUR', 'MILL', 10)
    await printQueue.enqueue({ printer: 'RCV1', lotCode: flour, template: 'receiving', data: { lot: flour }, user: 'ana' })

    const byLot = await get(app, `/api/v1/audit?subject=lot:${flour}`)
    expect(byLot.status).toBe(200)
    expect(byLot.body.entries.map((e: { action: string }) => e.action)).toEqual(['event.receiving', 'label.print'])
    const exports = (await get(app, '/api/v1/audit?subject=export:fda-204')).body.entries
    expect(exports).toMatchObject([{ user: 'admin-ann', action: 'export.fda', details: { rows: 12 } }])
    expect((await get(app, '/api/v1/audit?from=2026-11-26')).body.entries).toEqual([])
    const day = (await get(app, '/api/v1/audit?to=2026-11-25&limit=1000')).body.entries
    expect(day).toHaveLength(await countRows(db, 'audit_log'))
    const page = (await get(app, `/api/v1/audit?after=${day[2].id}&limit=2`)).body.entries
    expect(page.map((e: { id: number }) => e.id)).toEqual([day[3].id, day[4].id])
  })

  test('every export download leaves an entry with who, server time and what (kind, lot, range or shipment); a refused one leaves none', async () => {
    const { app, db } = await bakery()
    const flour = await receive(app, 'FLOUR', 'MILL', 500)
    const shipped = await post(app, '/api/v1/shipments', { customer: 'FRESHMART', shipFrom: 'DOCK2', lines: [{ lot: flour, quantity: 10 }] })
    expect(shipped.status).toBe(201)
    const shipment = shipped.body.shipment.id as number
    const before = await countRows(db, 'audit_log')
    const started = new Date().toISOString()
    const urls = [`/api/v1/trace/${flour}/export.csv?direction=forward`, `/api/v1/trace/${flour}/fda.xlsx`, `/api/v1/trace/${flour}/epcis.jsonld`,
      '/api/v1/exports/fda.xlsx?from=2026-11-01&to=2026-11-30', '/api/v1/exports/epcis.jsonld?from=2026-11-01&to=2026-11-30',
      `/api/v1/shipments/${shipment}/kdes`, `/api/v1/shipments/${shipment}/kdes.csv`]
    for (const url of urls) expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(200)
    expect((await app.inject({ method: 'GET', url: '/api/v1/trace/NO-SUCH-LOT/fda.xlsx' })).statusCode).toBe(404)

    const entries = await listAudit(db.client, { afterId: before, limit: 100 })
    expect(entries.map(e => [e.action, e.subject, e.user])).toEqual([
      ['export.csv', `lot:${flour}`, 'token:tests'], ['export.fda', `lot:${flour}`, 'token:tests'], ['export.epcis', `lot:${flour}`, 'token:tests'],
      ['export.fda', 'range:2026-11-01..2026-11-30', 'token:tests'], ['export.epcis', 'range:2026-11-01..2026-11-30', 'token:tests'],
      ['export.kdes', `shipment:${shipment}`, 'token:tests'], ['export.kdes', `shipment:${shipment}`, 'token:tests']
    ])
    expect(entries[0]!.details).toMatchObject({ kind: 'csv', lot: flour, direction: 'forward', file: expect.stringMatching(/\.csv$/) })
    expect(entries[3]!.details).toMatchObject({ from: '2026-11-01', to: '2026-11-30', summary: expect.stringContaining('FDA spreadsheet') })
    // Server time: the moment of the download, whatever the events' own dates.
    for (const e of entries) expect(e.at >= started && e.at <= new Date().toISOString()).toBe(true)
    // The lot's own history shows who took its records out.
    const byLot = (await get(app, `/api/v1/audit?subject=lot:${flour}`)).body.entries.map((e: { action: string }) => e.action)
    expect(byLot).toEqual(['event.receiving', 'event.shipping', 'export.csv', 'export.fda', 'export.epcis'])
  })

  test('lotline export leaves an entry naming the command\'s user and the file it wrote', async () => {
    const { app, db } = await bakery({ file: true })
    const flour = await receive(app, 'FLOUR', 'MILL', 500)
    const { stdout } = await promisify(execFile)(process.execPath, [BIN, 'export', 'csv', '--lot', flour, '--out', 'flour.csv'], {
      cwd: join(db.path!, '..'), env: { ...process.env, LOTLINE_CONFIG: '', LOTLINE_DB_URL: `file:${db.path}`, USER: 'qa-lead' }
    })
    const out = stdout.trim().split('\n')[0]!
    expect(existsSync(out)).toBe(true)
    const entries = await listAudit(db.client, { subject: `lot:${flour}` })
    expect(entries.map(e => e.action)).toEqual(['event.receiving', 'export.csv'])
    expect(entries[1]).toMatchObject({ action: 'export.csv', user: 'cli:qa-lead', station: null, details: { lot: flour, direction: 'both', out } })
  })

  test('master data from the admin pages (forms and CSV imports), accounts, kiosks, tokens, logins and kiosk clocks each leave their entry', async () => {
    const { app, db } = await bakery({ stations: [{ code: 'RCV1', kind: 'receiving', location: 'DOCK1' }] })
    const before = await countRows(db, 'audit_log')
    const form = (url: string, payload: Record<string, string>) => app.inject({ method: 'POST', url, payload, headers: { accept: 'text/html' } })
    expect((await form('/admin/products', { code: 'OATS', name: 'Rolled oats', unit: 'kg' })).statusCode).toBe(303)
    expect((await form('/admin/locations', { code: 'DOCK3', kind: 'dock', name: 'Back dock' })).statusCode).toBe(303)
    expect((await form('/admin/partners/import', { csv: 'code,role,name\nFARM,supplier,Oat Farm\nDELI,customer,Deli Co\n' })).statusCode).toBe(303)
    expect((await form('/admin/products/import', { csv: 'code,name,unit\nRYE,Rye,kg\nRYE,Rye again,kg\n' })).statusCode).toBe(422) // refused: nothing, and no entry
    expect((await post(app, '/api/v1/users', { username: 'olga', role: 'operator', pin: '4321' })).status).toBe(201)
    const kiosk = await post(app, '/api/v1/kiosks', { name: 'dock kiosk', station: 'RCV1' })
    expect(kiosk.status).toBe(201)
    expect((await post(app, '/api/v1/tokens', { name: 'erp', role: 'integration' })).status).toBe(201)
    // An operator logs in at the kiosk, which reports a clock 7 minutes slow, and logs out.
    const login = await app.inject({ method: 'POST', url: '/kiosk/login', payload: { pin: '4321' }, headers: { cookie: `lotline_kiosk=${kiosk.body.token}` } })
    const cookie = `lotline_kiosk=${kiosk.body.token}; lotline_session=${login.cookies.find(c => c.name === 'lotline_session')!.value}`
    expect((await app.inject({ method: 'GET', url: '/stations/RCV1/clock', headers: { cookie, 'x-kiosk-clock': String(Date.now() - 7 * 60_000) } })).statusCode).toBe(200)
    const session = await app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie } })
    const csrf = `${cookie}; _csrf=${session.cookies.find(c => c.name === '_csrf')!.value}`
    expect((await app.inject({ method: 'POST', url: '/logout', headers: { cookie: csrf, 'x-csrf-token': session.json().csrfToken } })).statusCode).toBe(303)

    const entries = await listAudit(db.client, { afterId: before, limit: 100 })
    expect(entries.map(e => [e.action, e.subject, e.user, e.station])).toEqual([
      ['product.create', 'product:OATS', 'token:tests', null],
      ['location.create', 'location:DOCK3', 'token:tests', null],
      ['partner.create', 'partner:FARM', 'token:tests', null], ['partner.create', 'partner:DELI', 'token:tests', null],
      ['partners.import', 'import:partners', 'token:tests', null],
      ['user.create', 'user:olga', 'token:tests', null],
      ['kiosk.register', 'kiosk:dock kiosk', 'token:tests', null],
      ['token.create', 'token:erp', 'token:tests', null],
      ['login', 'user:olga', 'olga', 'RCV1'],
      ['kiosk.clock', 'kiosk:dock kiosk', 'olga', 'RCV1'],
      ['logout', 'user:olga', 'olga', 'RCV1']
    ])
    expect(entries[4]!.details).toEqual({ rows: 2, codes: ['FARM', 'DELI'] })
    expect(entries[5]!.details).toEqual({ role: 'operator', password: false, pin: true, badge: false, demo: false })
    expect(JSON.stringify(entries)).not.toContain('4321') // never a secret
    expect(entries[9]!.details).toMatchObject({ flagged: true, offsetSeconds: expect.toSatisfy((s: number) => s <= -419 && s >= -421) })
    expect(await verifyDatabase(db.client)).toMatchObject({ ok: true, problems: [] })
  })

  test('the log refuses UPDATE and DELETE, like the events it records', async () => {
    const db = await testDb()
    await db.write(tx => recordAudit(tx, { action: 'setting.change', subject: 'setting:x' }))
    await expect(db.client.execute("UPDATE audit_log SET user_name = 'someone else'")).rejects.toThrow(/append-only/)
    await expect(db.client.execute('DELETE FROM audit_log')).rejects.toThrow(/append-only/)
  })
})

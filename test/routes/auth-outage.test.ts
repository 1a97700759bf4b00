import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient } from '@libsql/client'
import { expect, onTestFinished, test } from 'vitest'
import { openDb } from '../../db/client.ts'
import { migrate } from '../../db/migrate.ts'
import { createSequenceLedger } from '../../db/sequences.ts'
import { buildApp } from '../../server/app.ts'
import { createAuth } from '../../server/domain/auth.ts'
import { startSqld, type Sqld } from '../helpers/sqld.ts'

// The plant's libSQL server (a real sqld) goes away under a kiosk server whose operator is logged
// in: what the operator, a new operator, an integration and the admin each get.

const MESSAGE = 'The lot database cannot be reached: nothing was recorded. Try again; if it persists, call IT.'
const STATIONS = [{ code: 'RCV1', kind: 'receiving' as const, location: 'DOCK1' }, { code: 'SHP1', kind: 'shipping' as const, location: 'DOCK2' }]

async function kioskServer (sqld: Sqld) {
  const dir = mkdtempSync(join(tmpdir(), 'lotline-auth-outage-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  const db = openDb({ url: sqld.url, requestTimeoutMs: 5000 })
  onTestFinished(() => db.close())
  await migrate(db)
  const auth = createAuth({ db })
  const app = await buildApp({ db, auth, stations: STATIONS, ledger: createSequenceLedger(null), timeZone: 'UTC', spoolPath: join(dir, 'scan-spool.jsonl') })
  onTestFinished(() => app.close())
  return { app, auth, db }
}
type App = Awaited<ReturnType<typeof kioskServer>>['app']

/** An operator at a registered kiosk, logged in with the PIN through the real form; with the CSRF token their page sends. */
async function operatorAt (app: App, kioskToken: string, pin: string) {
  const res = await app.inject({ method: 'POST', url: '/kiosk/login', payload: { pin }, headers: { cookie: `lotline_kiosk=${kioskToken}` } })
  expect(res.statusCode, res.body).toBe(303)
  const cookie = `lotline_kiosk=${kioskToken}; lotline_session=${res.cookies.find(c => c.name === 'lotline_session')!.value}`
  const me = await app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie } })
  expect(me.statusCode).toBe(200)
  const headers = { cookie: `${cookie}; _csrf=${me.cookies.find(c => c.name === '_csrf')!.value}`, 'x-csrf-token': me.json().csrfToken as string }
  return { headers, session: cookie }
}

const pageScan = (app: App, headers: Record<string, string>, data: string, scanId: string) =>
  app.inject({ method: 'POST', url: '/stations/RCV1/scan', headers: { ...headers, 'hx-request': 'true' }, payload: { data, scanId } })
const apiScan = (app: App, headers: Record<string, string>, data: string, scanId: string) =>
  app.inject({ method: 'POST', url: '/api/v1/stations/RCV1/scans', headers, payload: { data, scanId } })

test('an operator logged in before the libSQL server went away keeps scanning (page and API, kept on this kiosk); roles still apply; a new login is refused with the 503; all kept scans are recorded once the server is back', async () => {
  const sqld = await startSqld()
  const { app, auth } = await kioskServer(sqld)
  const admin = await auth.createToken({ role: 'admin', name: 'tests', createdBy: 'tests' })
  const erp = await auth.createToken({ role: 'integration', name: 'erp', createdBy: 'tests' })
  for (const [url, payload] of [['/api/v1/locations', { code: 'DOCK1', kind: 'dock', name: 'Dock 1' }], ['/api/v1/locations', { code: 'DOCK2', kind: 'dock', name: 'Dock 2' }]] as const) {
    expect((await app.inject({ method: 'POST', url, payload, headers: { authorization: `Bearer ${admin}` } })).statusCode).toBe(201)
  }
  await auth.createUser({ username: 'olga', role: 'operator', pin: '4321' })
  await auth.createUser({ username: 'pete', role: 'operator', pin: '8765' })
  const kiosk = await auth.registerKiosk({ name: 'dock kiosk', station: 'RCV1', createdBy: 'tests' })
  const olga = await operatorAt(app, kiosk, '4321')
  expect((await app.inject({ method: 'GET', url: '/health', headers: { authorization: `Bearer ${erp}` } })).statusCode).toBe(200)
  // Before the outage: a scan through the page is recorded at once.
  const first = await pageScan(app, olga.headers, ']C0BEFORE', 'scan-before-0001')
  expect(first.statusCode).toBe(200)

  await sqld.kill()

  // The page's own scan form: kept, and the banner says so (KEPT, with its own tones).
  const kept = await pageScan(app, olga.headers, ']C0DURING-1', 'scan-during-0001')
  expect(kept.statusCode, kept.body).toBe(202)
  expect(kept.body).toContain('<hx-partial hx-target="#signal"')
  expect(kept.body).toContain('data-beep="kept"')
  expect(kept.body).toContain('this scan is kept on this kiosk (1 waiting) and will be recorded when it is back')
  // The same scan posted again (its answer was lost on the way): still one waiting.
  expect((await pageScan(app, olga.headers, ']C0DURING-1', 'scan-during-0001')).body).toContain('(1 waiting)')
  // The API scan route, from the same logged-in page.
  const api = await apiScan(app, olga.headers, ']C0DURING-2', 'scan-during-0002')
  expect(api.statusCode).toBe(202)
  expect(api.json()).toMatchObject({ outcome: 'spooled', scanId: 'scan-during-0002', message: expect.stringContaining('kept on this kiosk (2 waiting)') })
  // Without the form's fields, as a plain (non-htmx) browser post: a page saying the same.
  const plain = await app.inject({ method: 'POST', url: '/stations/RCV1/scan', headers: olga.headers, payload: { data: ']C0DURING-3', scanId: 'scan-during-0003' } })
  expect(plain.statusCode).toBe(202)
  expect(plain.body).toContain('<html')
  expect(plain.body).toContain('kept on this kiosk (3 waiting)')

  // A write that is not a scan is refused: nothing half-written, the operator told in the same words.
  const answer = await app.inject({ method: 'POST', url: '/api/v1/stations/RCV1/answer', headers: olga.headers, payload: { confirm: true } })
  expect(answer.statusCode).toBe(503)
  expect(answer.json()).toEqual({ error: { code: 'DB_UNAVAILABLE', message: MESSAGE } })
  // Who she is was checked before: her role and her kiosk's station still decide what she may do.
  expect((await app.inject({ method: 'GET', url: '/api/v1/trace/26001-RCV1-0001', headers: olga.headers })).statusCode).toBe(403)
  expect((await app.inject({ method: 'POST', url: '/api/v1/stations/SHP1/scans', headers: olga.headers, payload: { data: ']C0X' } })).statusCode).toBe(403)
  // /health tells her server's state: degraded, scans waiting.
  const health = await app.inject({ method: 'GET', url: '/health', headers: olga.headers })
  expect(health.statusCode).toBe(503)
  expect(health.json()).toMatchObject({ status: 'degraded', db: 'unreachable', stations: [{ code: 'RCV1', spool: { waiting: 3 } }, { code: 'SHP1' }] })
  // The integration checked before is still let in (and told the server's state); a token never seen is not.
  const erpHealth = await app.inject({ method: 'GET', url: '/health', headers: { authorization: `Bearer ${erp}` } })
  expect(erpHealth.statusCode).toBe(503)
  expect(erpHealth.json()).toMatchObject({ status: 'degraded', db: 'unreachable' })
  const stranger = await app.inject({ method: 'GET', url: '/health', headers: { authorization: 'Bearer llt_never-seen-by-this-server' } })
  expect(stranger.statusCode).toBe(503)
  expect(stranger.json()).toEqual({ error: { code: 'DB_UNAVAILABLE', message: MESSAGE } })

  // Another operator cannot log in now: the PIN cannot be checked. Said plainly, not "wrong PIN".
  const pete = await app.inject({ method: 'POST', url: '/kiosk/login', payload: { pin: '8765' }, headers: { cookie: `lotline_kiosk=${kiosk}` } })
  expect(pete.statusCode).toBe(503)
  expect(pete.body).toContain(MESSAGE)
  // The login page and its stylesheet still load on that kiosk.
  expect((await app.inject({ method: 'GET', url: '/public/kiosk.css', headers: { cookie: olga.session } })).statusCode).toBe(200)

  await sqld.start()
  await expect.poll(async () => app.scanSpool!.waitingFor('RCV1'), { timeout: 15_000, interval: 200 }).toBe(0)
  const db = createClient({ url: sqld.url })
  onTestFinished(() => db.close())
  const rows = (await db.execute("SELECT id, raw, source FROM scans WHERE station = 'RCV1' ORDER BY rowid")).rows.map(r => `${String(r.id)} ${String(r.raw)} ${String(r.source)}`)
  expect(rows).toEqual([
    'scan-before-0001 ]C0BEFORE keyboard',
    'scan-during-0001 ]C0DURING-1 keyboard',
    'scan-during-0002 ]C0DURING-2 keyboard',
    'scan-during-0003 ]C0DURING-3 keyboard'
  ])
  // And Pete logs in now.
  expect((await app.inject({ method: 'POST', url: '/kiosk/login', payload: { pin: '8765' }, headers: { cookie: `lotline_kiosk=${kiosk}` } })).statusCode).toBe(303)
}, 60_000)

test('a session logged out or revoked is not honoured during an outage: logged out on another kiosk server, or here while the database is away', async () => {
  const sqld = await startSqld()
  const here = await kioskServer(sqld)
  const there = await kioskServer(sqld) // another kiosk server on the same database
  await here.auth.createUser({ username: 'olga', role: 'operator', pin: '4321' })
  await here.auth.createUser({ username: 'pete', role: 'operator', pin: '8765' })
  const admin = await here.auth.createToken({ role: 'admin', name: 'tests', createdBy: 'tests' })
  expect((await here.app.inject({ method: 'POST', url: '/api/v1/locations', payload: { code: 'DOCK1', kind: 'dock', name: 'Dock 1' }, headers: { authorization: `Bearer ${admin}` } })).statusCode).toBe(201)
  const kiosk = await here.auth.registerKiosk({ name: 'dock kiosk', station: 'RCV1', createdBy: 'tests' })
  const olga = await operatorAt(here.app, kiosk, '4321')
  const pete = await operatorAt(here.app, kiosk, '8765')

  // Pete's session is ended through the other server; this one sees it gone on his next request.
  const out = await there.app.inject({ method: 'POST', url: '/logout', headers: pete.headers })
  expect(out.statusCode).toBe(303)
  expect((await here.app.inject({ method: 'GET', url: '/api/v1/session', headers: pete.headers })).statusCode).toBe(401)

  await sqld.kill()
  // Olga was checked before: still in. Pete is not: the 503, not his old session.
  expect((await apiScan(here.app, olga.headers, ']C0OLGA', 'scan-olga-0001')).statusCode).toBe(202)
  const peteNow = await apiScan(here.app, pete.headers, ']C0PETE', 'scan-pete-0001')
  expect(peteNow.statusCode).toBe(503)
  expect(peteNow.json().error.code).toBe('DB_UNAVAILABLE')
  // Olga logs out while the database is away: the database cannot be told (503), but this server
  // no longer lets that session in.
  const logout = await here.app.inject({ method: 'POST', url: '/logout', headers: olga.headers })
  expect(logout.statusCode, logout.body).toBe(503)
  const after = await apiScan(here.app, olga.headers, ']C0OLGA-2', 'scan-olga-0002')
  expect(after.statusCode).toBe(503)
  expect(here.app.scanSpool!.waitingFor('RCV1')).toBe(1)
}, 60_000)

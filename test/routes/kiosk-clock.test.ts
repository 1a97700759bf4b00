import { expect, test } from 'vitest'
import { listAudit } from '../../db/audit.ts'
import { createAuth } from '../../server/domain/auth.ts'
import { buildTestApp, FIXED_NOW, seedBakery, testDb } from '../helpers/app.ts'

const MIN = 60_000

/** A receiving kiosk with an operator logged in; the server's clock is FIXED_NOW for events and logins alike. */
async function kiosk () {
  const db = await testDb({ file: true })
  const auth = createAuth({ db, clock: () => FIXED_NOW })
  const app = await buildTestApp({ db, auth, stations: [{ code: 'RCV1', kind: 'receiving', location: 'DOCK1' }] })
  await seedBakery(app)
  await auth.createUser({ username: 'olga', role: 'operator', pin: '4321' })
  await auth.createUser({ username: 'sam', role: 'supervisor', password: 'correct horse battery' })
  const kioskToken = await auth.registerKiosk({ name: 'dock kiosk', station: 'RCV1', createdBy: 'test' })
  const login = await app.inject({ method: 'POST', url: '/kiosk/login', payload: { pin: '4321' }, headers: { cookie: `lotline_kiosk=${kioskToken}` } })
  const cookie = `lotline_kiosk=${kioskToken}; lotline_session=${login.cookies.find(c => c.name === 'lotline_session')!.value}`
  const session = await app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie } })
  const headers = { cookie: `${cookie}; _csrf=${session.cookies.find(c => c.name === '_csrf')!.value}`, 'x-csrf-token': session.json().csrfToken as string }
  /** What the station page's script does each minute: sends this kiosk's clock, gets the warning box back. */
  const check = async (kioskClock: number | string) => (await app.inject({ method: 'GET', url: '/stations/RCV1/clock', headers: { ...headers, 'x-kiosk-clock': String(kioskClock) } })).body
  const page = async () => (await app.inject({ method: 'GET', url: '/stations/RCV1', headers: { ...headers, accept: 'text/html' } })).body
  const flags = async () => (await listAudit(db.client, { subject: 'kiosk:dock kiosk', limit: 100 })).filter(e => e.action === 'kiosk.clock')
  return { app, headers, check, page, flags }
}

const warning = (body: string) => /<div id="clock-warning"[^>]*>([\s\S]*?)<\/div>/.exec(body)?.[1]?.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim()

test('a kiosk whose clock is 7 minutes slow is told so on its page and flagged once in the audit trail; events keep the server\'s time', async () => {
  const { app, headers, check, page, flags } = await kiosk()
  expect(warning(await page())).toBe('')
  const slow = FIXED_NOW.getTime() - 7 * MIN
  expect(warning(await check(slow))).toBe("This kiosk's clock is 7 min behind the server's: events use the server's time. Ask IT to fix the clock.")
  expect(warning(await page())).toMatch(/^This kiosk's clock is 7 min behind/)

  // A receipt taken at the slow kiosk: its clock travels with the request, the event has the server's time.
  const receipt = await app.inject({ method: 'POST', url: '/api/v1/receipts', headers: { ...headers, 'x-kiosk-clock': String(slow + 1000) }, payload: { product: 'FLOUR', supplier: 'MILL', supplierLotCode: 'PM-1', quantity: 25, location: 'DOCK1' } })
  expect(receipt.statusCode).toBe(201)
  const lot = (await app.inject({ method: 'GET', url: `/api/v1/lots/${receipt.json().lot.code}` })).json()
  expect(lot.events[0]).toMatchObject({ user: 'olga', recordedAt: FIXED_NOW.toISOString() })

  // The same offset again, from every request, is not flagged again.
  await check(slow + 2000)
  const [entry, ...more] = await flags()
  expect(more).toEqual([])
  expect(entry).toMatchObject({
    user: 'olga', station: 'RCV1', at: FIXED_NOW.toISOString(),
    details: { flagged: true, offsetSeconds: -420, kioskClock: new Date(slow).toISOString(), serverClock: FIXED_NOW.toISOString() }
  })
  // The admin's station list shows the kiosk and how far off it is.
  const admin = (await app.inject({ method: 'GET', url: '/admin/stations', headers: { accept: 'text/html' } })).body
  expect(admin).toMatch(/dock kiosk<\/td><td>RCV1<\/td>\s*<td><b>7 min behind: ask IT to fix it<\/b>/)
})

test('a kiosk clock that jumps is flagged again; back in step, the warning goes and the trail says so', async () => {
  const { check, flags } = await kiosk()
  await check(FIXED_NOW.getTime() - 7 * MIN)
  expect(warning(await check(FIXED_NOW.getTime() + 3 * 60 * MIN + 20 * MIN))).toMatch(/^This kiosk's clock is 3 h 20 min ahead of the server's/)
  expect(warning(await check(FIXED_NOW.getTime() + 5000))).toBe('')
  // Within the 2-minute allowance nothing is flagged, and a reading that is not a time is ignored.
  await check(FIXED_NOW.getTime() - 90_000)
  await check('yesterday')
  expect((await flags()).map(e => (e.details as { flagged: boolean, offsetSeconds: number }))).toEqual([
    expect.objectContaining({ flagged: true, offsetSeconds: -420 }),
    expect.objectContaining({ flagged: true, offsetSeconds: 12000 }),
    expect.objectContaining({ flagged: false, offsetSeconds: 5 })
  ])
})

test('only kiosks are checked: a supervisor\'s laptop clock is not the plant\'s business', async () => {
  const { app, flags } = await kiosk()
  const login = await app.inject({ method: 'POST', url: '/login', payload: { username: 'sam', password: 'correct horse battery' }, headers: { cookie: '' } })
  const cookie = login.cookies.map(c => `${c.name}=${c.value}`).join('; ')
  const page = await app.inject({ method: 'GET', url: '/stations/RCV1', headers: { cookie, accept: 'text/html', 'x-kiosk-clock': String(FIXED_NOW.getTime() - 60 * MIN) } })
  expect(page.statusCode).toBe(200)
  expect(warning(page.body)).toBe('')
  expect(await flags()).toEqual([])
})

import { describe, expect, test } from 'vitest'
import { listAudit } from '../../db/audit.ts'
import { createAuth } from '../../server/domain/auth.ts'
import { buildTestApp, seedBakery, testDb } from '../helpers/app.ts'

/** A time of day as the refusal says it (the server's locale and time zone). */
const at = (iso: string) => new Date(iso).toLocaleTimeString('en-GB')
const STATIONS = [{ code: 'RCV1', kind: 'receiving' as const, location: 'DOCK1' }, { code: 'SHP1', kind: 'shipping' as const, location: 'DOCK2' }]

/** A plant with two operators, a kiosk at each of two stations, and a server clock the test moves. */
async function plant () {
  const db = await testDb({ file: true })
  let now = Date.parse('2026-11-25T10:00:00Z')
  const auth = createAuth({ db, clock: () => new Date(now) })
  const app = await buildTestApp({ db, auth, stations: STATIONS })
  await seedBakery(app)
  await auth.createUser({ username: 'olga', role: 'operator', pin: '4321', badge: 'BADGE-OLGA' })
  await auth.createUser({ username: 'pete', role: 'operator', pin: '8765' })
  const kiosks = {
    RCV1: await auth.registerKiosk({ name: 'dock kiosk', station: 'RCV1', createdBy: 'test' }),
    SHP1: await auth.registerKiosk({ name: 'shipping kiosk', station: 'SHP1', createdBy: 'test' })
  }
  /** Logs in at a kiosk through the real form: 303 to the station, or 401 with the reason on the page. */
  const tryLogin = async (station: keyof typeof kiosks, creds: { pin?: string, badge?: string }) => {
    const res = await app.inject({ method: 'POST', url: '/kiosk/login', payload: creds, headers: { cookie: `lotline_kiosk=${kiosks[station]}` } })
    const reason = /<p class="error" role="alert">([^<]*)<\/p>/.exec(res.body)?.[1] ?? ''
    return { status: res.statusCode, reason: reason.replace(/&#39;/g, "'") }
  }
  const logins = async (subject: string) => (await listAudit(db.client, { subject, limit: 1000 })).map(a => [a.action, a.station])
  return { app, db, auth, tryLogin, logins, later: (ms: number) => { now += ms } }
}

describe('logging in at a shared kiosk', { timeout: 60_000 }, () => {
  test('one operator\'s wrong PINs do not lock out the next operator at the same kiosk', async () => {
    const { tryLogin, logins } = await plant()
    for (const pin of ['1234', '4312', '4231', '3421', '4320']) expect(await tryLogin('RCV1', { pin })).toEqual({ status: 401, reason: 'Wrong PIN' })
    expect((await tryLogin('RCV1', { pin: '8765' })).status).toBe(303)
    expect((await tryLogin('RCV1', { pin: '4321' })).status).toBe(303)
    // Each miss is in the audit trail, filed under the kiosk and its station (the PIN named nobody).
    expect(await logins('kiosk:dock kiosk')).toEqual([['kiosk.register', null], ...Array(5).fill(['login.failed', 'RCV1'])])
    expect(await logins('user:pete')).toEqual([['user.create', null], ['login', 'RCV1']])
  })

  test('a wrong PIN after a badge counts against that operator only: five lock her out for 15 minutes, everywhere', async () => {
    const { tryLogin, logins, later } = await plant()
    const wrong = []
    for (let i = 0; i < 5; i++) wrong.push(await tryLogin('RCV1', { badge: 'BADGE-OLGA', pin: '0000' }))
    expect(wrong.map(w => w.reason)).toEqual([...Array(4).fill('Wrong PIN for this badge'), 'Wrong again: locked for 15 minutes'])
    // Locked: her badge alone is refused, at this kiosk and at another one.
    expect(await tryLogin('RCV1', { badge: 'BADGE-OLGA' })).toMatchObject({ status: 401, reason: expect.stringContaining(`Too many failed attempts: locked until ${at('2026-11-25T10:15:00Z')}`) })
    expect((await tryLogin('SHP1', { badge: 'BADGE-OLGA' })).status).toBe(401)
    // Her colleague at the same kiosk is not.
    expect((await tryLogin('RCV1', { pin: '8765' })).status).toBe(303)
    later(15 * 60_000 + 1000)
    expect((await tryLogin('RCV1', { badge: 'BADGE-OLGA', pin: '4321' })).status).toBe(303)
    expect(await logins('user:olga')).toEqual([['user.create', null], ...Array(5).fill(['login.failed', 'RCV1']), ['login.locked', 'RCV1'], ['login.locked', 'SHP1'], ['login', 'RCV1']])
  })

  test('guessing PINs at a kiosk is slowed, then refused by locks that grow; each try is audited and other kiosks carry on', async () => {
    const { tryLogin, logins, later } = await plant()
    const started = Date.now()
    for (let i = 0; i < 5; i++) expect((await tryLogin('RCV1', { pin: String(1000 + i) })).reason).toBe('Wrong PIN')
    // Each miss is answered more slowly than the one before (150 ms more each).
    expect(Date.now() - started).toBeGreaterThanOrEqual(150 * (1 + 2 + 3 + 4 + 5) - 50)
    // The sixth locks this kiosk for 30 s: even a right PIN waits, so guessing cannot go on at speed.
    expect((await tryLogin('RCV1', { pin: '1005' })).reason).toMatch(/^Too many wrong PINs or badges at this kiosk: wait/)
    expect(await tryLogin('RCV1', { pin: '8765' })).toEqual({ status: 401, reason: expect.stringContaining(`Too many wrong PINs or badges at this kiosk: next try at ${at('2026-11-25T10:00:30Z')}`) })
    expect((await tryLogin('SHP1', { pin: '8765' })).status).toBe(303)
    // The locks double: 30 s, then 1 min, then 2 min.
    later(31_000)
    expect((await tryLogin('RCV1', { pin: '1006' })).status).toBe(401)
    expect((await tryLogin('RCV1', { pin: '1007' })).reason).toContain(`next try at ${at('2026-11-25T10:01:31Z')}`)
    later(61_000)
    expect((await tryLogin('RCV1', { pin: '1008' })).status).toBe(401)
    expect((await tryLogin('RCV1', { pin: '1009' })).reason).toContain(`next try at ${at('2026-11-25T10:03:32Z')}`)
    // Once the lock is over, an operator who knows her PIN gets in.
    later(121_000)
    expect((await tryLogin('RCV1', { pin: '8765' })).status).toBe(303)
    // Guessing stops counting only with time: after a quiet hour, a typo is just a typo again.
    later(60 * 60_000)
    expect(await tryLogin('RCV1', { pin: '1010' })).toEqual({ status: 401, reason: 'Wrong PIN' })
    const trail = await logins('kiosk:dock kiosk')
    expect(trail.filter(([a]) => a === 'login.failed')).toHaveLength(9)
    expect(trail.filter(([a]) => a === 'login.locked')).toHaveLength(3)
    expect(trail.every(([, station]) => station === 'RCV1' || station === null)).toBe(true)
  })

  test('password logins for supervisors still lock per account and per address', async () => {
    const { app, auth } = await plant()
    await auth.createUser({ username: 'sam', role: 'supervisor', password: 'correct horse battery' })
    await auth.createUser({ username: 'sue', role: 'supervisor', password: 'another long password' })
    const login = (username: string, password: string, ip: string) => app.inject({ method: 'POST', url: '/login', payload: { username, password }, headers: { cookie: '' }, remoteAddress: ip })
    for (let i = 0; i < 5; i++) expect((await login('sam', `wrong-${i}-password`, '10.0.0.7')).statusCode).toBe(401)
    expect((await login('sam', 'correct horse battery', '10.0.0.8')).body).toMatch(/Too many failed attempts/)
    expect((await login('sue', 'another long password', '10.0.0.7')).body).toMatch(/Too many failed attempts/)
    expect((await login('sue', 'another long password', '10.0.0.9')).statusCode).toBe(303)
  })
})

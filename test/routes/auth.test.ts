import { describe, expect, test } from 'vitest'
import { accessFor } from '../../server/access.ts'
import { createAuth } from '../../server/domain/auth.ts'
import { buildTestApp, seedBakery, testDb } from '../helpers/app.ts'

type App = Awaited<ReturnType<typeof buildTestApp>>
const STATIONS = [{ code: 'RCV1', kind: 'receiving' as const, location: 'DOCK1' }, { code: 'SHP1', kind: 'shipping' as const, location: 'DOCK2' }]

async function plant () {
  const db = await testDb({ file: true })
  const auth = createAuth({ db })
  const app = await buildTestApp({ db, auth, stations: STATIONS, repeatWindowMs: 0 })
  await seedBakery(app)
  await auth.createUser({ username: 'sam', displayName: 'Sam Supervisor', role: 'supervisor', password: 'correct horse battery' })
  await auth.createUser({ username: 'olga', role: 'operator', pin: '4321', badge: 'BADGE-OLGA' })
  return { app, auth }
}

/** Logs in through the real form and returns the cookies to send. */
async function login (app: App, username: string, password: string) {
  const res = await app.inject({ method: 'POST', url: '/login', payload: { username, password }, headers: { cookie: '' } })
  return { res, cookie: res.cookies.map(c => `${c.name}=${c.value}`).join('; ') }
}
async function kioskSession (app: App, auth: ReturnType<typeof createAuth>, station = 'RCV1', creds = { pin: '4321' }) {
  const kioskToken = await auth.registerKiosk({ name: `kiosk ${station}`, station, createdBy: 'test' })
  const res = await app.inject({ method: 'POST', url: '/kiosk/login', payload: creds, headers: { cookie: `lotline_kiosk=${kioskToken}` } })
  const session = res.cookies.find(c => c.name === 'lotline_session')?.value
  return { res, kioskToken, cookie: `lotline_kiosk=${kioskToken}; lotline_session=${session}` }
}
/** The CSRF token a page gets, with the cookie that carries its secret. */
async function csrf (app: App, cookie: string) {
  const res = await app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie } })
  const secret = res.cookies.find(c => c.name === '_csrf')
  return { token: res.json().csrfToken as string, cookie: `${cookie}; _csrf=${secret?.value}`, me: res.json() }
}

describe('who may do what', () => {
  test('every route, for every role and for none, answers as the access policy says', async () => {
    const { app, auth } = await plant()
    const tokens = Object.fromEntries(await Promise.all((['supervisor', 'admin', 'integration'] as const).map(async r => [r, await auth.createToken({ role: r, name: r, createdBy: 'test' })])))
    const op = await kioskSession(app, auth)
    const opCsrf = await csrf(app, op.cookie)
    const callers: Record<string, Record<string, string>> = {
      none: { cookie: '' },
      operator: { cookie: opCsrf.cookie, 'x-csrf-token': opCsrf.token },
      supervisor: { authorization: `Bearer ${tokens.supervisor}` },
      admin: { authorization: `Bearer ${tokens.admin}` },
      integration: { authorization: `Bearer ${tokens.integration}` }
    }
    // Logging out would end the operator's session half-way through (it has its own test below);
    // event streams never end (test/routes/station-events.test.ts covers them).
    const routes = app.routeList.filter(r => !r.url.startsWith('/docs/static') && !r.url.includes('*') && !r.url.endsWith('/events') && !r.url.endsWith('/live') && r.url !== '/logout')
    expect(routes.length).toBeGreaterThan(40)
    const wrong: string[] = []
    for (const r of routes) {
      const url = r.url.replace(':code', 'RCV1').replace(':id', '1').replace(':sscc', '006141410000000001')
      const access = accessFor(r.method, r.url)
      for (const [who, headers] of Object.entries(callers)) {
        const res = await app.inject({ method: r.method as 'GET', url, headers, payload: r.method === 'GET' ? undefined : {} })
        const allowed = access === 'public' || (who !== 'none' && access.includes(who as 'admin'))
        const code = String(res.headers['content-type'] ?? '').includes('json') ? res.json().error?.code : undefined
        const denied = code === 'UNAUTHORIZED' || code === 'FORBIDDEN' || (res.statusCode === 302 && String(res.headers.location).startsWith('/login'))
        if (allowed === denied) wrong.push(`${r.method} ${r.url} as ${who}: ${res.statusCode} (policy ${access === 'public' ? 'public' : access.join('/')})`)
      }
    }
    expect(wrong).toEqual([])
  })

  test('without credentials the API answers 401 and pages send you to log in', async () => {
    const { app } = await plant()
    const api = await app.inject({ method: 'GET', url: '/api/v1/products', headers: { cookie: '' } })
    expect(api.statusCode).toBe(401)
    expect(api.json().error.code).toBe('UNAUTHORIZED')
    const health = await app.inject({ method: 'GET', url: '/health', headers: { cookie: '' } })
    expect(health.statusCode).toBe(401)
    const page = await app.inject({ method: 'GET', url: '/lots/X-1', headers: { cookie: '', accept: 'text/html' } })
    expect(page.statusCode).toBe(302)
    expect(page.headers.location).toBe('/login?next=%2Flots%2FX-1')
    const loginPage = await app.inject({ method: 'GET', url: '/login', headers: { cookie: '' } })
    expect(loginPage.statusCode).toBe(200)
    expect(loginPage.body).toContain('<form method="post" action="/login">')
  })

  test('an operator works only at the station of their kiosk, and only on that kiosk', async () => {
    const { app, auth } = await plant()
    const op = await kioskSession(app, auth, 'RCV1', { badge: 'BADGE-OLGA' } as never)
    expect(op.res.statusCode).toBe(303)
    expect(op.res.headers.location).toBe('/stations/RCV1')
    const c = await csrf(app, op.cookie)
    expect(c.me).toMatchObject({ user: 'olga', role: 'operator', station: 'RCV1' })
    const own = await app.inject({ method: 'POST', url: '/api/v1/stations/RCV1/scans', payload: { data: ']C0HELLO' }, headers: { cookie: c.cookie, 'x-csrf-token': c.token } })
    expect(own.statusCode).toBe(200)
    const other = await app.inject({ method: 'POST', url: '/api/v1/stations/SHP1/scans', payload: { data: ']C0HELLO' }, headers: { cookie: c.cookie, 'x-csrf-token': c.token } })
    expect(other.statusCode).toBe(403)
    // The session cookie carried to another browser without the kiosk's device cookie is worthless.
    const session = op.cookie.split('; ').find(x => x.startsWith('lotline_session='))!
    expect((await app.inject({ method: 'GET', url: '/api/v1/products', headers: { cookie: session } })).statusCode).toBe(401)
    // Nor see master data, and cannot correct history.
    expect((await app.inject({ method: 'GET', url: '/admin/products', headers: { cookie: c.cookie, accept: 'text/html' } })).statusCode).toBe(403)
    expect((await app.inject({ method: 'POST', url: '/api/v1/events/1/void', payload: { reason: 'oops' }, headers: { cookie: c.cookie, 'x-csrf-token': c.token } })).statusCode).toBe(403)
  })
})

describe('master data', () => {
  test('supervisors read master data on the admin pages; only admins see the forms and may change it', async () => {
    const { app } = await plant()
    const sam = await csrf(app, (await login(app, 'sam', 'correct horse battery')).cookie)
    const page = await app.inject({ method: 'GET', url: '/admin/products', headers: { cookie: sam.cookie, accept: 'text/html' } })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Chocolate chip cookies 12 x 200 g')
    expect(page.body).toContain('Read only: master data is added and changed by an admin.')
    expect(page.body).not.toContain('action="/admin/products"')
    expect(page.body).not.toContain('Import from CSV')
    expect(page.body).toContain('<a href="/admin"') // the nav shows a supervisor the way there
    for (const url of ['/admin/partners', '/admin/locations', '/admin/stations']) {
      expect((await app.inject({ method: 'GET', url, headers: { cookie: sam.cookie, accept: 'text/html' } })).statusCode).toBe(200)
    }
    const add = await app.inject({ method: 'POST', url: '/admin/products', headers: { cookie: sam.cookie, 'x-csrf-token': sam.token }, payload: { code: 'OATS', name: 'Oats', unit: 'kg' } })
    expect(add.statusCode).toBe(403)
    const imported = await app.inject({ method: 'POST', url: '/admin/products/import', headers: { cookie: sam.cookie, 'x-csrf-token': sam.token }, payload: { csv: 'code,name,unit\nOATS,Oats,kg\n' } })
    expect(imported.statusCode).toBe(403)
    expect((await app.inject({ method: 'GET', url: '/api/v1/products' })).json().products.map((p: { code: string }) => p.code)).not.toContain('OATS')
    // The admin (the tests' token) gets the forms.
    const admin = await app.inject({ method: 'GET', url: '/admin/products', headers: { accept: 'text/html' } })
    expect(admin.body).toContain('action="/admin/products"')
    expect(admin.body).not.toContain('Read only')
  })
})

describe('logging in', () => {
  test('a supervisor logs in with a password; events record who they are, whatever the form says', async () => {
    const { app } = await plant()
    const { res, cookie } = await login(app, 'sam', 'correct horse battery')
    expect(res.statusCode).toBe(303)
    const set = res.cookies.find(c => c.name === 'lotline_session')!
    expect(set).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' })
    expect(set.secure).toBeFalsy() // plain HTTP on a plant LAN
    const c = await csrf(app, cookie)
    const r = await app.inject({ method: 'POST', url: '/api/v1/receipts', headers: { cookie: c.cookie, 'x-csrf-token': c.token }, payload: { product: 'FLOUR', supplier: 'MILL', supplierLotCode: 'X', quantity: 5, location: 'DOCK1', user: 'somebody-else' } })
    expect(r.statusCode).toBe(201)
    const lot = (await app.inject({ method: 'GET', url: `/api/v1/lots/${r.json().lot.code}` })).json()
    expect(lot.events[0].user).toBe('sam')
  })

  test('a form post from a logged-in browser without the CSRF token is refused and writes nothing', async () => {
    const { app } = await plant()
    const { cookie } = await login(app, 'sam', 'correct horse battery')
    const before = (await app.inject({ method: 'GET', url: '/api/v1/products' })).json().products.length
    const r = await app.inject({ method: 'POST', url: '/api/v1/products', headers: { cookie }, payload: { code: 'EVIL', name: 'Evil', unit: 'kg' } })
    expect(r.statusCode).toBe(403)
    expect((await app.inject({ method: 'GET', url: '/api/v1/products' })).json().products.length).toBe(before)
  })

  test('repeated wrong passwords are slowed, then locked out, and the lock holds for the right password', async () => {
    const { app } = await plant()
    const statuses: number[] = []
    for (let i = 0; i < 5; i++) statuses.push((await login(app, 'sam', `wrong-${i}-password`)).res.statusCode)
    expect(statuses).toEqual([401, 401, 401, 401, 401])
    const locked = await login(app, 'sam', 'correct horse battery')
    expect(locked.res.statusCode).toBe(401)
    expect(locked.res.body).toMatch(/Too many failed attempts: locked until/)
    // Every failure and the lockout are in the audit trail.
    const audit = (await app.db.client.execute("SELECT action FROM audit_log WHERE subject = 'user:sam' ORDER BY id")).rows.map(r => String(r.action))
    expect(audit).toEqual(['user.create', 'login.failed', 'login.failed', 'login.failed', 'login.failed', 'login.failed', 'login.locked'])
  })

  test('no default credentials: a one-time setup link creates the first admin with a long password', async () => {
    const db = await testDb()
    const auth = createAuth({ db })
    const app = await buildTestApp({ db, auth })
    const token = (await auth.setupToken())!
    expect(token).toMatch(/^setup_/)
    const short = await app.inject({ method: 'POST', url: '/setup', payload: { token, username: 'ada', password: 'short' }, headers: { cookie: '' } })
    expect(short.statusCode).toBe(422)
    expect(short.body).toContain('at least 12 characters')
    const ok = await app.inject({ method: 'POST', url: '/setup', payload: { token, username: 'ada', password: 'a long enough password' }, headers: { cookie: '' } })
    expect(ok.statusCode).toBe(303)
    const again = await app.inject({ method: 'POST', url: '/setup', payload: { token, username: 'eve', password: 'another long password' }, headers: { cookie: '' } })
    expect(again.statusCode).toBe(422)
    expect((await login(app, 'ada', 'a long enough password')).res.statusCode).toBe(303)
  })

  test('logging out ends the session', async () => {
    const { app } = await plant()
    const { cookie } = await login(app, 'sam', 'correct horse battery')
    const c = await csrf(app, cookie)
    expect((await app.inject({ method: 'POST', url: '/logout', headers: { cookie: c.cookie, 'x-csrf-token': c.token } })).statusCode).toBe(303)
    expect((await app.inject({ method: 'GET', url: '/api/v1/products', headers: { cookie } })).statusCode).toBe(401)
  })

  test('pages carry a CSP that works on plain HTTP: no forced HTTPS upgrade, no inline scripts', async () => {
    const { app } = await plant()
    const res = await app.inject({ method: 'GET', url: '/login', headers: { cookie: '' } })
    const csp = String(res.headers['content-security-policy'])
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('upgrade-insecure-requests')
    expect(res.headers['strict-transport-security']).toBeUndefined()
    expect(res.headers['x-content-type-options']).toBe('nosniff')
  })

  test('text a user typed is escaped on the login page', async () => {
    const { app } = await plant()
    const r = await login(app, '<script>alert(1)</script>', 'x')
    expect(r.res.body).not.toContain('<script>alert(1)</script>')
    expect(r.res.body).toContain('&lt;script&gt;')
  })
})

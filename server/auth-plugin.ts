import cookie from '@fastify/cookie'
import csrf from '@fastify/csrf-protection'
import helmet from '@fastify/helmet'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { DB_UNAVAILABLE, isDbUnavailable } from '../db/errors.ts'
import { escapeHtml } from '../kiosk/views/html.ts'
import { accessFor } from './access.ts'
import type { Auth, Principal } from './domain/auth.ts'
import { createKioskClocks, withActor, type KioskClocks } from './domain/audit.ts'
import { authPages, KIOSK_COOKIE, SESSION_COOKIE } from './auth-pages.ts'

declare module 'fastify' {
  interface FastifyRequest { principal: Principal | null }
}

/** A kiosk page sends its own clock (Date.now(), ms) with its requests, so the server can flag a kiosk whose clock is off. */
export const KIOSK_CLOCK_HEADER = 'x-kiosk-clock'

export interface AuthOptions {
  auth: Auth
  /** HTTPS configured: cookies get `secure` and the CSP may upgrade requests. Plain HTTP on a plant LAN otherwise. */
  https?: boolean
  demo?: boolean
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * Every route checks the caller's role (server/access.ts). Without credentials the API answers 401
 * and pages redirect to /login; only login and static files are open. Cookie-authenticated form
 * posts must carry the CSRF token (htmx sends it in the x-csrf-token header); bearer tokens need
 * none, since a browser never sends them on its own.
 */
async function authPlugin (app: FastifyInstance, { auth, https = false, demo = false }: AuthOptions) {
  await app.register(cookie)
  await app.register(helmet, {
    // Helmet's default CSP forces an HTTPS upgrade, which breaks plain HTTP inside a plant.
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'"], imgSrc: ["'self'", 'data:'], connectSrc: ["'self'"],
        fontSrc: ["'self'"], objectSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'self'"], formAction: ["'self'"],
        ...(https ? { upgradeInsecureRequests: [] } : {})
      }
    },
    hsts: https ? { maxAge: 15552000 } : false,
    crossOriginEmbedderPolicy: false
  })
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'strict', secure: https, signed: false },
    getToken: (req: FastifyRequest) => (req.headers['x-csrf-token'] as string | undefined) ?? (req.body as { _csrf?: string } | undefined)?._csrf
  })
  app.decorateRequest('principal', null)
  const clocks = createKioskClocks({ db: app.db, clock: auth.clock })
  app.decorate('kioskClocks', clocks)

  app.addHook('onRequest', async (req, reply) => {
    const route = req.routeOptions.url ?? req.url.split('?')[0]!
    const access = accessFor(req.method, route)
    if (access === 'public') {
      // Login pages and static files need nobody: while the database cannot be reached they still
      // load (a kiosk's stylesheet and scripts), and whoever it is counts as nobody.
      req.principal = await identify(req).catch((e: unknown) => { if (isDbUnavailable(e)) return null; throw e })
      return
    }
    // While the database cannot be reached, a session or token this process checked before is
    // still honoured (server/domain/auth.ts); anyone else gets the 503 saying the database is away.
    req.principal = await identify(req)
    // A browser navigating to a page is sent to log in; anything else (API, fetch, curl) gets 401.
    const isPage = req.method === 'GET' && !route.startsWith('/api/') && String(req.headers.accept ?? '').includes('text/html')
    if (!req.principal) {
      if (isPage) return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`)
      return reply.code(401).send({ error: { code: 'UNAUTHORIZED', message: 'Log in, or send Authorization: Bearer <token>' } })
    }
    if (!access.includes(req.principal.role)) {
      return reply.code(403).send({ error: { code: 'FORBIDDEN', message: `A ${req.principal.role} may not do this` } })
    }
    await readKioskClock(req)
    // An operator works at the station of their kiosk, not at another one.
    const station = (req.params as { code?: string }).code
    if (req.principal.role === 'operator' && route.includes('stations/:code') && station && station.toUpperCase() !== req.principal.station) {
      return reply.code(403).send({ error: { code: 'FORBIDDEN', message: `This kiosk is for station ${req.principal.station}` } })
    }
  })

  // Form and JSON posts from a logged-in browser: CSRF token required.
  app.addHook('preHandler', (req, reply, done) => {
    if (UNSAFE.has(req.method) && req.principal?.kind === 'session') return app.csrfProtection(req, reply, done)
    done()
  })

  // The audit trail records who did it, also where a domain call has no user argument (master data).
  app.addHook('preHandler', (req, _reply, done) => {
    if (req.principal) withActor({ user: req.principal.user, station: req.principal.station }, done)
    else done()
  })

  // People are recorded as who they are, not as whatever a form says. Integrations act for their
  // own users and keep the user they send; the token's name is in the audit trail.
  app.addHook('preHandler', async (req) => {
    const p = req.principal
    if (!p || p.kind !== 'session' || typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) return
    const body = req.body as Record<string, unknown>
    if (req.routeOptions.url?.startsWith('/api/v1/') && req.routeOptions.schema?.body) {
      const props = (req.routeOptions.schema.body as { properties?: Record<string, unknown> }).properties ?? {}
      if ('user' in props) body.user = p.user
    } else if ('user' in body) body.user = p.user
  })

  /** A kiosk's clock reading: compared with the server's, flagged and audited when far off (server/domain/audit.ts). */
  async function readKioskClock (req: FastifyRequest) {
    const p = req.principal
    const sent = Number(req.headers[KIOSK_CLOCK_HEADER])
    if (!p?.kiosk || !Number.isSafeInteger(sent) || sent <= 0) return
    // Never in the way of the request: a scan taken while the database is away must still be spooled.
    await clocks.report(p.kiosk, { user: p.user, station: p.station }, sent)
      .catch((err: unknown) => req.log.warn({ err, kiosk: p.kiosk?.name }, 'kiosk clock: could not record the reading'))
  }

  async function identify (req: FastifyRequest): Promise<Principal | null> {
    const h = req.headers.authorization
    if (h?.startsWith('Bearer ')) return auth.principalFromToken(h.slice(7).trim())
    const sid = req.cookies[SESSION_COOKIE]
    return sid ? auth.principalFromSession(sid, req.cookies[KIOSK_COOKIE]) : null
  }

  const cookieOpts = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: https }
  app.decorate('authCookies', {
    setSession: (reply: FastifyReply, id: string) => reply.setCookie(SESSION_COOKIE, id, { ...cookieOpts, maxAge: 12 * 3600 }),
    setKiosk: (reply: FastifyReply, token: string) => reply.setCookie(KIOSK_COOKIE, token, { ...cookieOpts, maxAge: 5 * 365 * 86400 }),
    clear: (reply: FastifyReply) => reply.clearCookie(SESSION_COOKIE, { path: '/' })
  })
  // Login, logout, setup and the accounts API are registered here, before buildApp sets the app's
  // error handler, so they would get Fastify's default one (a DomainError or an unreachable
  // database as a bare 500). Their own scope hands errors to the app's handler, looked up when
  // an error happens; a login or logout page that cannot reach the database says so in HTML.
  await app.register(async (scope) => {
    scope.setErrorHandler((err, req, reply) => {
      if (isDbUnavailable(err) && !req.url.startsWith('/api/')) {
        req.log.warn({ err, method: req.method, url: req.url }, 'database unavailable: login page refused')
        return reply.code(503).header('retry-after', String(DB_UNAVAILABLE.retryAfter)).type('text/html; charset=utf-8')
          .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Database unreachable · Lotline</title><link rel="stylesheet" href="/public/kiosk.css"></head>
<body class="auth"><main class="auth-box"><h1>Lotline</h1><p class="error" role="alert">${escapeHtml(DB_UNAVAILABLE.message)}</p><p>Nobody can log in or out until it is back; an operator already logged in at a kiosk can go on scanning there.</p><p><a href="${escapeHtml(backTo(req))}">Try again</a></p></main></body></html>`)
      }
      return app.errorHandler(err, req, reply)
    })
    await scope.register(authPages, { auth, demo })
  })
}

/** Where "Try again" leads: the page itself, or for a form post the page it was posted from (same site only). */
function backTo (req: FastifyRequest): string {
  if (req.method === 'GET') return req.url
  const from = String(req.headers.referer ?? '')
  try {
    const u = new URL(from)
    if (u.host === req.headers.host) return u.pathname + u.search
  } catch {}
  return req.url.startsWith('/kiosk/') ? '/kiosk/login' : '/login'
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Kiosk clocks as their pages report them; absent when the app runs without auth (some tests). */
    kioskClocks?: KioskClocks
    authCookies: {
      setSession: (reply: FastifyReply, id: string) => FastifyReply
      setKiosk: (reply: FastifyReply, token: string) => FastifyReply
      clear: (reply: FastifyReply) => FastifyReply
    }
  }
}

export default fp(authPlugin, { name: 'lotline-auth' })

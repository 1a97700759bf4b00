import cookie from '@fastify/cookie'
import csrf from '@fastify/csrf-protection'
import helmet from '@fastify/helmet'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
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
    req.principal = await identify(req)
    if (access === 'public') return
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
  await app.register(authPages, { auth, demo })
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

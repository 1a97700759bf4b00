import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import type { Auth } from './domain/auth.ts'
import { DomainError } from './domain/errors.ts'
import { MIN_PASSWORD } from './domain/auth.ts'
import { escapeHtml } from '../kiosk/views/html.ts'

export const SESSION_COOKIE = 'lotline_session'
export const KIOSK_COOKIE = 'lotline_kiosk'

/** Escapes text for HTML: every user-supplied string on these pages goes through it. */
const esc = (s: unknown) => escapeHtml(String(s ?? ''))

function page (title: string, body: string) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · Lotline</title><link rel="stylesheet" href="/public/kiosk.css"></head>
<body class="auth"><main class="auth-box"><h1>Lotline</h1><h2>${esc(title)}</h2>${body}</main></body></html>`
}
const error = (message?: string) => message ? `<p class="error" role="alert">${esc(message)}</p>` : ''
const safeNext = (next?: string) => next && next.startsWith('/') && !next.startsWith('//') ? next : '/'

/** Login, first-admin setup, kiosk registration and operator login, and the admin API for accounts. */
export const authPages: FastifyPluginAsyncTypebox<{ auth: Auth, demo: boolean }> = async (app, { auth, demo }) => {
  const loginForm = (message?: string, username = '', next = '/') => page('Log in', `${error(message)}
<form method="post" action="/login"><input type="hidden" name="next" value="${esc(next)}">
<label>User name <input name="username" autocomplete="username" value="${esc(username)}" required autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Log in</button></form>
${demo ? '<p class="demo">Demo plant: <b>demo-admin</b> / <b>demo-admin-password</b>, <b>demo-supervisor</b> / <b>demo-supervisor-pw</b>. At a kiosk, operator PIN <b>1234</b>.</p>' : ''}
<p><a href="/kiosk/login">Operator at a kiosk? Log in with your badge or PIN</a></p>`)

  const send = (reply: FastifyReply, status: number, html: string) => reply.code(status).type('text/html; charset=utf-8').send(html)

  app.get('/login', { schema: { hide: true, querystring: Type.Object({ next: Type.Optional(Type.String()) }) } }, async (req, reply) =>
    send(reply, 200, loginForm(undefined, '', safeNext(req.query.next))))

  app.post('/login', { schema: { hide: true, body: Type.Object({ username: Type.String(), password: Type.String(), next: Type.Optional(Type.String()) }) } }, async (req, reply) => {
    try {
      const { sessionId } = await auth.login(req.body.username, req.body.password, req.ip)
      app.authCookies.setSession(reply, sessionId)
      return reply.redirect(safeNext(req.body.next), 303)
    } catch (e) {
      if (!(e instanceof DomainError)) throw e
      req.log.warn({ user: req.body.username, ip: req.ip }, `login refused: ${e.message}`)
      return send(reply, 401, loginForm(e.message, req.body.username, safeNext(req.body.next)))
    }
  })

  app.post('/logout', { schema: { hide: true } }, async (req, reply) => {
    const sid = req.cookies[SESSION_COOKIE]
    if (sid) await auth.logout(sid)
    app.authCookies.clear(reply)
    return reply.redirect(req.principal?.role === 'operator' ? '/kiosk/login' : '/login', 303)
  })

  const setupForm = (token: string, message?: string, username = '') => page('Create the first admin', `${error(message)}
<form method="post" action="/setup"><input type="hidden" name="token" value="${esc(token)}">
<label>User name <input name="username" value="${esc(username)}" required></label>
<label>Your name <input name="displayName"></label>
<label>Password (at least ${MIN_PASSWORD} characters) <input name="password" type="password" minlength="${MIN_PASSWORD}" required></label>
<button type="submit">Create admin</button></form>`)
  app.get('/setup', { schema: { hide: true, querystring: Type.Object({ token: Type.String() }) } }, async (req, reply) => send(reply, 200, setupForm(req.query.token)))
  app.post('/setup', { schema: { hide: true, body: Type.Object({ token: Type.String(), username: Type.String(), displayName: Type.Optional(Type.String()), password: Type.String() }) } }, async (req, reply) => {
    try {
      await auth.completeSetup(req.body.token, req.body)
      return reply.redirect('/login', 303)
    } catch (e) {
      if (!(e instanceof DomainError)) throw e
      return send(reply, 422, setupForm(req.body.token, e.message, req.body.username))
    }
  })

  // A kiosk is registered once by an admin: opening the link on the kiosk stores its device token.
  app.get('/kiosk/register', { schema: { hide: true, querystring: Type.Object({ token: Type.String() }) } }, async (req, reply) => {
    const kiosk = await auth.kiosk(req.query.token)
    if (!kiosk || kiosk.kind !== 'kiosk') return send(reply, 404, page('Register kiosk', error('This registration link is not valid: ask an admin for a new one')))
    app.authCookies.setKiosk(reply, req.query.token)
    return reply.redirect('/kiosk/login', 303)
  })

  const kioskForm = (station: string | null, message?: string) => page(station ? `Station ${station}` : 'Kiosk', `${error(message)}
${station === null ? `<p class="error">This screen is not a registered kiosk: ask an admin to register it.</p>${demo ? demoKiosks() : ''}` : `
<form method="post" action="/kiosk/login" class="kiosk-login">
<label>Scan your badge <input name="badge" autocomplete="off" autofocus></label>
<label>or your PIN <input name="pin" inputmode="numeric" pattern="[0-9]*" type="password" autocomplete="off"></label>
<button type="submit">Start</button></form>`}
${demo ? '<p class="demo">Demo plant: PIN <b>1234</b>.</p>' : ''}`)
  // Demo plant only: any screen may become a demo kiosk with one tap.
  const demoKiosks = () => `<form method="post" action="/kiosk/register" class="demo">Demo plant: use this screen as the kiosk of
${app.stations.list().map(s => `<button name="station" value="${esc(s.code)}">${esc(s.code)} (${esc(s.kind)})</button>`).join(' ')}</form>`
  app.post('/kiosk/register', { schema: { hide: true, body: Type.Object({ station: Type.String({ pattern: '^[A-Za-z0-9]{1,6}$' }) }) } }, async (req, reply) => {
    if (!demo) return send(reply, 403, page('Register kiosk', error('Kiosks are registered by an admin')))
    const station = app.stations.get(req.body.station).code
    app.authCookies.setKiosk(reply, await auth.registerKiosk({ name: `demo kiosk ${station}`, station, createdBy: 'demo' }))
    return reply.redirect('/kiosk/login', 303)
  })

  app.get('/kiosk/login', { schema: { hide: true } }, async (req, reply) => {
    const token = req.cookies[KIOSK_COOKIE]
    const kiosk = token ? await auth.kiosk(token) : null
    return send(reply, 200, kioskForm(kiosk?.station ?? null))
  })
  app.post('/kiosk/login', { schema: { hide: true, body: Type.Object({ badge: Type.Optional(Type.String()), pin: Type.Optional(Type.String()) }) } }, async (req, reply) => {
    const token = req.cookies[KIOSK_COOKIE] ?? ''
    try {
      const { sessionId, kiosk } = await auth.kioskLogin(token, { badge: req.body.badge || undefined, pin: req.body.pin || undefined }, req.ip)
      app.authCookies.setSession(reply, sessionId)
      return reply.redirect(`/stations/${kiosk.station}`, 303)
    } catch (e) {
      if (!(e instanceof DomainError)) throw e
      req.log.warn({ ip: req.ip }, `kiosk login refused: ${e.message}`)
      const kiosk = token ? await auth.kiosk(token) : null
      return send(reply, 401, kioskForm(kiosk?.station ?? null, e.message))
    }
  })

  /** Who is logged in, and the CSRF token their page must send with every form post (x-csrf-token). */
  app.get('/api/v1/session', { schema: { tags: ['admin'] } }, async (req, reply) => {
    const p = req.principal!
    return { user: p.user, displayName: p.displayName, role: p.role, station: p.station, demo: p.demo, csrfToken: p.kind === 'session' ? reply.generateCsrf() : null }
  })

  // Admin API: accounts, kiosks and integration tokens.
  const Role = Type.Union([Type.Literal('operator'), Type.Literal('supervisor'), Type.Literal('admin')])
  app.post('/api/v1/users', {
    schema: { tags: ['admin'], body: Type.Object({ username: Type.String(), displayName: Type.Optional(Type.String()), role: Role, password: Type.Optional(Type.String()), pin: Type.Optional(Type.String()), badge: Type.Optional(Type.String()) }, { additionalProperties: false }) }
  }, async (req, reply) => reply.code(201).send({ id: await auth.createUser(req.body), username: req.body.username.toLowerCase() }))
  app.get('/api/v1/users', { schema: { tags: ['admin'] } }, async () => ({
    users: (await auth.listUsers()).map(u => ({ username: u.username, displayName: u.displayName, role: u.role, demo: u.demo, disabled: u.disabled }))
  }))
  app.post('/api/v1/kiosks', {
    schema: { tags: ['admin'], body: Type.Object({ name: Type.String({ minLength: 1 }), station: Type.String({ pattern: '^[A-Za-z0-9]{1,6}$' }) }, { additionalProperties: false }) }
  }, async (req, reply) => {
    const token = await auth.registerKiosk({ ...req.body, createdBy: req.principal!.user })
    return reply.code(201).send({ registerPath: `/kiosk/register?token=${encodeURIComponent(token)}`, token })
  })
  app.post('/api/v1/tokens', {
    schema: { tags: ['admin'], body: Type.Object({ name: Type.String({ minLength: 1 }), role: Type.Union([Role, Type.Literal('integration')]) }, { additionalProperties: false }) }
  }, async (req, reply) => reply.code(201).send({ token: await auth.createToken({ ...req.body, createdBy: req.principal!.user }) }))
}

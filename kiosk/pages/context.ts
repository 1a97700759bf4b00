import type { FastifyReply, FastifyRequest } from 'fastify'
import { DomainError } from '../../server/domain/errors.ts'
import type { Html } from '../views/html.ts'
import type { Viewer } from '../views/layout.ts'

/** The auth plugin (server/auth-plugin.ts) sets req.principal; without it (no auth configured) nobody is logged in. */
interface PrincipalLike { kind?: string, user: string, displayName?: string, role?: string }

export function viewerOf (req: FastifyRequest): Viewer | null {
  const p = (req as unknown as { principal?: PrincipalLike | null }).principal
  return p ? { user: p.user, displayName: p.displayName ?? p.user, role: p.role ?? null } : null
}

/** Who is recorded on an event: the logged-in person, never what a form says. */
export const userOf = (req: FastifyRequest, fallback = 'kiosk'): string => viewerOf(req)?.user ?? fallback

/**
 * The CSRF token for a cookie session (the auth plugin requires it on posts); null for API
 * tokens and when no auth is configured.
 */
export function csrfOf (req: FastifyRequest, reply: FastifyReply): string | null {
  // One token per response: before the browser has its CSRF cookie, each call would make a new
  // secret (and cookie), and a form holding the first token would be refused.
  if (tokens.has(req)) return tokens.get(req)!
  const p = (req as unknown as { principal?: PrincipalLike | null }).principal
  const gen = (reply as unknown as { generateCsrf?: () => string }).generateCsrf
  const token = p?.kind === 'session' && typeof gen === 'function' ? gen.call(reply) : null
  tokens.set(req, token)
  return token
}
const tokens = new WeakMap<FastifyRequest, string | null>()

export const isHtmx = (req: FastifyRequest): boolean => req.headers['hx-request'] === 'true'

export function sendHtml (reply: FastifyReply, body: Html, status = 200): FastifyReply {
  // Pages show live data: never served from a cache, which would show yesterday's stock.
  return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body.value)
}

/** A form post's fields: formbody gives strings (or arrays for repeated names); we want one trimmed string. */
export type Form = Record<string, string>
export function formOf (body: unknown): Form {
  const out: Form = {}
  if (body && typeof body === 'object') {
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
      const one = Array.isArray(v) ? v[v.length - 1] : v
      if (typeof one === 'string') out[k] = one.trim()
    }
  }
  return out
}

/** Runs `fn`; a broken business rule comes back as its plain-words message instead of throwing. */
export async function attempt<T> (fn: () => Promise<T>): Promise<{ ok: true, value: T } | { ok: false, error: DomainError }> {
  try {
    return { ok: true, value: await fn() }
  } catch (e) {
    if (e instanceof DomainError) return { ok: false, error: e }
    throw e
  }
}

/** "12,5" typed on a keypad or a European keyboard is 12.5; anything else not a number is null. */
export function parseNumber (text: string | undefined): number | null {
  if (text === undefined || text.trim() === '') return null
  const n = Number(text.trim().replace(',', '.'))
  return Number.isFinite(n) ? n : null
}

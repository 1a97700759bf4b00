import type { InjectOptions } from 'fastify'
import type { Auth } from '../server/domain/auth.ts'
import type { App } from '../server/app.ts'
import type { BenchContext } from './measures.ts'

/** The bench's context with the credentials its clients send: every request pays auth, as in production. */
export interface AuthedContext extends BenchContext {
  /** `authorization: Bearer <token>` of an admin API token made for this run. */
  headers: Record<string, string>
}

/**
 * An admin API token for this run (admin: the only role that may trace, export, run mock recalls
 * and scan at a station). It is recorded in the plant's database like any token (`credentials`
 * and the audit trail), named `bench`.
 */
export async function benchToken (auth: Auth): Promise<Record<string, string>> {
  const token = await auth.createToken({ role: 'admin', name: 'bench', createdBy: 'bench' })
  return { authorization: `Bearer ${token}` }
}

/**
 * measures.ts's clients (`app.inject`, `fetch(baseUrl + url)`) send no headers: this makes both
 * send the token unless a request brings its own Authorization (as test/helpers/app.ts does for
 * inject). fetch is wrapped only for requests to `baseUrl`, in this thread; worker threads send
 * the headers themselves.
 */
export function sendTokenByDefault (app: App, baseUrl: string, headers: Record<string, string>): void {
  const inject = app.inject.bind(app) as (o: InjectOptions) => ReturnType<App['inject']>
  ;(app as { inject: unknown }).inject = (o: InjectOptions) => {
    const own = (o.headers ?? {}) as Record<string, string>
    return inject({ ...o, headers: 'authorization' in own ? own : { ...own, ...headers } })
  }
  const bare = globalThis.fetch
  globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    if (!url.startsWith(baseUrl)) return bare(input, init)
    const h = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined))
    for (const [k, v] of Object.entries(headers)) if (!h.has(k)) h.set(k, v)
    return bare(input, { ...init, headers: h })
  }
}

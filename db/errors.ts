import { LibsqlError } from '@libsql/client'

/** What a kiosk, a page or an integration is told when the database cannot be reached. */
export const DB_UNAVAILABLE = {
  code: 'DB_UNAVAILABLE',
  message: 'The lot database cannot be reached: nothing was recorded. Try again; if it persists, call IT.',
  /** Seconds, for the Retry-After header. */
  retryAfter: 5
} as const

/** libsql's codes for a remote server that cannot be reached (see @libsql/client's mapHranaError). */
const REMOTE = new Set([
  'HRANA_WEBSOCKET_ERROR',   // ws:// or libsql:// over WebSocket: connection refused, dropped
  'HRANA_CLOSED_ERROR',      // the WebSocket or stream was closed under the request
  'SERVER_ERROR',            // the server (or a proxy in front of it) answered an HTTP error: 502, 503, 401...
  'CLIENT_CLOSED'            // this server is shutting down: its database client is already closed
])

/** SQLite codes of a database file that cannot be used now: locked past the busy timeout, gone, unreadable. */
const FILE = /^SQLITE_(BUSY|CANTOPEN|IOERR|READONLY_DBMOVED)/

/** Node's and undici's codes under fetch's "fetch failed" (http:// and libsql:// over HTTP). */
const NETWORK = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED'
])

/**
 * True when `e` (or an error it wraps as `cause`) says the database could not be reached or used
 * at all, as opposed to a query it refused: a libSQL server down or unreachable, a file locked by
 * another process past the busy timeout (db/client.ts gives up with that SQLITE_BUSY after its
 * retries), a file that cannot be opened. Nothing was written in any of these cases: every
 * write runs in one transaction that either commits or does not.
 */
export function isDbUnavailable (e: unknown): boolean {
  for (let err = e, depth = 0; err instanceof Error && depth < 5; err = err.cause, depth++) {
    if (err instanceof LibsqlError) {
      if (REMOTE.has(err.code) || FILE.test(err.code) || FILE.test(err.extendedCode ?? '')) return true
      continue
    }
    // The libSQL HTTP client's fetch: `TypeError: fetch failed` with the socket's error as cause.
    // (Only there: a printer's ECONNREFUSED is not the database's.)
    if (err instanceof TypeError && err.message === 'fetch failed' && NETWORK.has(String((err.cause as { code?: unknown } | undefined)?.code))) return true
    // A libSQL server that took the connection but did not answer within db/client.ts's request
    // deadline (fetch's AbortSignal.timeout).
    if (err.name === 'TimeoutError') return true
    // The libsql driver cannot open the database file (SQLITE_CANTOPEN, 14): a plain Error.
    if (/^ConnectionFailed\(/.test(err.message)) return true
  }
  return false
}

/** The error's message with the messages it wraps, for a log or /health: "fetch failed: connect ECONNREFUSED 127.0.0.1:8080". */
export function dbErrorDetail (e: unknown): string {
  const parts: string[] = []
  for (let err = e, depth = 0; err instanceof Error && depth < 5; err = err.cause, depth++) {
    if (!parts.some(p => p.includes(err.message))) parts.push(err.message)
  }
  return parts.length ? parts.join(': ') : String(e)
}

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { DB_UNAVAILABLE, dbErrorDetail, isDbUnavailable } from '../../db/errors.ts'

/** Liveness and readiness: the database answers; each station's scanner and printer status. */
const health: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/health', { schema: { hide: true } }, async (_req, reply) => {
    try {
      await app.db.client.execute('SELECT 1')
      const stations = app.stations.list().map(s => ({ code: s.code, kind: s.kind, ...(app.hardwareStatus(s.code) as object | null) }))
      return { status: 'ok', db: 'ok', time: new Date().toISOString(), stations }
    } catch (e) {
      // The stations' scanners, printers and kept scans are known here without the database.
      const stations = app.stations.list().map(s => ({ code: s.code, kind: s.kind, ...(app.hardwareStatus(s.code) as object | null) }))
      const unreachable = isDbUnavailable(e)
      return reply.code(503).header('retry-after', String(DB_UNAVAILABLE.retryAfter)).send({
        status: 'degraded',
        db: unreachable ? 'unreachable' : 'error',
        dbError: dbErrorDetail(e),
        ...(unreachable ? { error: { code: DB_UNAVAILABLE.code, message: DB_UNAVAILABLE.message } } : {}),
        time: new Date().toISOString(),
        stations
      })
    }
  })
}

export default health

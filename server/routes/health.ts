import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'

/** Liveness and readiness: the database answers; each station's scanner and printer status. */
const health: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/health', { schema: { hide: true } }, async (_req, reply) => {
    try {
      await app.db.client.execute('SELECT 1')
      const stations = app.stations.list().map(s => ({ code: s.code, kind: s.kind, ...(app.hardwareStatus(s.code) as object | null) }))
      return { status: 'ok', db: 'ok', time: new Date().toISOString(), stations }
    } catch (e) {
      return reply.code(503).send({ status: 'degraded', db: (e as Error).message, time: new Date().toISOString() })
    }
  })
}

export default health

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'

/** Liveness and readiness: the database answers. Hardware status joins here as it arrives. */
const health: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/health', { schema: { hide: true } }, async (_req, reply) => {
    try {
      await app.db.client.execute('SELECT 1')
      return { status: 'ok', db: 'ok', time: new Date().toISOString() }
    } catch (e) {
      return reply.code(503).send({ status: 'degraded', db: (e as Error).message, time: new Date().toISOString() })
    }
  })
}

export default health

import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { createAuditTrail } from '../../domain/audit.ts'

const AuditQuery = Type.Object({
  from: Type.Optional(Type.String({ maxLength: 40, description: 'ISO date or time, inclusive' })),
  to: Type.Optional(Type.String({ maxLength: 40, description: 'ISO date or time, inclusive at its precision (2026-11-25 = the whole day)' })),
  subject: Type.Optional(Type.String({ maxLength: 200, description: 'product:FLOUR, event:812, sscc:…; lot:<code> also finds the events that moved the lot' })),
  after: Type.Optional(Type.Integer({ minimum: 0, description: 'the last id of the previous page' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 }))
}, { additionalProperties: false })

const AuditEntry = Type.Object({
  id: Type.Integer(), at: Type.String(), user: Type.String(), station: Type.Union([Type.String(), Type.Null()]), action: Type.String(),
  subject: Type.Union([Type.String(), Type.Null()]), eventId: Type.Union([Type.Integer(), Type.Null()]), details: Type.Any()
})

/** Who did what and when, by the server's clock (admins only: server/access.ts). */
const audit: FastifyPluginAsyncTypebox = async (app) => {
  const trail = createAuditTrail({ db: app.db })
  app.get('/audit', {
    schema: { tags: ['audit'], summary: 'The audit trail, oldest first; page on with ?after=<last id>', querystring: AuditQuery, response: { 200: Type.Object({ entries: Type.Array(AuditEntry) }) } }
  }, async (req) => ({ entries: await trail.list({ from: req.query.from, to: req.query.to, subject: req.query.subject, afterId: req.query.after, limit: req.query.limit }) }))
}

export default audit

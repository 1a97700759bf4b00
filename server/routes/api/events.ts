import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { DomainError } from '../../domain/errors.ts'
import { errors, requestIdOf, UserFields } from './schemas.ts'

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) })

const events: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/events/:id', { schema: { tags: ['events'], params: IdParams, response: { 200: Type.Object({ event: Type.Ref('Event') }), 404: errors[404] } } }, async (req) => {
    const event = await app.lots.getEvent(req.params.id)
    if (!event) throw new DomainError('NOT_FOUND', `Event ${req.params.id} not found`)
    return { event }
  })

  app.post('/events/:id/void', {
    schema: {
      tags: ['events'],
      summary: 'Void an event: recorded as a new event naming the original, the reason and the user',
      params: IdParams,
      body: Type.Object({ reason: Type.String({ minLength: 3, maxLength: 500 }), ...UserFields }, { additionalProperties: false }),
      response: { 201: Type.Object({ voidEventId: Type.Integer(), voided: Type.Ref('Event'), replayed: Type.Boolean() }), ...errors }
    }
  }, async (req, reply) => {
    return reply.code(201).send(await app.lots.voidEvent(req.params.id, { ...req.body, requestId: requestIdOf(req.body, req.headers) }))
  })
}

export default events

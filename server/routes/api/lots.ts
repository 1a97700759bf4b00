import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { DomainError } from '../../domain/errors.ts'
import { BalanceSchema, CodeParams, errors, requestIdOf, UserFields } from './schemas.ts'


const tags = ['lots']

const lots: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/lots', {
    schema: { tags, summary: 'Find our lots by the supplier\'s lot code', querystring: Type.Object({ supplierLot: Type.String({ minLength: 1, maxLength: 40 }) }), response: { 200: Type.Object({ lots: Type.Array(Type.Ref('Lot')) }) } }
  }, async (req) => ({ lots: await app.lots.findLotsBySupplierLot(req.query.supplierLot) }))

  app.get('/lots/:code', {
    schema: { tags, summary: 'A lot, every event that touched it, and its mass balance', params: CodeParams, response: { 200: Type.Object({ lot: Type.Ref('Lot'), balance: BalanceSchema, events: Type.Array(Type.Ref('Event')) }), 404: errors[404] } }
  }, async (req) => {
    const found = await app.lots.getLot(req.params.code)
    if (!found) throw new DomainError('NOT_FOUND', `Lot ${req.params.code} not found`, { lot: req.params.code })
    return found
  })

  app.post('/lots/:code/adjustments', {
    schema: {
      tags,
      summary: 'Correct a lot\'s quantity by a signed amount, with a reason',
      params: CodeParams,
      body: Type.Object({
        quantity: Type.Number({ description: 'signed: negative takes away' }),
        unit: Type.Optional(Type.String({ maxLength: 12 })),
        reason: Type.String({ minLength: 3, maxLength: 500 }),
        correctsEventId: Type.Optional(Type.Integer({ minimum: 1, description: 'the event this adjustment corrects' })),
        ...UserFields
      }, { additionalProperties: false }),
      response: { 201: Type.Object({ eventId: Type.Integer(), balance: BalanceSchema, replayed: Type.Boolean() }), ...errors }
    }
  }, async (req, reply) => {
    return reply.code(201).send(await app.lots.adjustLot(req.params.code, { ...req.body, requestId: requestIdOf(req.body, req.headers) }))
  })
}

export default lots

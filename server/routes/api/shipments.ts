import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { DomainError } from '../../domain/errors.ts'
import { DateString, errors, QuantityFields, RefDocSchema, requestIdOf, UserFields } from './schemas.ts'

const ShipmentBody = Type.Object({
  customer: Type.String({ minLength: 1, description: 'customer code' }),
  shipFrom: Type.String({ minLength: 1, description: 'code of the dock or warehouse it left from' }),
  shippedAt: Type.Optional(DateString('ship date')),
  referenceDocument: Type.Optional(RefDocSchema),
  lines: Type.Array(Type.Object({ lot: Type.String({ minLength: 1 }), ...QuantityFields }, { additionalProperties: false }), { minItems: 1, maxItems: 1000 }),
  pallets: Type.Optional(Type.Array(Type.String({ pattern: '^\\d{18}$' }), { maxItems: 1000, description: 'SSCCs of the pallets shipped' })),
  note: Type.Optional(Type.String({ maxLength: 500 })),
  ...UserFields
}, { additionalProperties: false })

const ShipmentSchema = Type.Object({
  id: Type.Integer(), eventId: Type.Integer(), customer: Type.String(), shipFrom: Type.String(), shippedAt: Type.String(),
  referenceDocument: Type.Union([RefDocSchema, Type.Null()]),
  lines: Type.Array(Type.Object({ lot: Type.String(), product: Type.String(), quantity: Type.Number(), unit: Type.String() })),
  voided: Type.Boolean()
})

const shipments: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/shipments', {
    schema: { tags: ['events'], summary: 'Ship lots to a customer', body: ShipmentBody, response: { 201: Type.Object({ shipment: ShipmentSchema, replayed: Type.Boolean() }), ...errors } }
  }, async (req, reply) => {
    const { replayed, ...shipment } = await app.lots.ship({ ...req.body, requestId: requestIdOf(req.body, req.headers) })
    return reply.code(201).send({ shipment, replayed })
  })

  app.get('/shipments/:id', {
    schema: { tags: ['events'], params: Type.Object({ id: Type.Integer({ minimum: 1 }) }), response: { 200: Type.Object({ shipment: ShipmentSchema }), 404: errors[404] } }
  }, async (req) => {
    const shipment = await app.lots.getShipment(req.params.id)
    if (!shipment) throw new DomainError('NOT_FOUND', `Shipment ${req.params.id} not found`)
    return { shipment }
  })
}

export default shipments

import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { DateString, errors, QuantityFields, RefDocSchema, requestIdOf, UserFields } from './schemas.ts'

const ReceiptBody = Type.Object({
  product: Type.String({ minLength: 1, description: 'product code or GTIN' }),
  supplier: Type.String({ minLength: 1, description: 'supplier code' }),
  supplierLotCode: Type.String({ minLength: 1, maxLength: 40, description: 'the traceability lot code on the supplier\'s label' }),
  tlcSource: Type.Optional(Type.String({ maxLength: 200, description: 'where the TLC was assigned; default: the supplier\'s GLN or address' })),
  ...QuantityFields,
  receivedAt: Type.Optional(DateString('date received')),
  location: Type.String({ minLength: 1, description: 'code of the dock where it was received' }),
  referenceDocument: Type.Optional(RefDocSchema),
  qc: Type.Optional(Type.Object({
    status: Type.Union([Type.Literal('accepted'), Type.Literal('rejected')]),
    temperatureC: Type.Optional(Type.Number({ minimum: -80, maximum: 100 })),
    note: Type.Optional(Type.String({ maxLength: 500 }))
  }, { additionalProperties: false })),
  productionDate: Type.Optional(DateString('supplier\'s production date')),
  bestBefore: Type.Optional(DateString('best before')),
  expiryDate: Type.Optional(DateString('expiry')),
  note: Type.Optional(Type.String({ maxLength: 500 })),
  ...UserFields
}, { additionalProperties: false })

const receipts: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/receipts', {
    schema: {
      tags: ['events'],
      summary: 'Receive an ingredient or packaging lot: assigns our lot number',
      body: ReceiptBody,
      response: { 201: Type.Object({ lot: Type.Ref('Lot'), eventId: Type.Integer(), replayed: Type.Boolean() }), ...errors }
    }
  }, async (req, reply) => {
    const result = await app.lots.receive({ ...req.body, requestId: requestIdOf(req.body, req.headers) })
    return reply.code(201).send(result)
  })
}

export default receipts

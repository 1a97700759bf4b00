import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { DomainError } from '../../domain/errors.ts'
import { CodeParams, DateString, errors, QuantityFields, RefDocSchema, requestIdOf, UserFields } from './schemas.ts'

const InputLine = Type.Object({ lot: Type.String({ minLength: 1, description: 'our lot number' }), ...QuantityFields }, { additionalProperties: false })

const OutputFields = {
  ...QuantityFields,
  completedAt: Type.Optional(DateString('date completed')),
  productionDate: Type.Optional(DateString('production date (11); default: the completion date')),
  bestBefore: Type.Optional(DateString('best before (15); default: production date + the product\'s shelf life')),
  expiryDate: Type.Optional(DateString('expiry (17)'))
}

const BatchBody = Type.Object({
  product: Type.String({ minLength: 1, description: 'product code or GTIN of the output' }),
  line: Type.String({ minLength: 1, description: 'code of the production line' }),
  openedAt: Type.Optional(DateString('start of the run')),
  referenceDocument: Type.Optional(RefDocSchema),
  inputs: Type.Optional(Type.Array(InputLine, { maxItems: 500, description: 'ingredients, packaging, rework: any lot' })),
  output: Type.Optional(Type.Object(OutputFields, { additionalProperties: false, description: 'omit to open the batch and feed it over time' })),
  note: Type.Optional(Type.String({ maxLength: 500 })),
  ...UserFields
}, { additionalProperties: false })

const BatchResponse = Type.Object({
  batch: Type.Object({
    code: Type.String(), product: Type.String(), line: Type.String(), status: Type.String(), openedAt: Type.String(),
    inputs: Type.Array(Type.Object({ eventId: Type.Integer(), lotCode: Type.String(), productCode: Type.String(), productName: Type.String(), quantity: Type.Number(), unit: Type.String(), enteredQuantity: Type.Number(), enteredUnit: Type.String(), at: Type.String() }))
  }),
  lot: Type.Union([Type.Ref('Lot'), Type.Null()]),
  replayed: Type.Boolean()
})

const tags = ['events']

/** Production batches: one call with inputs and output, or open → inputs → close. */
const batches: FastifyPluginAsyncTypebox = async (app) => {
  const send = (v: Awaited<ReturnType<typeof app.lots.produce>>) => ({ batch: { ...v, lot: undefined }, lot: v.lot, replayed: v.replayed })

  app.post('/batches', {
    schema: { tags, summary: 'Record a batch (with output) or open one (without)', body: BatchBody, response: { 201: BatchResponse, ...errors } }
  }, async (req, reply) => {
    const { inputs, output, ...rest } = req.body
    const requestId = requestIdOf(req.body, req.headers)
    if (output) {
      return reply.code(201).send(send(await app.lots.produce({ ...rest, requestId, inputs: inputs ?? [], output })))
    }
    return reply.code(201).send(send(await app.lots.openBatch({ ...rest, requestId, inputs })))
  })

  app.get('/batches/:code', { schema: { tags, params: CodeParams, response: { 200: BatchResponse, 404: errors[404] } } }, async (req) => {
    const b = await app.lots.getBatch(req.params.code)
    if (!b) throw new DomainError('NOT_FOUND', `Batch ${req.params.code} not found`)
    return send({ ...b, replayed: false })
  })

  app.post('/batches/:code/inputs', {
    schema: { tags, summary: 'Feed an input lot into an open batch', params: CodeParams, body: Type.Object({ ...InputLine.properties, at: Type.Optional(DateString('when')), ...UserFields }, { additionalProperties: false }), response: { 201: BatchResponse, ...errors } }
  }, async (req, reply) => {
    return reply.code(201).send(send(await app.lots.addBatchInput(req.params.code, { ...req.body, requestId: requestIdOf(req.body, req.headers) })))
  })

  app.post('/batches/:code/close', {
    schema: { tags, summary: 'Close a batch: assigns the output lot number', params: CodeParams, body: Type.Object({ ...OutputFields, referenceDocument: Type.Optional(RefDocSchema), ...UserFields }, { additionalProperties: false }), response: { 201: BatchResponse, ...errors } }
  }, async (req, reply) => {
    return reply.code(201).send(send(await app.lots.closeBatch(req.params.code, { ...req.body, requestId: requestIdOf(req.body, req.headers) })))
  })
}

export default batches

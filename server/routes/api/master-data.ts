import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errors } from './schemas.ts'

const opt = (max = 200) => Type.Optional(Type.Union([Type.String({ maxLength: max }), Type.Null()]))

const ProductBody = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 40, description: 'item number (ERP SKU)' }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  gtin: opt(14),
  unit: Type.String({ minLength: 1, maxLength: 12, description: 'kg, lb, g, oz, l, ml, ea, case…' }),
  shelfLifeDays: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 3650 }), Type.Null()])),
  ftl: Type.Optional(Type.Boolean({ description: 'on FDA\'s Food Traceability List' })),
  brand: opt(), commodity: opt(), variety: opt(), packSize: opt(), packStyle: opt(),
  netWeightKg: Type.Optional(Type.Union([Type.Number({ exclusiveMinimum: 0 }), Type.Null()]))
}, { additionalProperties: false })

const PartnerBody = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 40, description: 'ERP vendor or customer number' }),
  role: Type.Union([Type.Literal('supplier'), Type.Literal('customer'), Type.Literal('both')]),
  name: Type.String({ minLength: 1, maxLength: 200, description: 'business name' }),
  contact: opt(), email: opt(), phone: opt(40), address: opt(), city: opt(100), state: opt(40), zip: opt(20), country: opt(2), gln: opt(13)
}, { additionalProperties: false })

const LocationBody = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 6, description: '1-6 letters or digits; goes into lot numbers' }),
  kind: Type.Union([Type.Literal('dock'), Type.Literal('line'), Type.Literal('warehouse'), Type.Literal('other')]),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  gln: opt(13)
}, { additionalProperties: false })

const tags = ['master data']
const ProductOut = Type.Object({ id: Type.Integer(), ...ProductBody.properties })
const PartnerOut = Type.Object({ id: Type.Integer(), ...PartnerBody.properties })
const LocationOut = Type.Object({ id: Type.Integer(), ...LocationBody.properties })

/** Products, partners (suppliers and customers) and the plant's own locations. */
const masterData: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/products', { schema: { tags, body: ProductBody, response: { 201: Type.Object({ product: ProductOut }), 422: errors[422], 409: errors[409] } } }, async (req, reply) => {
    return reply.code(201).send({ product: await app.masterData.createProduct(req.body) })
  })
  app.get('/products', { schema: { tags } }, async () => ({ products: await app.masterData.listProducts() }))

  app.post('/partners', { schema: { tags, body: PartnerBody, response: { 201: Type.Object({ partner: PartnerOut }), 422: errors[422], 409: errors[409] } } }, async (req, reply) => {
    return reply.code(201).send({ partner: await app.masterData.createPartner(req.body) })
  })
  app.get('/partners', {
    schema: { tags, querystring: Type.Object({ role: Type.Optional(Type.Union([Type.Literal('supplier'), Type.Literal('customer')])) }) }
  }, async (req) => ({ partners: await app.masterData.listPartners(req.query.role) }))

  app.post('/locations', { schema: { tags, body: LocationBody, response: { 201: Type.Object({ location: LocationOut }), 422: errors[422], 409: errors[409] } } }, async (req, reply) => {
    return reply.code(201).send({ location: await app.masterData.createLocation(req.body) })
  })
  app.get('/locations', { schema: { tags } }, async () => ({ locations: await app.masterData.listLocations() }))
}

export default masterData

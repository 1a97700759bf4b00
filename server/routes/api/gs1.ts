import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { parseGs1, toBracketed, toDigitalLink, toElementString, aiTitle } from '../../domain/gs1.ts'
import { errors } from './schemas.ts'

const gs1: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/gs1/parse', {
    schema: {
      tags: ['gs1'],
      summary: 'Read and validate a raw scan: elements and derived fields, or 422 with the reason naming the AI',
      body: Type.Object({ data: Type.String({ minLength: 1, maxLength: 4096 }) }, { additionalProperties: false }),
      response: { 422: errors[422] }
    }
  }, async (req) => {
    const scan = parseGs1(req.body.data)
    let digitalLink: string | null = null
    try { digitalLink = toDigitalLink(scan.elements) } catch { /* no primary key such as (01) or (00) */ }
    return {
      ...scan,
      elements: scan.elements.map(e => ({ ...e, title: aiTitle(e.ai) ?? null })),
      bracketed: toBracketed(scan.elements),
      elementString: toElementString(scan.elements),
      digitalLink
    }
  })
}

export default gs1

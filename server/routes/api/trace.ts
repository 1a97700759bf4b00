import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { DomainError } from '../../domain/errors.ts'
import { CodeParams, errors } from './schemas.ts'

const trace: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/trace/:code', {
    schema: {
      tags: ['traces'],
      summary: 'Backward (to suppliers), forward (to customers) or both: the graph and the lists a recall needs',
      params: CodeParams,
      querystring: Type.Object({ direction: Type.Union([Type.Literal('backward'), Type.Literal('forward'), Type.Literal('both')], { default: 'both' }) }),
      response: { 404: errors[404], 422: errors[422] }
    }
  }, async (req) => {
    const result = await app.lineage.trace(req.params.code, req.query.direction)
    if (!result) throw new DomainError('NOT_FOUND', `Lot ${req.params.code} not found`, { lot: req.params.code })
    return result
  })
}

export default trace

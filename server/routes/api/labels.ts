import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { DomainError } from '../../domain/errors.ts'
import { CodeParams, errors } from './schemas.ts'

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) })
const tags = ['labels']

/** Print jobs, reprints, label previews and pallets (SSCC). Needs the print queue (main.ts wires it). */
const labels: FastifyPluginAsyncTypebox = async (app) => {
  const queue = () => {
    if (!app.printQueue || !app.labels) throw new DomainError('CONFLICT', 'No printers are set up on this server')
    return { queue: app.printQueue, labels: app.labels }
  }

  app.get('/print-jobs', {
    schema: {
      tags,
      querystring: Type.Object({
        lot: Type.Optional(Type.String({ maxLength: 40 })),
        printer: Type.Optional(Type.String({ maxLength: 6 })),
        status: Type.Optional(Type.Union(['queued', 'sending', 'sent', 'uncertain', 'cancelled'].map(s => Type.Literal(s))))
      })
    }
  }, async (req) => ({
    jobs: await queue().queue.listJobs({ lotCode: req.query.lot, printer: req.query.printer?.toUpperCase(), statuses: req.query.status ? [req.query.status as 'queued'] : undefined })
  }))

  app.get('/print-jobs/:id', { schema: { tags, params: IdParams, response: { 404: errors[404] } } }, async (req) => {
    const job = await queue().queue.getJob(req.params.id)
    if (!job) throw new DomainError('NOT_FOUND', `Print job ${req.params.id} not found`)
    return { job }
  })

  app.post('/print-jobs/:id/reprint', {
    schema: {
      tags,
      summary: 'Print a label again: a new job with the user and reason; the label says REPRINT n',
      params: IdParams,
      body: Type.Object({ user: Type.String({ minLength: 1, maxLength: 80 }), reason: Type.String({ minLength: 3, maxLength: 500 }) }, { additionalProperties: false }),
      response: { ...errors }
    }
  }, async (req, reply) => {
    const id = await queue().queue.reprint(req.params.id, req.body)
    return reply.code(201).send({ job: await queue().queue.getJob(id) })
  })

  app.post('/lots/:code/labels', {
    schema: { tags, summary: 'Queue the lot\'s label on a station\'s printer', params: CodeParams, body: Type.Object({ station: Type.String({ minLength: 1, maxLength: 6 }), user: Type.Optional(Type.String({ maxLength: 80 })) }, { additionalProperties: false }), response: { ...errors } }
  }, async (req, reply) => {
    const { queue: q, labels: l } = queue()
    const station = req.body.station.toUpperCase()
    if (!q.printerNames().includes(station)) throw new DomainError('INVALID', `Station ${station} has no printer on this server`)
    const found = await app.lots.getLot(req.params.code)
    if (!found) throw new DomainError('NOT_FOUND', `Lot ${req.params.code} not found`)
    const data = await l.dataForLot(found.lot.code, found.lot.origin === 'produced' ? 'case' : 'receiving')
    const id = await q.enqueue({ printer: station, station, lotCode: found.lot.code, template: data.template, data, user: req.body.user ?? 'api' })
    return reply.code(201).send({ job: await q.getJob(id) })
  })

  app.get('/lots/:code/label', {
    schema: { tags, summary: 'Preview of the lot\'s label as the station\'s printer would print it', params: CodeParams, querystring: Type.Object({ station: Type.String({ minLength: 1, maxLength: 6 }), format: Type.Optional(Type.Union([Type.Literal('svg'), Type.Literal('png')])) }) }
  }, async (req, reply) => {
    const { labels: l } = queue()
    const found = await app.lots.getLot(req.params.code)
    if (!found) throw new DomainError('NOT_FOUND', `Lot ${req.params.code} not found`)
    const data = await l.dataForLot(found.lot.code, found.lot.origin === 'produced' ? 'case' : 'receiving')
    const format = req.query.format ?? 'svg'
    return reply.type(format === 'png' ? 'image/png' : 'image/svg+xml').send(l.preview(data, req.query.station.toUpperCase(), format))
  })

  app.post('/pallets', {
    schema: {
      tags,
      summary: 'Build a pallet of one lot: a new SSCC and its GS1 logistic label',
      body: Type.Object({
        lot: Type.String({ minLength: 1, maxLength: 40 }), count: Type.Integer({ minimum: 1, maximum: 100000 }),
        station: Type.Optional(Type.String({ maxLength: 6 })), user: Type.Optional(Type.String({ maxLength: 80 })),
        shipTo: Type.Optional(Type.String({ maxLength: 40, description: 'customer code printed in the ship-to block' }))
      }, { additionalProperties: false }),
      response: { ...errors }
    }
  }, async (req, reply) => {
    const pallet = await app.pallets.build(req.body)
    let job = null
    const station = req.body.station?.toUpperCase()
    if (station && app.printQueue && app.labels) {
      const lot = (await app.lots.getLot(pallet.lot))!.lot
      const customer = req.body.shipTo ? await app.masterData.getPartner(req.body.shipTo) : null
      const data = app.labels.palletData(pallet, { gtin: lot.product.gtin!, name: lot.product.name }, lot.bestBefore,
        customer ? { name: customer.name, address: [customer.address, customer.city, customer.state, customer.zip].filter(Boolean).join(', ') } : undefined)
      job = await app.printQueue.getJob(await app.printQueue.enqueue({ printer: station, station, lotCode: lot.code, template: 'pallet', data, user: req.body.user ?? 'api' }))
    }
    return reply.code(201).send({ pallet, job })
  })

  app.get('/pallets/:sscc', { schema: { tags, params: Type.Object({ sscc: Type.String({ pattern: '^\\d{18}$' }) }), response: { 404: errors[404] } } }, async (req) => {
    const pallet = await app.pallets.get(req.params.sscc)
    if (!pallet) throw new DomainError('NOT_FOUND', `Pallet ${req.params.sscc} not found`)
    return { pallet }
  })
}

export default labels

import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { exportEntry, recordAudit, type ExportWhat } from '../../domain/audit.ts'
import type { ExportFile } from '../../domain/exports/index.ts'
import { CodeParams, errors } from './schemas.ts'

const DirectionQuery = Type.Object({ direction: Type.Union([Type.Literal('backward'), Type.Literal('forward'), Type.Literal('both')], { default: 'both' }) })
const Day = (description: string) => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: `${description} (YYYY-MM-DD, the plant's calendar day, inclusive)` })
const RangeQuery = Type.Object({ from: Day('first day'), to: Day('last day') })
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) })
const failures = { 404: errors[404], 409: errors[409], 422: errors[422] }

/** Sends a file as a download; never cached (records change, and exports hold customer data). */
const download = (reply: FastifyReply, f: ExportFile) => reply
  .header('content-disposition', `attachment; filename="${f.filename}"`)
  .header('cache-control', 'no-store')
  .type(f.contentType)
  .send(f.body)

/**
 * Every export taken out is in the audit trail before it is sent: who (the auth plugin sets the
 * actor), station, server time, and what. If the entry cannot be written, nothing is sent.
 */
async function audited<T extends { filename: string, summary?: string }> (app: FastifyInstance, what: ExportWhat, file: T): Promise<T> {
  await app.db.write(tx => recordAudit(tx, exportEntry(what, file)))
  return file
}

/** FSMA 204 and GS1 exports of traces, date ranges and shipments (server/domain/exports). */
const exportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['traces']

  app.get('/trace/:code/export.csv', {
    schema: { tags, summary: 'The trace as CSV: one row per supplier lot, input edge, open batch input and shipment line', params: CodeParams, querystring: DirectionQuery, response: failures }
  }, async (req, reply) => download(reply, await audited(app, { kind: 'csv', lot: req.params.code, direction: req.query.direction }, await app.exporter.traceCsv(req.params.code, req.query.direction))))

  app.get('/trace/:code/fda.xlsx', {
    schema: { tags, summary: 'FDA electronic sortable spreadsheet (FSMA 204) of the events of a lot\'s trace', params: CodeParams, querystring: DirectionQuery, response: failures }
  }, async (req, reply) => {
    const scope = { lot: req.params.code, direction: req.query.direction }
    return download(reply, await audited(app, { kind: 'fda', ...scope }, await app.exporter.fdaXlsx(scope)))
  })

  app.get('/trace/:code/epcis.jsonld', {
    schema: { tags, summary: 'GS1 EPCIS 2.0 JSON-LD document of the events of a lot\'s trace', params: CodeParams, querystring: DirectionQuery, response: failures }
  }, async (req, reply) => {
    const scope = { lot: req.params.code, direction: req.query.direction }
    return download(reply, await audited(app, { kind: 'epcis', ...scope }, await app.exporter.epcis(scope)))
  })

  app.get('/exports/fda.xlsx', {
    schema: { tags, summary: 'FDA electronic sortable spreadsheet (FSMA 204) of every event in a date range', querystring: RangeQuery, response: failures }
  }, async (req, reply) => download(reply, await audited(app, { kind: 'fda', ...req.query }, await app.exporter.fdaXlsx(req.query))))

  app.get('/exports/epcis.jsonld', {
    schema: { tags, summary: 'GS1 EPCIS 2.0 JSON-LD document of every event in a date range', querystring: RangeQuery, response: failures }
  }, async (req, reply) => download(reply, await audited(app, { kind: 'epcis', ...req.query }, await app.exporter.epcis(req.query))))

  app.get('/shipments/:id/kdes', {
    schema: { tags: ['events'], summary: 'Shipping KDEs 1-7 per line, and the reference document: what FSMA 204 says goes to the recipient', params: IdParams, response: failures }
  }, async (req) => {
    const packet = await app.exporter.kdePacket(req.params.id)
    await audited(app, { kind: 'kdes', shipment: req.params.id }, { filename: `shipment-${req.params.id}-kdes.json` })
    return { packet }
  })

  app.get('/shipments/:id/kdes.csv', {
    schema: { tags: ['events'], summary: 'The shipping KDE packet as CSV (the FDA spreadsheet\'s Shipping columns)', params: IdParams, response: failures }
  }, async (req, reply) => download(reply, await audited(app, { kind: 'kdes', shipment: req.params.id }, await app.exporter.kdePacketCsv(req.params.id))))
}

export default exportRoutes

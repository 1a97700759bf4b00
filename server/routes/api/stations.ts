import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import * as scansDb from '../../../db/stations.ts'
import { keptMessage } from '../../scan-spool.ts'
import { CodeParams, errors, RefDocSchema } from './schemas.ts'

const tags = ['stations']
const User = { user: Type.Optional(Type.String({ maxLength: 80 })) }
const Any = Type.Object({}, { additionalProperties: true })

/** The scan-driven station workflows, for the kiosk pages and for tests without a scanner. */
const stations: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/stations', { schema: { tags } }, async () => ({
    stations: await Promise.all(app.stations.list().map(async s => ({ ...s, state: await app.stations.state(s.code), hardware: app.hardwareStatus(s.code) })))
  }))

  app.get('/stations/:code', { schema: { tags, params: CodeParams, response: { 404: errors[404] } } }, async (req) => {
    const s = app.stations.get(req.params.code)
    return { station: s, state: await app.stations.state(s.code), hardware: app.hardwareStatus(s.code), recentScans: await app.stations.recentScans(s.code, 20) }
  })

  app.post('/stations/:code/scans', {
    schema: {
      tags,
      summary: 'A scan typed by a keyboard-wedge scanner (or sent by a test): same path as a serial scan',
      params: CodeParams,
      body: Type.Object({
        data: Type.String({ minLength: 1, maxLength: 4096, description: 'the raw scan, with ]C1-style prefix and GS (\\u001d) separators if the scanner sends them' }),
        scanId: Type.Optional(Type.String({ minLength: 8, maxLength: 64, description: 'client-made id: a retried request records nothing twice' }))
      }, { additionalProperties: false }),
      response: { 202: Any, 404: errors[404] }
    }
  }, async (req, reply) => {
    if (!app.scanSpool) return app.stations.handleScan(req.params.code, req.body.data, { scanId: req.body.scanId, source: 'keyboard' })
    app.stations.get(req.params.code)
    const result = await app.scanSpool.record(req.params.code, req.body.data, { scanId: req.body.scanId, source: 'keyboard' })
    if (result) return result
    return reply.code(202).send({
      scanId: req.body.scanId ?? null, station: req.params.code.toUpperCase(), outcome: 'spooled', signal: 'ask',
      message: keptMessage(app.scanSpool.waitingFor(req.params.code.toUpperCase()))
    })
  })

  app.post('/stations/:code/answer', {
    schema: {
      tags,
      summary: 'Confirm (with the fields asked for) or cancel what the station is waiting on',
      params: CodeParams,
      body: Type.Object({
        confirm: Type.Boolean(),
        quantity: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
        unit: Type.Optional(Type.String({ maxLength: 12 })),
        supplier: Type.Optional(Type.String({ maxLength: 40 })),
        supplierLotCode: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
        product: Type.Optional(Type.String({ maxLength: 40 })),
        referenceDocument: Type.Optional(RefDocSchema),
        qc: Type.Optional(Type.Object({ status: Type.Union([Type.Literal('accepted'), Type.Literal('rejected')]), temperatureC: Type.Optional(Type.Number({ minimum: -80, maximum: 100 })), note: Type.Optional(Type.String({ maxLength: 500 })) })),
        ...User
      }, { additionalProperties: false }),
      response: { ...errors }
    }
  }, async (req) => app.stations.answer(req.params.code, req.body))

  app.put('/stations/:code/delivery', {
    schema: { tags, summary: 'Receiving: the supplier and document of the truck being unloaded', params: CodeParams, body: Type.Union([Type.Object({ supplier: Type.String({ minLength: 1 }), referenceDocument: Type.Optional(RefDocSchema) }, { additionalProperties: false }), Type.Null()]), response: { ...errors } }
  }, async (req) => ({ state: await app.stations.setDelivery(req.params.code, req.body) }))

  app.post('/stations/:code/batch', {
    schema: { tags, summary: 'Production: start a batch on this line', params: CodeParams, body: Type.Object({ product: Type.String({ minLength: 1 }), referenceDocument: Type.Optional(RefDocSchema), ...User }, { additionalProperties: false }), response: { 201: Any, ...errors } }
  }, async (req, reply) => reply.code(201).send({ batch: await app.stations.openBatch(req.params.code, req.body) }))

  app.post('/stations/:code/batch/close', {
    schema: { tags, summary: 'Production: close the open batch; assigns the output lot and prints its label', params: CodeParams, body: Type.Object({ quantity: Type.Number({ exclusiveMinimum: 0 }), unit: Type.Optional(Type.String({ maxLength: 12 })), ...User }, { additionalProperties: false }), response: { 201: Any, ...errors } }
  }, async (req, reply) => reply.code(201).send(await app.stations.closeBatch(req.params.code, req.body)))

  app.post('/stations/:code/shipment', {
    schema: { tags, summary: 'Shipping: start loading a shipment for a customer', params: CodeParams, body: Type.Object({ customer: Type.String({ minLength: 1 }), referenceDocument: Type.Optional(RefDocSchema) }, { additionalProperties: false }), response: { 201: Any, ...errors } }
  }, async (req, reply) => reply.code(201).send({ shipment: await app.stations.openShipment(req.params.code, req.body) }))

  app.post('/stations/:code/shipment/close', {
    schema: { tags, summary: 'Shipping: the truck leaves; records the shipment', params: CodeParams, body: Type.Object({ shippedAt: Type.Optional(Type.String({ maxLength: 40 })), ...User }, { additionalProperties: false }), response: { 201: Any, ...errors } }
  }, async (req, reply) => reply.code(201).send({ shipment: await app.stations.closeShipment(req.params.code, req.body) }))

  app.delete('/stations/:code/shipment', { schema: { tags, summary: 'Shipping: drop the shipment being loaded (nothing was recorded yet)', params: CodeParams } }, async (req) => ({ state: await app.stations.cancelShipment(req.params.code) }))

  // Open event streams, ended when the server closes (they would otherwise hold it open).
  const streams = new Set<() => void>()
  app.addHook('onClose', async () => { for (const end of streams) end() })

  app.get('/stations/:code/events', { schema: { tags, summary: 'Server-sent events: scan results, state, scanner and printer status', params: CodeParams } }, async (req, reply) => {
    const code = req.params.code.toUpperCase()
    const local = app.stations.list().some(s => s.code === code)
    // A station served by another kiosk server on the same database is followed through the database.
    if (!local && !await scansDb.stationKnown(app.db.client, code)) return reply.code(404).send({ error: { code: 'NOT_FOUND', message: `No station "${code}" on this server or in the database` } })
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' })
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
    send('hello', { station: code, local, hardware: local ? app.hardwareStatus(code) : null })
    const sent = new Set<string>()
    const sendScan = (scan: { scanId: string }) => {
      if (sent.has(scan.scanId)) return
      sent.add(scan.scanId)
      if (sent.size > 1000) sent.delete(sent.values().next().value!)
      send('scan', scan)
    }
    const mine = (name: string) => (data: { station?: string }) => { if (data.station === code) send(name, data) }
    const onScan = (data: { station?: string, scanId: string }) => { if (data.station === code) sendScan(data) }
    const onState = mine('state'); const onAnswer = mine('answer'); const onHardware = mine('hardware')
    app.stations.events.on('scan', onScan).on('state', onState).on('answer', onAnswer)
    app.hardwareEvents.on('hardware', onHardware)
    // Scans recorded by another server process (or replayed from its spool) arrive by polling.
    let last = await scansDb.lastScanRowid(app.db.client)
    let polling = false
    const poll = setInterval(() => {
      if (polling) return
      polling = true
      scansDb.listScansSince(app.db.client, code, last)
        .then(rows => { for (const r of rows) { last = r.rowid; sendScan(JSON.parse(r.result)) } })
        .catch(() => {})
        .finally(() => { polling = false })
    }, 500)
    const beat = setInterval(() => res.write(': keep-alive\n\n'), 15_000)
    const stop = () => {
      clearInterval(beat); clearInterval(poll)
      app.stations.events.off('scan', onScan).off('state', onState).off('answer', onAnswer)
      app.hardwareEvents.off('hardware', onHardware)
    }
    const end = () => { stop(); res.end() }
    streams.add(end)
    req.raw.on('close', () => { stop(); streams.delete(end) })
  })
}

export default stations

import formbody from '@fastify/formbody'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyError, type FastifyServerOptions } from 'fastify'
import type { Db } from '../db/client.ts'
import { DB_UNAVAILABLE, isDbUnavailable } from '../db/errors.ts'
import type { SequenceLedger } from '../db/sequences.ts'
import { DomainError, type DomainErrorCode } from './domain/errors.ts'
import { createLineage } from './domain/lineage.ts'
import { createExports } from './domain/exports/index.ts'
import type { PlantInfo } from './domain/exports/types.ts'
import { createLots } from './domain/lots.ts'
import { createMasterData } from './domain/master-data.ts'
import { createStations, type LabelRequest, type StationDef } from './domain/stations.ts'
import { EventEmitter } from 'node:events'
import { createPallets } from './domain/pallets.ts'
import type { LabelService } from './labels.ts'
import type { PrintQueue } from './print-queue.ts'
import type { Auth } from './domain/auth.ts'
import authPlugin from './auth-plugin.ts'
import { createScanSpool, type ScanSpool } from './scan-spool.ts'
import apiRoutes from './routes/api/index.ts'
import healthRoutes from './routes/health.ts'
import kioskPages from '../kiosk/pages/index.ts'
import { ErrorSchema, EventSchema, LotSchema } from './routes/api/schemas.ts'

export interface Deps {
  db: Db
  clock?: () => Date          // injected for testability
  lotFormat?: string
  ledger?: SequenceLedger
  timeZone?: string
  stations?: StationDef[]
  requestLabel?: LabelRequest
  /** Scanner and printer status per station code, for /health and the pages (main.ts wires the real hardware). */
  hardwareStatus?: (station: string) => unknown
  /** Emits 'hardware' events `{ station, ... }` when a scanner or printer changes state. */
  hardwareEvents?: EventEmitter
  repeatWindowMs?: number
  printQueue?: PrintQueue
  labels?: LabelService
  /** The plant's GS1 company prefix, for SSCCs. */
  companyPrefix?: string
  /** The plant as configured (config `plant`): the location of receiving and transformation in FSMA 204 exports. */
  plant?: PlantInfo
  /** File where scans wait while the database cannot be written (main.ts: beside the database). */
  spoolPath?: string
  /** Who may do what (server/access.ts). Always given by main.ts; tests pass a real one with a token. */
  auth?: Auth
  https?: boolean
  demo?: boolean
}

declare module 'fastify' {
  interface FastifyInstance {
    masterData: ReturnType<typeof createMasterData>
    lots: ReturnType<typeof createLots>
    lineage: ReturnType<typeof createLineage>
    exporter: ReturnType<typeof createExports>
    stations: ReturnType<typeof createStations>
    hardwareStatus: (station: string) => unknown
    hardwareEvents: EventEmitter
    routeList: Array<{ method: string, url: string }>
    scanSpool: ScanSpool | null
    pallets: ReturnType<typeof createPallets>
    printQueue: PrintQueue | null
    labels: LabelService | null
    db: Db
  }
}

const STATUS: Record<DomainErrorCode, number> = {
  NOT_FOUND: 404, INVALID: 422, BAD_SCAN: 422, UNIT_MISMATCH: 422, CONFLICT: 409, INSUFFICIENT_QUANTITY: 409
}

/** Registers plugins and routes; opens nothing itself (main.ts creates the real things). */
export async function buildApp (deps: Deps, opts: FastifyServerOptions = {}) {
  // Unknown fields are refused (422), not silently dropped: a misspelt field must not lose data.
  const app = Fastify({ bodyLimit: 1024 * 1024, ajv: { customOptions: { removeAdditional: false } }, ...opts }).withTypeProvider<TypeBoxTypeProvider>()
  app.decorate('db', deps.db)
  app.decorate('masterData', createMasterData(deps))
  app.decorate('lots', createLots(deps))
  app.decorate('lineage', createLineage(deps))
  app.decorate('exporter', createExports({ ...deps, plant: deps.plant ?? null }))
  app.decorate('pallets', createPallets(deps))
  app.decorate('printQueue', deps.printQueue ?? null)
  app.decorate('labels', deps.labels ?? null)
  app.decorate('stations', createStations({ ...deps, lots: app.lots, masterData: app.masterData, pallets: app.pallets, stations: deps.stations ?? [] }))
  app.decorate('scanSpool', deps.spoolPath ? createScanSpool({ path: deps.spoolPath, stations: app.stations, clock: deps.clock }) : null)
  app.decorate('hardwareStatus', (code: string) => ({
    ...(deps.hardwareStatus?.(code) as object | undefined),
    ...(app.scanSpool ? { spool: { waiting: app.scanSpool.waitingFor(code), dbError: app.scanSpool.lastError() } } : {})
  }))
  app.decorate('hardwareEvents', deps.hardwareEvents ?? new EventEmitter())
  app.scanSpool?.events.on('spool', (e: { station: string }) => app.hardwareEvents.emit('hardware', { station: e.station, spool: e }))
  app.addHook('onClose', async () => app.scanSpool?.stop())
  app.addSchema(ErrorSchema)
  app.addSchema(LotSchema)
  app.addSchema(EventSchema)

  // Every route, for the role-matrix test and for anyone auditing who may call what.
  const routeList: Array<{ method: string, url: string }> = []
  app.addHook('onRoute', r => { for (const m of [r.method].flat()) if (m !== 'HEAD') routeList.push({ method: m, url: r.url }) })
  app.decorate('routeList', routeList)
  await app.register(formbody)
  if (deps.auth) await app.register(authPlugin, { auth: deps.auth, https: deps.https, demo: deps.demo })
  await app.register(swagger, {
    openapi: {
      info: { title: 'Lotline API', version: '1', description: 'Lot tracking for food plants: receiving, production batches, shipping, traces (FSMA 204 KDEs).' },
      tags: [{ name: 'master data' }, { name: 'events' }, { name: 'lots' }, { name: 'traces' }, { name: 'stations' }, { name: 'labels' }, { name: 'gs1' }]
    },
    refResolver: { buildLocalReference: (json, _base, _frag, i) => String(json.$id ?? `def-${i}`) }
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })

  app.setErrorHandler((err: FastifyError | DomainError, req, reply) => {
    if (err instanceof DomainError) {
      return reply.code(STATUS[err.code]).send({ error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } })
    }
    if (err.validation) {
      const message = err.validation.map(v => {
        const field = `${err.validationContext ?? 'body'}${v.instancePath.replaceAll('/', '.')}`
        const extra = v.keyword === 'additionalProperties' ? ` (${String((v.params as { additionalProperty?: string }).additionalProperty)})` : ''
        return `${field} ${v.message}${extra}`
      }).join('; ')
      return reply.code(422).send({ error: { code: 'INVALID', message } })
    }
    if (isDbUnavailable(err)) {
      // Each write is one transaction (db/client.ts): the one that met the outage did not commit.
      req.log.warn({ err, method: req.method, url: req.url }, 'database unavailable: request refused')
      return reply.code(503).header('retry-after', String(DB_UNAVAILABLE.retryAfter)).send({ error: { code: DB_UNAVAILABLE.code, message: DB_UNAVAILABLE.message } })
    }
    const status = err.statusCode ?? 500
    if (status < 500) {
      const code = ({ 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 413: 'TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE', 429: 'TOO_MANY_REQUESTS' } as Record<number, string>)[status] ?? 'BAD_REQUEST'
      return reply.code(status).send({ error: { code, message: err.message } })
    }
    req.log.error({ err, method: req.method, url: req.url, params: req.params }, 'request failed')
    return reply.code(500).send({ error: { code: 'INTERNAL', message: 'Something went wrong on the server; it has been logged' } })
  })
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({ error: { code: 'NOT_FOUND', message: `No route ${req.method} ${req.url.split('?')[0]}` } })
  })

  await app.register(healthRoutes)
  await app.register(apiRoutes, { prefix: '/api/v1' })
  // Station touchscreens and supervisor pages (HTML + htmx), with /public and /vendor/htmx static files.
  await app.register(kioskPages)
  return app
}

export type App = Awaited<ReturnType<typeof buildApp>>

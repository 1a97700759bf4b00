import fastifyStatic from '@fastify/static'
import type { FastifyError, FastifyInstance } from 'fastify'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DB_UNAVAILABLE, isDbUnavailable } from '../../db/errors.ts'
import { DomainError, type DomainErrorCode } from '../../server/domain/errors.ts'
import { createStationFeed } from '../station-feed.ts'
import { notice } from '../views/format.ts'
import { href, html } from '../views/html.ts'
import { layout } from '../views/layout.ts'
import adminPages from './admin.ts'
import { isHtmx, sendHtml, viewerOf } from './context.ts'
import lotPages from './lots.ts'
import recallPages from './recalls.ts'
import searchPages from './search.ts'
import stationLive from './station-live.ts'
import stationPages from './stations.ts'

const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url))
// htmx from node_modules, not a CDN: a plant LAN may have no internet.
const HTMX_DIR = join(dirname(createRequire(import.meta.url).resolve('htmx.org/package.json')), 'dist')

const STATUS: Record<DomainErrorCode, number> = { NOT_FOUND: 404, INVALID: 422, BAD_SCAN: 422, UNIT_MISMATCH: 422, CONFLICT: 409, INSUFFICIENT_QUANTITY: 409 }

/**
 * The pages: station touchscreens, supervisor search, lots, traces, mock recalls, master data.
 * They call the same domain functions as the JSON API, never the API itself. Errors on these
 * routes come back as HTML (a fragment for htmx, a page otherwise), not JSON.
 */
export default async function kioskPages (app: FastifyInstance) {
  const feed = createStationFeed({ stations: app.stations, hardwareEvents: app.hardwareEvents, printQueue: app.printQueue, scanSpool: app.scanSpool ?? null })
  app.addHook('onClose', async () => feed.close())

  await app.register(fastifyStatic, { root: PUBLIC_DIR, prefix: '/public/', cacheControl: true, maxAge: '1h' })
  await app.register(fastifyStatic, { root: HTMX_DIR, prefix: '/vendor/htmx/', decorateReply: false, maxAge: '1d', allowedPath: p => p.endsWith('.js') })

  app.setErrorHandler((err: FastifyError | DomainError, req, reply) => {
    let status: number
    let message: string
    if (err instanceof DomainError) { status = STATUS[err.code]; message = err.message } else if (isDbUnavailable(err)) {
      req.log.warn({ err, method: req.method, url: req.url }, 'database unavailable: page refused')
      status = 503
      message = DB_UNAVAILABLE.message
      reply.header('retry-after', String(DB_UNAVAILABLE.retryAfter))
    } else if ((err as FastifyError).validation) { status = 422; message = err.message } else if ((err as FastifyError).statusCode && (err as FastifyError).statusCode! < 500) { status = (err as FastifyError).statusCode!; message = err.message } else {
      req.log.error({ err, method: req.method, url: req.url, params: req.params }, 'page failed')
      status = 500
      message = 'Something went wrong on the server; it has been logged'
    }
    const body = isHtmx(req) ? notice('error', message) : layout({ title: status === 404 ? 'Not found' : 'Error', viewer: viewerOf(req) }, html`<main class="office-main"><h1>${status === 404 ? 'Not found' : 'Could not do that'}</h1>${notice('error', message)}<p><a href="/">Back to search</a></p></main>`)
    return sendHtml(reply, body, status)
  })

  await app.register(stationPages, { feed })
  await app.register(stationLive, { feed })
  await app.register(searchPages)
  await app.register(lotPages)
  await app.register(recallPages)
  await app.register(adminPages)

  // No icon file: answer at once instead of a 404 in every browser console.
  app.get('/favicon.ico', { schema: { hide: true } }, async (_req, reply) => reply.code(204).header('cache-control', 'max-age=86400').send())

  // The GS1 Digital Link on our labels' QR codes (https://<publicUrl>/01/<gtin>/10/<lot>) opens the lot's page.
  app.get<{ Params: { gtin: string, lot: string } }>('/01/:gtin/10/:lot', { schema: { hide: true } }, async (req, reply) => reply.redirect(href`/lots/${req.params.lot}`, 302))
  app.get<{ Params: { gtin: string } }>('/01/:gtin', { schema: { hide: true } }, async (req, reply) => reply.redirect(`/?q=${encodeURIComponent(req.params.gtin)}`, 302))
}

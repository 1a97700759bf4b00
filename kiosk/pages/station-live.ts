import type { FastifyInstance } from 'fastify'
import type { ServerResponse } from 'node:http'
import { ALL_REGIONS, type Region, type StationFeed } from '../station-feed.ts'
import { loadStationView } from '../station-view.ts'
import { signalPartial, stationPartials } from '../views/station/page.ts'

/** Changes arriving within this window are drawn once (a scan brings its state change with it), ms. */
const COALESCE_MS = 20

/**
 * The station page's live stream: server-sent events whose data is the changed regions, rendered
 * by the same functions as the page, as htmx partials (hx-sse swaps them). Whatever the scan's
 * source (serial scanner, wedge, API), every open page of that station shows it at once. A
 * (re)connect first sends every region, so a page that lost its connection catches up.
 */
export default async function stationLive (app: FastifyInstance, { feed }: { feed: StationFeed }) {
  const open = new Set<ServerResponse>()
  // Close the streams before the server waits for its connections to end.
  app.addHook('preClose', async () => { for (const res of open) res.end() })

  app.get<{ Params: { code: string } }>('/stations/:code/events', { schema: { hide: true } }, (req, reply) => {
    const code = app.stations.get(req.params.code).code
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' })
    open.add(res)
    const waiting = new Set<Region>(ALL_REGIONS)
    let timer: NodeJS.Timeout | null = null
    let drawing = false

    const draw = async () => {
      timer = null
      if (drawing) { timer = setTimeout(draw, COALESCE_MS); return }
      drawing = true
      const regions = [...waiting]
      waiting.clear()
      try {
        const v = await loadStationView(app, feed, code)
        if (!res.writableEnded) res.write(sse(stationPartials(v, regions).value))
      } catch (e) {
        req.log.warn({ err: e, station: code }, 'station stream: could not draw the page')
        // The database is away: the banner is drawn from memory, so a scan kept on this kiosk
        // (from the serial scanner too) still shows KEPT on the page.
        if (regions.includes('signal') && !res.writableEnded) res.write(sse(signalPartial(feed.last(code)).value))
      } finally {
        drawing = false
      }
    }
    const onChanged = (station: string, regions: Region[]) => {
      if (station !== code) return
      for (const r of regions) waiting.add(r)
      timer ??= setTimeout(draw, COALESCE_MS)
    }
    feed.events.on('changed', onChanged)
    const beat = setInterval(() => res.write(': keep-alive\n\n'), 15_000)
    const stop = () => {
      clearInterval(beat)
      if (timer) clearTimeout(timer)
      feed.events.off('changed', onChanged)
      open.delete(res)
    }
    res.on('close', stop)
    void draw()
  })
}

/** One unnamed SSE message (hx-sse swaps those): every line of the HTML gets its own `data:`. */
function sse (markup: string): string {
  return markup.replace(/\r/g, '').split('\n').map(line => `data: ${line}`).join('\n') + '\n\n'
}

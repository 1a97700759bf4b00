import type { FastifyInstance } from 'fastify'
import { DomainError } from '../../server/domain/errors.ts'
import { createRecallDrills } from '../recall-drills.ts'
import { href } from '../views/html.ts'
import { layout } from '../views/layout.ts'
import { drillList, recallReport } from '../views/recall.ts'
import { attempt, csrfOf, formOf, sendHtml, userOf, viewerOf } from './context.ts'
import { html } from '../views/html.ts'

/** Mock recalls: run from any lot in one click, kept as records, listed, printable. */
export default async function recallPages (app: FastifyInstance) {
  const drills = createRecallDrills({ db: app.db, lineage: app.lineage })
  const meta = (req: Parameters<typeof viewerOf>[0], csrf: string | null, title: string) => ({ title, viewer: viewerOf(req), csrf, section: 'recalls' as const })

  app.get('/recalls', { schema: { hide: true } }, async (req, reply) => {
    const csrf = csrfOf(req, reply)
    return sendHtml(reply, layout(meta(req, csrf, 'Mock recalls'), html`<main class="office-main">${drillList(await drills.list(), undefined, undefined, csrf)}</main>`))
  })

  app.post('/recalls', { schema: { hide: true } }, async (req, reply) => {
    const f = formOf(req.body)
    const r = await attempt(() => drills.run(f.lot ?? '', userOf(req, 'supervisor')))
    if (r.ok) return reply.redirect(href`/recalls/${r.value}`, 303)
    const csrf = csrfOf(req, reply)
    const message = f.lot ? r.error.message : 'Enter our lot number'
    return sendHtml(reply, layout(meta(req, csrf, 'Mock recalls'), html`<main class="office-main">${drillList(await drills.list(), f.lot, message, csrf)}</main>`), 422)
  })

  app.get<{ Params: { id: string } }>('/recalls/:id', { schema: { hide: true } }, async (req, reply) => {
    const d = /^\d+$/.test(req.params.id) ? await drills.get(Number(req.params.id)) : null
    if (!d) throw new DomainError('NOT_FOUND', `Mock recall ${req.params.id} not found`)
    return sendHtml(reply, layout(meta(req, csrfOf(req, reply), `Mock recall #${d.id}`), html`<main class="office-main">${recallReport(d)}</main>`))
  })
}

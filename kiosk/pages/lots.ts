import type { FastifyInstance } from 'fastify'
import { DomainError } from '../../server/domain/errors.ts'
import { notice } from '../views/format.ts'
import { html } from '../views/html.ts'
import { pageOrFragment } from '../views/layout.ts'
import { jobsFragment, lotPage } from '../views/lot.ts'
import { attempt, csrfOf, formOf, isHtmx, sendHtml, userOf, viewerOf } from './context.ts'

/** A lot: its events, mass balance, traces (tree and graph), exports, labels with reprint. */
export default async function lotPages (app: FastifyInstance) {
  const jobsOf = async (code: string) => app.printQueue ? app.printQueue.listJobs({ lotCode: code }, 100) : null

  app.get<{ Params: { code: string } }>('/lots/:code', { schema: { hide: true } }, async (req, reply) => {
    const found = await app.lots.getLot(req.params.code)
    if (!found) throw new DomainError('NOT_FOUND', `Lot ${req.params.code} not found`)
    const trace = (await app.lineage.trace(found.lot.code, 'both'))!
    const csrf = csrfOf(req, reply)
    const viewer = viewerOf(req)
    // Mock recalls are for supervisors and admins (server/access.ts); an operator sees no button that would be refused.
    const body = lotPage({ ...found, trace, jobs: await jobsOf(found.lot.code), csrf, canRecall: viewer?.role !== 'operator' })
    return sendHtml(reply, pageOrFragment(isHtmx(req), { title: `Lot ${found.lot.code}`, viewer, csrf, section: 'search' }, body))
  })

  app.post<{ Params: { code: string, id: string } }>('/lots/:code/reprint/:id', { schema: { hide: true } }, async (req, reply) => {
    const f = formOf(req.body)
    const queue = app.printQueue
    if (!queue) throw new DomainError('CONFLICT', 'No printers are set up on this server')
    const job = await queue.getJob(Number(req.params.id))
    if (!job || job.lotCode !== req.params.code) throw new DomainError('NOT_FOUND', `Label #${req.params.id} is not one of lot ${req.params.code}'s labels`)
    const r = await attempt(() => queue.reprint(job.id, { user: userOf(req, 'supervisor'), reason: f.reason ?? '' }))
    const message = r.ok ? notice('ok', html`Label #${job.id} sent again as #${r.value} (marked REPRINT).`) : notice('error', r.error.message)
    const body = jobsFragment(req.params.code, (await jobsOf(req.params.code)) ?? [], message)
    if (!isHtmx(req)) return reply.redirect(`/lots/${encodeURIComponent(req.params.code)}`, 303)
    return sendHtml(reply, body, r.ok ? 200 : 422)
  })
}

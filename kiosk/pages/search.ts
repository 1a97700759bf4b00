import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { listBalances } from '../../db/records.ts'
import { searchLots } from '../../db/search.ts'
import { pageOrFragment } from '../views/layout.ts'
import { searchPage, searchResults, type SearchQuery } from '../views/search.ts'
import { csrfOf, formOf, isHtmx, sendHtml, viewerOf } from './context.ts'

const LIMIT = 200
const DATE = /^\d{4}-\d{2}-\d{2}$/

/** Home: search lots by our lot number, supplier lot code, product, GTIN, customer or date range. */
export default async function searchPages (app: FastifyInstance) {
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const f = formOf(req.query)
    const query: SearchQuery = { q: f.q, customer: f.customer, from: f.from, to: f.to }
    const errors: Record<string, string> = {}
    if (query.from && !DATE.test(query.from)) errors.from = 'Use a date like 2026-11-25'
    if (query.to && !DATE.test(query.to)) errors.to = 'Use a date like 2026-11-25'
    const asked = Boolean(query.q || query.customer || query.from || query.to) && Object.keys(errors).length === 0
    let results = null
    if (asked) {
      const lots = await searchLots(app.db.client, { text: query.q, customer: query.customer, from: query.from, to: query.to, limit: LIMIT })
      const balances = await listBalances(app.db.client, lots.map(l => l.id))
      results = lots.map(lot => ({ lot, balance: balances.get(lot.id) ?? null }))
    }
    // htmx swaps only the results; a bookmark or a reload gets the whole page (hx-push-url).
    if (isHtmx(req) && String(req.headers['hx-target'] ?? '').includes('results')) return sendHtml(reply, searchResults(query, results, LIMIT))
    return sendHtml(reply, pageOrFragment(false, { title: 'Search', viewer: viewerOf(req), csrf: csrfOf(req, reply), section: 'search' }, searchPage(query, results, errors, LIMIT)))
  }
  app.get('/', { schema: { hide: true } }, handler)
  app.get('/search', { schema: { hide: true } }, handler)
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { rowsToFields } from '../csv.ts'
import { fieldOfDomainError, importRows, PARTNER_FIELDS, PRODUCT_FIELDS, readLocation, readPartner, readProduct, type Kind } from '../master-forms.ts'
import { adminHome, printersAdmin, stationsAdmin, type StationRow } from '../views/admin-floor.ts'
import { emptyForm, locationsPage, partnersPage, productsPage, type FormState, type ImportState } from '../views/admin-master.ts'
import { html, type Html } from '../views/html.ts'
import { layout } from '../views/layout.ts'
import { attempt, csrfOf, formOf, sendHtml, viewerOf } from './context.ts'
import type { ScannerView } from '../station-view.ts'
import type { PrinterState } from '../../server/print-queue.ts'

const hide = { schema: { hide: true } }

/**
 * Master data pages. Forms post plainly and redirect after success (a reload never adds twice);
 * a refused form comes back with every typed value and the error next to its field.
 */
export default async function adminPages (app: FastifyInstance) {
  const send = (req: FastifyRequest, reply: FastifyReply, title: string, body: (csrf: string | null) => Html, status = 200) => {
    const csrf = csrfOf(req, reply)
    return sendHtml(reply, layout({ title, viewer: viewerOf(req), csrf, section: 'admin' }, html`<main class="office-main">${body(csrf)}</main>`), status)
  }
  // Supervisors may look (server/access.ts): the pages drop their forms for anyone but an admin.
  const editable = (req: FastifyRequest) => (viewerOf(req)?.role ?? 'admin') === 'admin'
  const flashOf = (req: FastifyRequest) => {
    const q = req.query as { added?: string, imported?: string }
    return q.added ? `Added ${q.added}.` : q.imported ? `Imported ${q.imported} rows.` : undefined
  }

  app.get('/admin', hide, async (req, reply) => {
    const [products, partners, locations] = await Promise.all([app.masterData.listProducts(), app.masterData.listPartners(), app.masterData.listLocations()])
    return send(req, reply, 'Master data', () => adminHome({ products: products.length, partners: partners.length, locations: locations.length, stations: app.stations.list().length, printers: app.printQueue?.printerNames().length ?? 0 }))
  })

  // ----- Products and partners: one form each, and a CSV import -----
  const master = {
    products: { read: readProduct, create: (i: unknown): Promise<unknown> => app.masterData.createProduct(i as Parameters<typeof app.masterData.createProduct>[0]), fields: PRODUCT_FIELDS, required: ['code', 'name', 'unit'], title: 'Products' },
    partners: { read: readPartner, create: (i: unknown): Promise<unknown> => app.masterData.createPartner(i as Parameters<typeof app.masterData.createPartner>[0]), fields: PARTNER_FIELDS, required: ['code', 'role', 'name'], title: 'Suppliers and customers' }
  } as const
  const render = async (kind: Kind, s: FormState, imp: ImportState | undefined, csrf: string | null, flash?: string, canEdit = true) => kind === 'products'
    ? productsPage(await app.masterData.listProducts(), s, imp, csrf, flash, canEdit)
    : partnersPage(await app.masterData.listPartners(), s, imp, csrf, flash, canEdit)

  for (const kind of ['products', 'partners'] as const) {
    const m = master[kind]
    app.get(`/admin/${kind}`, hide, async (req, reply) => {
      const page = await render(kind, emptyForm, undefined, csrfOf(req, reply), flashOf(req), editable(req))
      return send(req, reply, m.title, () => page)
    })
    app.post(`/admin/${kind}`, hide, async (req, reply) => {
      const values = formOf(req.body)
      const { input, errors } = m.read(values)
      let state: FormState | null = null
      if (Object.keys(errors).length) state = { values, errors, message: 'Nothing was saved: fix the fields marked below.' }
      else {
        const r = await attempt<unknown>(() => m.create(input))
        if (r.ok) return reply.redirect(`/admin/${kind}?added=${encodeURIComponent(input.code)}`, 303)
        state = { values, errors: { [fieldOfDomainError(r.error.message)]: r.error.message }, message: 'Nothing was saved: fix the field marked below.' }
      }
      const csrf = csrfOf(req, reply)
      const page = await render(kind, state, undefined, csrf)
      return send(req, reply, m.title, () => page, 422)
    })
    app.post(`/admin/${kind}/import`, hide, async (req, reply) => {
      const csv = formOf(req.body).csv ?? ''
      const parsed = rowsToFields(csv, m.fields, m.required)
      const result = parsed.errors.length ? { imported: 0, errors: parsed.errors } : await importRows(app.db, kind, parsed.rows)
      if (result.errors.length === 0) return reply.redirect(`/admin/${kind}?imported=${result.imported}`, 303)
      const page = await render(kind, emptyForm, { csv, errors: result.errors }, csrfOf(req, reply))
      return send(req, reply, m.title, () => page, 422)
    })
  }

  app.get('/admin/locations', hide, async (req, reply) => {
    const locations = await app.masterData.listLocations()
    return send(req, reply, 'Locations', csrf => locationsPage(locations, emptyForm, csrf, flashOf(req), editable(req)))
  })
  app.post('/admin/locations', hide, async (req, reply) => {
    const values = formOf(req.body)
    const { input, errors } = readLocation(values)
    let state: FormState
    if (Object.keys(errors).length) state = { values, errors, message: 'Nothing was saved: fix the fields marked below.' }
    else {
      const r = await attempt(() => app.masterData.createLocation(input))
      if (r.ok) return reply.redirect(`/admin/locations?added=${encodeURIComponent(r.value.code)}`, 303)
      state = { values, errors: { [fieldOfDomainError(r.error.message)]: r.error.message }, message: 'Nothing was saved: fix the field marked below.' }
    }
    const locations = await app.masterData.listLocations()
    return send(req, reply, 'Locations', csrf => locationsPage(locations, state, csrf), 422)
  })

  app.get('/admin/stations', hide, async (req, reply) => {
    const rows: StationRow[] = await Promise.all(app.stations.list().map(async def => {
      const hw = (app.hardwareStatus(def.code) ?? {}) as { scanner?: ScannerView | null, printer?: PrinterState | null }
      const printer = app.printQueue?.printerNames().includes(def.code) ? await app.printQueue.state(def.code) : hw.printer ?? null
      return { def, state: await app.stations.state(def.code), scanner: hw.scanner ?? null, printer }
    }))
    return send(req, reply, 'Stations', () => stationsAdmin(rows, app.kioskClocks?.list()))
  })

  app.get('/admin/printers', hide, async (req, reply) => {
    const q = app.printQueue
    const printers = q ? await Promise.all(q.printerNames().map(async name => ({ name, state: await q.state(name), jobs: await q.listJobs({ printer: name, statuses: ['queued', 'sending', 'uncertain'] }, 50) }))) : []
    return send(req, reply, 'Printers', () => printersAdmin(printers))
  })
}

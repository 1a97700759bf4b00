import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Answer } from '../../server/domain/station-flows.ts'
import type { ReferenceDocument } from '../../server/domain/types.ts'
import type { Region, StationFeed } from '../station-feed.ts'
import { loadStationView } from '../station-view.ts'
import { href, html } from '../views/html.ts'
import { layout } from '../views/layout.ts'
import { clockWarning } from '../views/station/clock.ts'
import { signalPartial, stationPage, stationPartials } from '../views/station/page.ts'
import { notice } from '../views/format.ts'
import { keptMessage } from '../../server/scan-spool.ts'
import type { Refused } from '../views/station/work.ts'
import { attempt, csrfOf, formOf, isHtmx, parseNumber, sendHtml, userOf, viewerOf, type Form } from './context.ts'

type Req = FastifyRequest<{ Params: { code: string } }>
const hide = { schema: { hide: true } }

/** Station pages: the touchscreen at a dock or line. Every action answers with the page regions it changed. */
export default async function stationPages (app: FastifyInstance, { feed }: { feed: StationFeed }) {
  const codeOf = (req: Req) => app.stations.get(req.params.code).code

  /** The regions after an action; a browser without JS (plain form post) is sent back to the page. */
  async function respond (req: Req, reply: FastifyReply, regions: Region[], refused?: Refused, status = 200) {
    const code = codeOf(req)
    if (!isHtmx(req)) return reply.redirect(href`/stations/${code}`, 303)
    return sendHtml(reply, stationPartials(await loadStationView(app, feed, code), regions, refused), status)
  }
  /** A refused action: the reason on the banner (with the low buzz) and next to the form, what was typed kept. */
  function refuse (req: Req, reply: FastifyReply, form: Refused['form'], values: Form, message: string, errors: Record<string, string> = {}) {
    feed.note(codeOf(req), 'bad', message)
    return respond(req, reply, ['signal', 'work'], { form, state: { values, errors, message: Object.keys(errors).length ? undefined : message } }, 422)
  }

  app.get('/stations', hide, async (req, reply) => {
    const list = app.stations.list()
    return sendHtml(reply, layout({ title: 'Stations', viewer: viewerOf(req), csrf: csrfOf(req, reply) }, html`<main class="office-main"><h1>Stations</h1>
${list.length === 0 ? html`<p>No stations are configured on this server.</p>` : html`<ul class="station-list">${list.map(s => html`<li><a class="btn big plain" href="${href`/stations/${s.code}`}">${s.code} · ${s.kind} · ${s.location}</a></li>`)}</ul>`}</main>`))
  })

  /** This kiosk's last clock reading: the auth plugin takes one from every request that carries the kiosk's clock. */
  const clockOf = (req: FastifyRequest) => {
    const kiosk = (req as unknown as { principal?: { kiosk?: { id: number } | null } | null }).principal?.kiosk
    return kiosk ? app.kioskClocks?.get(kiosk.id) ?? null : null
  }

  app.get<{ Params: { code: string } }>('/stations/:code', hide, async (req, reply) => {
    const v = await loadStationView(app, feed, codeOf(req))
    return sendHtml(reply, stationPage(v, { viewer: viewerOf(req), csrf: csrfOf(req, reply) }, clockOf(req)))
  })

  // station.js asks on load and every minute, sending the kiosk's clock: the answer is the warning box, empty when in step.
  app.get<{ Params: { code: string } }>('/stations/:code/clock', hide, async (req, reply) => {
    codeOf(req)
    return sendHtml(reply, clockWarning(clockOf(req)))
  })

  // A keyboard-wedge scan: same path as a serial scan, through the kiosk's spool (server/scan-spool.ts):
  // a scan the database cannot take now is kept on this kiosk and recorded when it is back. The
  // page makes the scanId, so a retried post records nothing twice.
  app.post<{ Params: { code: string } }>('/stations/:code/scan', hide, async (req, reply) => {
    const f = formOf(req.body)
    if (!f.data) return respond(req, reply, ['signal'])
    const scanId = f.scanId && /^[A-Za-z0-9-]{8,64}$/.test(f.scanId) ? f.scanId : undefined
    const code = codeOf(req)
    if (!app.scanSpool) {
      await app.stations.handleScan(code, f.data, { scanId, source: 'keyboard' })
      return respond(req, reply, ['signal', 'feed', 'work'])
    }
    const recorded = await app.scanSpool.record(code, f.data, { scanId, source: 'keyboard' })
    if (recorded) return respond(req, reply, ['signal', 'feed', 'work'])
    // Kept: the spool's 'kept' event has put KEPT on the banner (kiosk/station-feed.ts), drawn without
    // the database, which cannot be read now.
    const message = keptMessage(app.scanSpool.waitingFor(code))
    if (!isHtmx(req)) return sendHtml(reply, layout({ title: `${code} scan kept`, viewer: viewerOf(req) }, html`<main class="office-main"><h1>Scan kept on this kiosk</h1>${notice('info', message)}<p><a class="btn big plain" href="${href`/stations/${code}`}">Back to ${code}</a></p></main>`), 202)
    return sendHtml(reply, signalPartial(feed.last(code)), 202)
  })

  app.post<{ Params: { code: string } }>('/stations/:code/answer', hide, async (req, reply) => {
    const f = formOf(req.body)
    const { answer, errors } = readAnswer(f, userOf(req, 'operator'))
    if (Object.keys(errors).length) return refuse(req, reply, 'answer', f, Object.values(errors)[0]!, errors)
    const r = await attempt(() => app.stations.answer(codeOf(req), answer))
    if (!r.ok) return refuse(req, reply, 'answer', f, r.error.message, fieldOf(r.error.message))
    return respond(req, reply, ['signal', 'work', 'side', 'status'])
  })

  app.post<{ Params: { code: string } }>('/stations/:code/delivery', hide, async (req, reply) => {
    const f = formOf(req.body)
    if (!f.supplier) return refuse(req, reply, 'delivery', f, 'Choose the supplier', { supplier: 'Choose the supplier' })
    const r = await attempt(() => app.stations.setDelivery(codeOf(req), { supplier: f.supplier!, referenceDocument: refDocOf(f) }))
    return r.ok ? respond(req, reply, ['work']) : refuse(req, reply, 'delivery', f, r.error.message)
  })
  app.post<{ Params: { code: string } }>('/stations/:code/delivery/clear', hide, async (req, reply) => {
    await app.stations.setDelivery(codeOf(req), null)
    return respond(req, reply, ['work'])
  })

  app.post<{ Params: { code: string } }>('/stations/:code/batch', hide, async (req, reply) => {
    const f = formOf(req.body)
    if (!f.product) return refuse(req, reply, 'batch', f, 'Choose the product to make', { product: 'Choose the product to make' })
    const r = await attempt(() => app.stations.openBatch(codeOf(req), { product: f.product!, referenceDocument: refDocOf(f), user: userOf(req, 'operator') }))
    if (!r.ok) return refuse(req, reply, 'batch', f, r.error.message)
    feed.note(codeOf(req), 'good', `Batch ${r.value.code} started: scan the input lots`)
    return respond(req, reply, ['signal', 'work'])
  })

  app.post<{ Params: { code: string } }>('/stations/:code/batch/close', hide, async (req, reply) => {
    const f = formOf(req.body)
    const quantity = parseNumber(f.quantity)
    if (quantity === null || quantity <= 0) return refuse(req, reply, 'close-batch', f, 'Enter the quantity made', { quantity: 'Enter the quantity made (more than zero)' })
    const r = await attempt(() => app.stations.closeBatch(codeOf(req), { quantity, user: userOf(req, 'operator') }))
    if (!r.ok) return refuse(req, reply, 'close-batch', f, r.error.message)
    const lot = r.value.batch.lot
    const label = r.value.label as { error?: string } | null
    feed.note(codeOf(req), 'good', `Batch ${r.value.batch.code} closed: lot ${lot?.code ?? '?'}${label?.error ? ` (label not printed: ${label.error})` : ''}`)
    return respond(req, reply, ['signal', 'work', 'side', 'status'])
  })

  app.post<{ Params: { code: string } }>('/stations/:code/shipment', hide, async (req, reply) => {
    const f = formOf(req.body)
    if (!f.customer) return refuse(req, reply, 'shipment', f, 'Choose the customer', { customer: 'Choose the customer' })
    const r = await attempt(() => app.stations.openShipment(codeOf(req), { customer: f.customer!, referenceDocument: refDocOf(f) }))
    if (!r.ok) return refuse(req, reply, 'shipment', f, r.error.message)
    feed.note(codeOf(req), 'good', `Loading for ${r.value.customerName}: scan cases or pallets`)
    return respond(req, reply, ['signal', 'work'])
  })

  app.post<{ Params: { code: string } }>('/stations/:code/shipment/close', hide, async (req, reply) => {
    const r = await attempt(() => app.stations.closeShipment(codeOf(req), { user: userOf(req, 'operator') }))
    if (!r.ok) return refuse(req, reply, 'close-shipment', {}, r.error.message)
    feed.note(codeOf(req), 'good', `Shipment ${r.value.id} recorded: ${r.value.lines.length} lot(s) to ${r.value.customer}`)
    return respond(req, reply, ['signal', 'work'])
  })

  // Two steps: dropping a loaded truck's lines is asked about first.
  app.post<{ Params: { code: string } }>('/stations/:code/shipment/cancel', hide, async (req, reply) => {
    const f = formOf(req.body)
    if (f.sure === 'no') return respond(req, reply, ['work'])
    if (f.sure !== 'yes') return respond(req, reply, ['work'], { form: 'drop-shipment', state: { values: {}, errors: {} } })
    await app.stations.cancelShipment(codeOf(req))
    feed.note(codeOf(req), 'info', 'Shipment dropped: nothing was recorded')
    return respond(req, reply, ['signal', 'work'])
  })

  app.post<{ Params: { code: string, id: string } }>('/stations/:code/reprint/:id', hide, async (req, reply) => {
    const f = formOf(req.body)
    const id = Number(req.params.id)
    if (!app.printQueue) return refuse(req, reply, 'reprint', f, 'No printers are set up on this server')
    if ((f.reason ?? '').length < 3) return refuse(req, reply, 'reprint', f, 'Choose why the label is printed again')
    const r = await attempt(() => app.printQueue!.reprint(id, { user: userOf(req, 'operator'), reason: f.reason! }))
    if (!r.ok) return refuse(req, reply, 'reprint', f, r.error.message)
    feed.note(codeOf(req), 'good', `Label #${id} sent again as job #${r.value} (marked REPRINT)`)
    return respond(req, reply, ['signal', 'side', 'status'])
  })
}

function refDocOf (f: Form): ReferenceDocument | undefined {
  return f.refNumber ? { type: f.refType || 'document', number: f.refNumber } : undefined
}

/** The form's fields as the domain's Answer, with a plain-words error per field that cannot be right. */
export function readAnswer (f: Form, user: string): { answer: Answer, errors: Record<string, string> } {
  const answer: Answer = { confirm: f.confirm !== 'no', user }
  const errors: Record<string, string> = {}
  if (!answer.confirm) return { answer, errors }
  if (f.quantity) {
    const q = parseNumber(f.quantity)
    if (q === null || q <= 0) errors.quantity = `"${f.quantity}" is not a quantity: enter a number more than zero`
    else answer.quantity = q
  }
  let temperatureC: number | undefined
  if (f.temperatureC) {
    const t = parseNumber(f.temperatureC)
    if (t === null || t < -80 || t > 100) errors.temperatureC = `"${f.temperatureC}" is not a temperature between -80 and 100 °C`
    else temperatureC = t
  }
  if (f.qc === 'accepted' || f.qc === 'rejected') answer.qc = { status: f.qc, ...(temperatureC !== undefined ? { temperatureC } : {}) }
  else if (temperatureC !== undefined) errors.qc = 'Choose accepted or rejected to record the temperature'
  if (f.supplier) answer.supplier = f.supplier
  if (f.supplierLotCode) answer.supplierLotCode = f.supplierLotCode
  if (f.product) answer.product = f.product
  return { answer, errors }
}

/** Puts the domain's refusal next to the field it is about. */
function fieldOf (message: string): Record<string, string> {
  if (/supplier's lot|lot code/i.test(message)) return { supplierLotCode: message }
  if (/quantit|has only|left/i.test(message)) return { quantity: message }
  if (/supplier/i.test(message)) return { supplier: message }
  if (/product/i.test(message)) return { product: message }
  return {}
}

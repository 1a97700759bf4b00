import { EventEmitter } from 'node:events'
import { expect, onTestFinished, test } from 'vitest'
import { createZplTcpPrinter } from '../../hardware/zpl-tcp-printer.ts'
import { parseGs1 } from '../../server/domain/gs1.ts'
import { createLabelService } from '../../server/labels.ts'
import { createPrintQueue } from '../../server/print-queue.ts'
import { LABEL_SIZES } from '../../templates/label.ts'
import { buildTestApp, get, post, receive, seedBakery, testDb } from '../helpers/app.ts'
import { decodePng, zplToPng } from '../helpers/decode.ts'
import { startFakeZebra } from '../helpers/fake-zebra.ts'

const GTIN = '09521234543213'
const GS = '\x1d'

/** The real chain: station → event → label service → print queue → ZPL over TCP → a listening "Zebra". */
async function plantWithPrinter (size = '4x6') {
  const zebra = await startFakeZebra()
  onTestFinished(() => zebra.close())
  const db = await testDb({ file: true })
  const plant = { name: 'Oven Street Bakery', address: '100 Oven Street', city: 'Springfield', state: 'IL', zip: '62701' }
  const stations = [{ code: 'RCV1', kind: 'receiving' as const, location: 'DOCK1' }, { code: 'PRD1', kind: 'production' as const, location: 'L1' }, { code: 'SHP1', kind: 'shipping' as const, location: 'DOCK2' }]
  const printers = new Map(stations.map(s => [s.code, createZplTcpPrinter({ host: zebra.host, port: zebra.port })]))
  const labels = createLabelService({ db, plant, media: new Map(stations.map(s => [s.code, { size, dpi: 203 as const }])), printerKinds: new Map(stations.map(s => [s.code, 'zpl' as const])) })
  const printQueue = createPrintQueue({ db, printers, render: labels.render, backoffMs: () => 50 })
  onTestFinished(() => printQueue.stop())
  await printQueue.start()
  const app = await buildTestApp({ db, stations, printQueue, labels, requestLabel: labels.requester(printQueue), companyPrefix: '0614141', repeatWindowMs: 0, hardwareEvents: new EventEmitter() })
  await seedBakery(app)
  /** Waits for the n-th label to reach the printer and decodes every barcode on it. */
  const printed = async (n: number) => {
    const end = Date.now() + 15_000
    while (zebra.jobs.length < n) {
      if (Date.now() > end) throw new Error(`only ${zebra.jobs.length} labels arrived`)
      await new Promise(resolve => setTimeout(resolve, 25))
    }
    const zpl = zebra.jobs[n - 1]!.toString('utf8')
    const codes = await decodePng(await zplToPng(zpl, LABEL_SIZES[size as '4x6'], 203))
    return { zpl, codes, data: codes.filter(c => c.aim === ']C1' || c.aim === ']d2').flatMap(c => parseGs1(c.aim + c.text, { requisites: false }).elements) }
  }
  return { app, printed }
}

test('a receipt confirmed at the dock prints a label whose barcode scans back to the recorded lot', async () => {
  const { app, printed } = await plantWithPrinter()
  await post(app, '/api/v1/products', { code: 'SUGAR', name: 'Cane sugar', unit: 'kg', gtin: GTIN })
  await app.inject({ method: 'PUT', url: '/api/v1/stations/RCV1/delivery', payload: { supplier: 'MILL' } })
  await post(app, '/api/v1/stations/RCV1/scans', { data: `]C101${GTIN}3103025000${GS}10SW-1` })
  const done = await post(app, '/api/v1/stations/RCV1/answer', { confirm: true, user: 'ana' })
  expect(done.body.label).toMatchObject({ jobId: expect.any(Number) })
  const { data, zpl } = await printed(1)
  expect(data).toEqual(expect.arrayContaining([{ ai: '01', value: GTIN }, { ai: '10', value: done.body.lot.code }]))
  expect(zpl).toContain('SW-1')  // the supplier's lot code in the text
  const jobs = await get(app, `/api/v1/print-jobs?lot=${done.body.lot.code}`)
  expect(jobs.body.jobs[0]).toMatchObject({ status: 'sent', template: 'receiving', user: 'ana' })
})

test('closing a batch prints the case label: GTIN, lot, production and best-before dates as recorded', async () => {
  const { app, printed } = await plantWithPrinter()
  const flour = await receive(app, 'FLOUR', 'MILL', 500)
  await post(app, '/api/v1/stations/PRD1/batch', { product: 'CCC-12' })
  await post(app, '/api/v1/stations/PRD1/scans', { data: `]C0${flour}` })
  await post(app, '/api/v1/stations/PRD1/answer', { confirm: true, quantity: 50 })
  const closed = await post(app, '/api/v1/stations/PRD1/batch/close', { quantity: 100, user: 'ben' })
  const lot = closed.body.batch.lot
  const { data } = await printed(1)
  const byAi = Object.fromEntries(data.map(e => [e.ai, e.value]))
  expect(byAi).toMatchObject({ '01': '10614141000040', '10': lot.code, '11': lot.productionDate.slice(2).replaceAll('-', ''), '15': lot.bestBefore.slice(2).replaceAll('-', '') })
})

test('a pallet gets a new SSCC with a valid check digit and a logistic label that scans back; its SSCC alone then ships it', async () => {
  const { app, printed } = await plantWithPrinter()
  const flour = await receive(app, 'FLOUR', 'MILL', 500)
  const lot = (await post(app, '/api/v1/batches', { product: 'CCC-12', line: 'L1', inputs: [{ lot: flour, quantity: 50 }], output: { quantity: 100 } })).body.lot.code
  const first = await post(app, '/api/v1/pallets', { lot, count: 40, station: 'SHP1', user: 'cy', shipTo: 'FRESHMART' })
  const second = await post(app, '/api/v1/pallets', { lot, count: 40 })
  expect(first.status, JSON.stringify(first.body)).toBe(201)
  expect(first.body.pallet.sscc).toMatch(/^00614141\d{10}$/)
  expect(second.body.pallet.sscc).not.toBe(first.body.pallet.sscc)
  expect(parseGs1(`(00)${first.body.pallet.sscc}`).sscc).toBe(first.body.pallet.sscc) // check digit verified by the parser
  const { data } = await printed(1)
  expect(data).toEqual(expect.arrayContaining([{ ai: '00', value: first.body.pallet.sscc }, { ai: '02', value: '10614141000040' }, { ai: '37', value: '40' }, { ai: '10', value: lot }]))

  await post(app, '/api/v1/stations/SHP1/shipment', { customer: 'FRESHMART' })
  const s = await post(app, '/api/v1/stations/SHP1/scans', { data: `]C100${first.body.pallet.sscc}` })
  expect(s.body).toMatchObject({ outcome: 'added' })
  expect((await post(app, '/api/v1/stations/SHP1/scans', { data: `]C100${first.body.pallet.sscc}` })).body.outcome).toBe('duplicate')
  // 100 cases made, two pallets of 40 built: only 20 are not on a pallet.
  const over = await post(app, '/api/v1/pallets', { lot, count: 40 })
  expect(over.status).toBe(409)
  expect(over.body.error.message).toMatch(/has 20 case left that is not already on a pallet/)
  // Once the first pallet has shipped, its 40 cases are gone from stock and from the pallets held.
  expect((await post(app, '/api/v1/stations/SHP1/shipment/close', {})).status).toBe(201)
  expect((await post(app, '/api/v1/pallets', { lot, count: 20 })).status).toBe(201)
  expect((await post(app, '/api/v1/pallets', { lot, count: 1 })).status).toBe(409)
})

test('a reprint asks for a reason and prints REPRINT 1; the preview is an SVG of the same label', async () => {
  const { app, printed } = await plantWithPrinter('4x2')
  const flour = await receive(app, 'FLOUR', 'MILL', 500)
  const queued = await post(app, `/api/v1/lots/${flour}/labels`, { station: 'RCV1', user: 'ana' })
  expect(queued.status).toBe(201)
  await printed(1)
  expect((await post(app, `/api/v1/print-jobs/${queued.body.job.id}/reprint`, { user: 'ana', reason: '' })).status).toBe(422)
  const again = await post(app, `/api/v1/print-jobs/${queued.body.job.id}/reprint`, { user: 'ana', reason: 'label torn' })
  expect(again.body.job).toMatchObject({ reprintNumber: 1, reason: 'label torn' })
  const { zpl, data } = await printed(2)
  expect(zpl).toContain('REPRINT 1')
  expect(data.find(e => e.ai === '10')?.value ?? (await printed(2)).codes[0]?.text).toContain(flour)
  const preview = await app.inject({ method: 'GET', url: `/api/v1/lots/${flour}/label?station=RCV1` })
  expect(preview.headers['content-type']).toMatch(/image\/svg\+xml/)
  expect(preview.body).toContain('<svg')
})

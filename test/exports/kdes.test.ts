import { describe, expect, test } from 'vitest'
import { SHIPPING_COLUMNS } from '../../server/domain/exports/fda.ts'
import { post } from '../helpers/app.ts'
import { cookiePlant, csvRecords, download, parseCsv, PLANT } from './helpers.ts'

const PLANT_LOCATION = { businessName: PLANT.name, phone: PLANT.phone, street: PLANT.address, city: PLANT.city, state: PLANT.state, zip: PLANT.zip, country: PLANT.country }
const KDES_1_TO_7 = ['traceabilityLotCode', 'quantity', 'unitOfMeasure', 'productDescription', 'immediateSubsequentRecipient', 'shipFromLocation', 'shipDate', 'tlcSource']

describe('shipping KDE packet', () => {
  test('gives the recipient every shipping KDE of every line, with the reference document and what we never recorded', async () => {
    const p = await cookiePlant()
    const { packet } = (await download(p.app, `/api/v1/shipments/${p.shipments.corner}/kdes`)).json()
    expect(packet.shipment).toMatchObject({ id: p.shipments.corner, shipDate: '2026-11-22', customer: { code: 'CORNER', name: 'CORNER Inc.' }, referenceDocument: { type: 'BOL', number: '88002' } })
    expect(packet.shipper).toEqual(PLANT_LOCATION)
    expect(packet.lines).toHaveLength(2)
    for (const line of packet.lines) {
      for (const kde of KDES_1_TO_7) expect(line[kde], kde).toBeTruthy()
      expect(line).toMatchObject({
        unitOfMeasure: 'case', shipDate: '2026-11-22', shipFromLocation: PLANT_LOCATION, referenceDocument: { type: 'BOL', number: '88002' },
        productDescription: { name: 'Chocolate chip cookies 12 x 200 g' }, immediateSubsequentRecipient: { businessName: 'CORNER Inc.', phone: '+1 312 555 0100' },
        tlcSource: 'Springfield Bakery, 100 Oven Street, Springfield, IL 62701, US (line L1)'
      })
    }
    expect(packet.lines.map((l: { traceabilityLotCode: string, quantity: number }) => [l.traceabilityLotCode, l.quantity])).toEqual([[p.cookiesA, 30], [p.cookiesB, 20]])
    // CORNER was set up without an address, and the cookies without pack size and style: said, not hidden.
    expect(packet.missing).toEqual(expect.arrayContaining([
      { line: 1, traceabilityLotCode: p.cookiesA, field: 'Immediate subsequent recipient: street address' },
      { line: 2, traceabilityLotCode: p.cookiesB, field: 'Packaging size' }
    ]))
  })

  test('as CSV it has the FDA spreadsheet\'s Shipping columns, one row per line', async () => {
    const p = await cookiePlant()
    const res = await download(p.app, `/api/v1/shipments/${p.shipments.freshmart}/kdes.csv`)
    expect(res.headers['content-disposition']).toBe(`attachment; filename="shipment-${p.shipments.freshmart}-kdes.csv"`)
    expect(parseCsv(res.body)[0]).toEqual(SHIPPING_COLUMNS.map(c => c.header))
    const rows = csvRecords(res.body)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({
      'Traceability lot code (TLC)': p.cookiesA, 'Quantity shipped': '40', 'Unit of measure': 'case', 'Product name': 'Chocolate chip cookies 12 x 200 g',
      'Immediate subsequent recipient: business name': 'FRESHMART Inc.', 'Ship-from location: business name': PLANT.name, 'Ship-from location: ZIP code': PLANT.zip,
      'Ship date': '2026-11-22', 'Reference document type': 'BOL', 'Reference document number': '88001', Shipment: String(p.shipments.freshmart)
    })
  })

  test('a voided shipment has no packet (409), an unknown one is 404', async () => {
    const p = await cookiePlant()
    const shipped = await post(p.app, '/api/v1/shipments', { customer: 'CAMPUS', shipFrom: 'DOCK2', shippedAt: '2026-11-25', lines: [{ lot: p.cookiesB, quantity: 1 }] })
    await post(p.app, `/api/v1/events/${shipped.body.shipment.eventId as number}/void`, { reason: 'loaded on the wrong truck' })
    const voided = await p.app.inject({ method: 'GET', url: `/api/v1/shipments/${shipped.body.shipment.id as number}/kdes` })
    expect(voided.statusCode).toBe(409)
    expect(voided.json().error.message).toContain('voided')
    expect((await p.app.inject({ method: 'GET', url: '/api/v1/shipments/999/kdes.csv' })).statusCode).toBe(404)
  })
})

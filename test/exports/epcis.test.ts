import { describe, expect, test } from 'vitest'
import { createIdentifiers } from '../../server/domain/exports/identifiers.ts'
import { eventTimeOf } from '../../server/domain/exports/epcis.ts'
import type { ExportLot } from '../../server/domain/exports/types.ts'
import { cookiePlant, download, epcisSchemaValidator } from './helpers.ts'

const validate = epcisSchemaValidator()
const expectValid = (doc: unknown) => {
  const ok = validate(doc)
  expect(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 1)).toBe(true)
}

type Quantity = { epcClass: string, quantity: number, uom?: string }
type Event = Record<string, unknown> & { type: string, bizStep?: string, eventID: string }

describe('EPCIS 2.0 document of a trace', () => {
  test('validates against the EPCIS 2.0 JSON schema and has one event per recorded event', async () => {
    const p = await cookiePlant()
    const res = await download(p.app, `/api/v1/trace/${p.cookiesA}/epcis.jsonld?direction=both`)
    expect(res.headers['content-type']).toContain('application/ld+json')
    const doc = res.json()
    expectValid(doc)
    expect(doc).toMatchObject({ type: 'EPCISDocument', schemaVersion: '2.0', creationDate: '2026-11-25T10:00:00.000Z' })
    const events = doc.epcisBody.eventList as Event[]
    const kinds = events.map(e => `${e.type}/${e.bizStep}`)
    // Receipts of flour, chocolate and film; batches A and C (rework); the pallet of A; shipments to FRESHMART, CORNER, HOTEL.
    expect(kinds.filter(k => k === 'ObjectEvent/receiving')).toHaveLength(3)
    expect(kinds.filter(k => k === 'TransformationEvent/creating_class_instance')).toHaveLength(2)
    expect(kinds.filter(k => k === 'AggregationEvent/packing')).toHaveLength(1)
    expect(kinds.filter(k => k === 'ObjectEvent/shipping')).toHaveLength(3)
    expect(new Set(events.map(e => e.eventID)).size).toBe(events.length)
    const times = events.map(e => e.eventTime as string)
    expect(times).toEqual([...times].sort())
  })

  test('the transformation carries the input and output quantities, and the new lot as GTIN + lot with its ILMD', async () => {
    const p = await cookiePlant()
    const doc = (await download(p.app, `/api/v1/trace/${p.cookiesA}/epcis.jsonld?direction=backward`)).json()
    expectValid(doc)
    const [batchA] = (doc.epcisBody.eventList as Event[]).filter(e => e.type === 'TransformationEvent')
    // CCC-12 is GTIN 10614141000040 under the plant's prefix 0614141: an LGTIN URN with our lot number.
    const cookies = `urn:epc:class:lgtin:0614141.100004.${p.cookiesA}`
    expect(batchA!.outputQuantityList).toEqual([{ epcClass: cookies, quantity: 120, uom: 'CS' }])
    expect(batchA!.inputQuantityList).toEqual([
      { epcClass: `urn:lotline:springfield-bakery:lot:${p.flour}`, quantity: 60, uom: 'KGM' },   // flour has no GTIN
      { epcClass: 'urn:epc:class:lgtin:0614141.100003.CW-77812', quantity: 18, uom: 'KGM' },     // the supplier's lot, as on its cases
      { epcClass: `urn:lotline:springfield-bakery:lot:${p.film}`, quantity: 1, uom: 'H87' }
    ])
    expect(batchA!.ilmd).toEqual({ 'cbvmda:lotNumber': p.cookiesA, 'cbvmda:bestBeforeDate': '2027-05-20' })
    expect(batchA).toMatchObject({ disposition: 'active', bizTransactionList: [{ type: 'prodorder' }], eventTime: '2026-11-21T00:00:00.000Z', eventTimeZoneOffset: '+00:00' })
  })

  test('a shipment says who it went to and on which document, and lists its pallets; the pallet build aggregates the lot under its SSCC', async () => {
    const p = await cookiePlant()
    const doc = (await download(p.app, `/api/v1/trace/${p.cookiesA}/epcis.jsonld?direction=forward`)).json()
    expectValid(doc)
    const events = doc.epcisBody.eventList as Event[]
    const sscc = `urn:epc:id:sscc:0614141.${p.sscc[0]}${p.sscc.slice(8, 17)}`
    const freshmart = events.find(e => e.bizStep === 'shipping' && (e.bizTransactionList as Array<{ bizTransaction: string }>)[0]!.bizTransaction.endsWith(':88001'))!
    expect(freshmart).toMatchObject({
      action: 'OBSERVE', disposition: 'in_transit', epcList: [sscc],
      quantityList: [{ epcClass: `urn:epc:class:lgtin:0614141.100004.${p.cookiesA}`, quantity: 40, uom: 'CS' }],
      bizTransactionList: [{ type: 'bol' }],
      destinationList: [{ type: 'owning_party', destination: 'urn:lotline:springfield-bakery:party:FRESHMART' }, { type: 'location', destination: 'urn:lotline:springfield-bakery:partner-location:FRESHMART' }]
    })
    const pallet = events.find(e => e.type === 'AggregationEvent')!
    expect(pallet).toMatchObject({ action: 'ADD', parentID: sscc, childQuantityList: [{ epcClass: `urn:epc:class:lgtin:0614141.100004.${p.cookiesA}`, quantity: 10, uom: 'CS' }] })
  })

  test('a receipt is observed at the dock with the supplier as source; a GLN becomes an SGLN/PGLN under the plant\'s prefix', async () => {
    const p = await cookiePlant()
    const doc = (await download(p.app, `/api/v1/trace/${p.choc}/epcis.jsonld?direction=backward`)).json()
    expectValid(doc)
    const [receipt] = doc.epcisBody.eventList as Event[]
    expect(receipt).toMatchObject({
      type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'receiving', disposition: 'in_progress',
      quantityList: [{ epcClass: 'urn:epc:class:lgtin:0614141.100003.CW-77812', quantity: 400, uom: 'KGM' }],
      readPoint: { id: 'urn:lotline:springfield-bakery:location:DOCK1' },
      sourceList: [{ type: 'owning_party', source: 'urn:epc:id:pgln:0614141.00001' }, { type: 'location', source: 'urn:epc:id:sgln:0614141.00001.0' }],
      bizTransactionList: [{ type: 'bol', bizTransaction: 'urn:lotline:springfield-bakery:document:BOL:CW-BOL-9' }]
    })
  })
})

describe('EPCIS 2.0 document of a date range', () => {
  test('has exactly the live events of the range and validates', async () => {
    const p = await cookiePlant()
    const doc = (await download(p.app, '/api/v1/exports/epcis.jsonld?from=2026-11-20&to=2026-11-25')).json()
    expectValid(doc)
    const events = doc.epcisBody.eventList as Event[]
    // 4 live receipts (the voided one is left out), 3 batches, 1 pallet, 4 shipments.
    expect(events.map(e => e.type).sort()).toEqual([...Array(8).fill('ObjectEvent'), 'AggregationEvent', ...Array(3).fill('TransformationEvent')].sort())
    const batchB = events.find(e => e.type === 'TransformationEvent' && (e.ilmd as Record<string, string>)['cbvmda:lotNumber'] === p.cookiesB)!
    expect((batchB.inputQuantityList as Quantity[]).map(q => q.quantity)).toEqual([55, 16, 1])   // the voided sugar input is gone
    const narrow = (await download(p.app, '/api/v1/exports/epcis.jsonld?from=2026-11-24&to=2026-11-24')).json()
    expect((narrow.epcisBody.eventList as Event[]).map(e => e.bizStep)).toEqual(['shipping'])
  })

  test('the schema check is real: a document with a made-up business step or no time zone is refused', async () => {
    const p = await cookiePlant()
    const doc = (await download(p.app, '/api/v1/exports/epcis.jsonld?from=2026-11-20&to=2026-11-20')).json()
    expect(validate(doc)).toBe(true)
    const broken = structuredClone(doc)
    broken.epcisBody.eventList[0].bizStep = 'baking'
    expect(validate(broken)).toBe(false)
    const noZone = structuredClone(doc)
    delete noZone.epcisBody.eventList[0].eventTimeZoneOffset
    expect(validate(noZone)).toBe(false)
  })
})

describe('identifiers', () => {
  const lot = (over: Partial<ExportLot> = {}): ExportLot => ({
    id: 1, code: '26325-L1-0001', tlc: '26325-L1-0001', tlcSource: 'L1', unit: 'case', origin: 'produced', bestBefore: null, expiryDate: null, qcStatus: null,
    product: { code: 'CCC-12', gtin: '10614141000040', name: 'Cookies', brand: null, commodity: null, variety: null, packSize: null, packStyle: null }, ...over
  })

  test('without a known company prefix a GTIN + lot is a GS1 Digital Link URI; a lot value GS1 (10) cannot carry falls back to our private URI', () => {
    const ids = createIdentifiers({ plant: { name: 'Demo Bakery (sample data)' } })
    expect(ids.lotClass(lot())).toBe('https://id.gs1.org/01/10614141000040/10/26325-L1-0001')
    expect(ids.lotClass(lot({ origin: 'received', tlc: 'A LOT WITH SPACES' }))).toBe('urn:lotline:demo-bakery-sample-data:lot:26325-L1-0001')
    expect(ids.sscc('006141410000000017')).toBe('https://id.gs1.org/00/006141410000000017')
    expect(ids.party({ id: 1, code: 'X', role: 'customer', name: 'X', contact: null, email: null, phone: null, address: null, city: null, state: null, zip: null, country: null, gln: '0614141000012' }))
      .toBe('https://id.gs1.org/417/0614141000012')
  })

  test('a bare date is midnight at the plant, with the plant\'s offset on that day', () => {
    expect(eventTimeOf('2026-07-01', 'America/Chicago')).toEqual({ eventTime: '2026-07-01T05:00:00.000Z', eventTimeZoneOffset: '-05:00' })
    expect(eventTimeOf('2026-12-01', 'America/Chicago')).toEqual({ eventTime: '2026-12-01T06:00:00.000Z', eventTimeZoneOffset: '-06:00' })
    expect(eventTimeOf('2026-12-01T08:30:00-06:00', 'America/Chicago')).toEqual({ eventTime: '2026-12-01T14:30:00.000Z', eventTimeZoneOffset: '-06:00' })
  })
})

/**
 * A GS1 EPCIS 2.0 JSON-LD document of the recorded events (EPCIS 2.0 and CBV 2.0):
 * - receipt      → ObjectEvent OBSERVE, bizStep receiving, disposition in_progress (non_conformant when QC rejected)
 * - batch        → TransformationEvent, bizStep creating_class_instance (CBV's step for a new quantity of GTIN + lot),
 *                  inputQuantityList / outputQuantityList, ILMD of the new lot (lot number, best before, expiry)
 * - pallet build → AggregationEvent ADD, bizStep packing, parent the SSCC, childQuantityList the lot's class
 * - shipment     → ObjectEvent OBSERVE, bizStep shipping, disposition in_transit, source/destination owning party
 *                  and location, the document as bizTransaction, the pallets' SSCCs in epcList
 * Quantities are in each lot's unit with its UN/CEFACT code. Voided events are not in the data.
 */
import { createIdentifiers, bizTransactionType, uomOf, type Identifiers } from './identifiers.ts'
import type { ExportData, ExportLot, PalletRecord, ReceiptRecord, ShipmentRecord, TransformationRecord } from './types.ts'
import type { ReferenceDocument } from '../types.ts'

export const EPCIS_CONTEXT = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'

type Json = Record<string, unknown>

/** UTC offset (+HH:MM) in force in `timeZone` at `at`. */
export function offsetAt (at: Date, timeZone?: string): string {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(at).find(p => p.type === 'timeZoneName')?.value ?? 'GMT'
  const m = /GMT([+-])(\d{1,2})(?::?(\d{2}))?/.exec(name)
  return m ? `${m[1]}${m[2]!.padStart(2, '0')}:${m[3] ?? '00'}` : '+00:00'
}

/**
 * eventTime and eventTimeZoneOffset of a recorded date or date-time. A bare date (a receipt dated
 * the 20th) is taken as midnight at the plant, so it stays the plant's day in any reader's zone.
 */
export function eventTimeOf (at: string, timeZone?: string): { eventTime: string, eventTimeZoneOffset: string } {
  let instant = new Date(at)
  if (/^\d{4}-\d{2}-\d{2}$/.test(at)) {
    const utcMidnight = new Date(`${at}T00:00:00Z`)
    const [sign, hh, mm] = /([+-])(\d{2}):(\d{2})/.exec(offsetAt(utcMidnight, timeZone))!.slice(1)
    const minutes = (sign === '-' ? -1 : 1) * (Number(hh) * 60 + Number(mm))
    instant = new Date(utcMidnight.getTime() - minutes * 60_000)
  }
  return { eventTime: instant.toISOString(), eventTimeZoneOffset: offsetAt(instant, timeZone) }
}

const quantity = (ids: Identifiers, lot: ExportLot, q: number): Json => {
  const uom = uomOf(lot.unit)
  return { epcClass: ids.lotClass(lot), quantity: q, ...(uom ? { uom } : {}) }
}
const transactions = (ids: Identifiers, d: ReferenceDocument | null): Json => {
  if (!d) return {}
  const type = bizTransactionType(d.type)
  return { bizTransactionList: [{ ...(type ? { type } : {}), bizTransaction: ids.document(d.type, d.number) }] }
}

function receiving (ids: Identifiers, r: ReceiptRecord, tz?: string): Json {
  return {
    type: 'ObjectEvent', eventID: ids.event(r.eventId), ...eventTimeOf(r.occurredAt, tz),
    action: 'OBSERVE', bizStep: 'receiving', disposition: r.lot.qcStatus === 'rejected' ? 'non_conformant' : 'in_progress',
    quantityList: [quantity(ids, r.lot, r.quantity)],
    readPoint: { id: ids.place(r.dock) }, bizLocation: { id: ids.plantLocation() },
    ...transactions(ids, r.referenceDocument),
    ...(r.supplier ? { sourceList: [{ type: 'owning_party', source: ids.party(r.supplier) }, { type: 'location', source: ids.partnerLocation(r.supplier) }] } : {}),
    destinationList: [{ type: 'owning_party', destination: ids.plantParty() }, { type: 'location', destination: ids.plantLocation() }]
  }
}

function transformation (ids: Identifiers, t: TransformationRecord, tz?: string): Json {
  const ilmd: Json = { 'cbvmda:lotNumber': t.output.code }
  if (t.output.bestBefore) ilmd['cbvmda:bestBeforeDate'] = t.output.bestBefore
  if (t.output.expiryDate) ilmd['cbvmda:itemExpirationDate'] = t.output.expiryDate
  return {
    type: 'TransformationEvent', eventID: ids.event(t.eventId), ...eventTimeOf(t.occurredAt, tz),
    // A batch whose inputs were all voided has none: the schema then needs the transformationID given below.
    ...(t.inputs.length > 0 ? { inputQuantityList: t.inputs.map(i => quantity(ids, i.lot, i.quantity)) } : {}),
    outputQuantityList: [quantity(ids, t.output, t.quantity)],
    transformationID: ids.batch(t.batch),
    bizStep: 'creating_class_instance', disposition: 'active',
    readPoint: { id: ids.place(t.line) }, bizLocation: { id: ids.plantLocation() },
    ...transactions(ids, t.referenceDocument),
    ilmd
  }
}

function pallet (ids: Identifiers, p: PalletRecord, tz?: string): Json {
  return {
    type: 'AggregationEvent', eventID: ids.palletEvent(p.id), ...eventTimeOf(p.createdAt, tz),
    parentID: ids.sscc(p.sscc), childQuantityList: [quantity(ids, p.lot, p.count)],
    action: 'ADD', bizStep: 'packing', disposition: 'in_progress', bizLocation: { id: ids.plantLocation() }
  }
}

function shipping (ids: Identifiers, s: ShipmentRecord, tz?: string): Json {
  return {
    type: 'ObjectEvent', eventID: ids.event(s.eventId), ...eventTimeOf(s.occurredAt, tz),
    ...(s.pallets.length > 0 ? { epcList: s.pallets.map(ids.sscc) } : {}),
    quantityList: s.lines.map(l => quantity(ids, l.lot, l.quantity)),
    action: 'OBSERVE', bizStep: 'shipping', disposition: 'in_transit',
    readPoint: { id: ids.place(s.shipFrom) },
    ...transactions(ids, s.referenceDocument),
    sourceList: [{ type: 'owning_party', source: ids.plantParty() }, { type: 'location', source: ids.plantLocation() }],
    destinationList: [{ type: 'owning_party', destination: ids.party(s.customer) }, { type: 'location', destination: ids.partnerLocation(s.customer) }]
  }
}

/** The document, events in time order. `companyPrefix` defaults to the plant's (config `plant.gs1CompanyPrefix`). */
export function buildEpcisDocument (d: ExportData, { companyPrefix }: { companyPrefix?: string } = {}): Json {
  const ids = createIdentifiers({ plant: d.plant, companyPrefix })
  const tz = d.timeZone
  const events = [
    ...d.receipts.map(r => receiving(ids, r, tz)),
    ...d.transformations.map(t => transformation(ids, t, tz)),
    ...d.pallets.map(p => pallet(ids, p, tz)),
    ...d.shipments.map(s => shipping(ids, s, tz))
  ]
  // Stable sort: same-instant events keep the chain's order (receipt, batch, pallet, shipment).
  events.sort((a, b) => String(a.eventTime).localeCompare(String(b.eventTime)))
  return {
    // The CBV master-data prefix is spelled out for readers whose copy of the EPCIS context lacks it.
    '@context': [EPCIS_CONTEXT, { cbvmda: 'urn:epcglobal:cbv:mda:' }],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: d.generatedAt,
    epcisBody: { eventList: events }
  }
}

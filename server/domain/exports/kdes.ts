/**
 * FSMA 204 key data elements (21 CFR 1.1345 receiving, 1.1350 transformation, 1.1340 shipping) of
 * recorded events, as structured records. The FDA spreadsheet flattens these; the shipping KDE
 * packet sends them as they are. Dates are the plant's calendar days (YYYY-MM-DD).
 */
import { plantDate } from '../dates.ts'
import type { Partner, ReferenceDocument } from '../types.ts'
import type { ExportData, ExportLot, LocationDescription, PlantInfo, PlantPlace, ProductDescription } from './types.ts'

export const blank = (v: string | null | undefined): string | null => (v === null || v === undefined || v.trim() === '' ? null : v)

export const productDescription = (lot: ExportLot): ProductDescription => ({
  name: blank(lot.product.name), brand: blank(lot.product.brand), commodity: blank(lot.product.commodity),
  variety: blank(lot.product.variety), packSize: blank(lot.product.packSize), packStyle: blank(lot.product.packStyle)
})

export const plantLocation = (plant: PlantInfo | null): LocationDescription => ({
  businessName: blank(plant?.name), phone: blank(plant?.phone), street: blank(plant?.address), city: blank(plant?.city),
  state: blank(plant?.state), zip: blank(plant?.zip), country: blank(plant?.country)
})

export const partnerLocation = (p: Partner | null): LocationDescription => ({
  businessName: blank(p?.name), phone: blank(p?.phone), street: blank(p?.address), city: blank(p?.city),
  state: blank(p?.state), zip: blank(p?.zip), country: blank(p?.country)
})

/** "Name, street, city, state ZIP, country", or null when nothing is known. */
export function locationText (l: LocationDescription): string | null {
  const parts = [l.businessName, l.street, l.city, [l.state, l.zip].filter(Boolean).join(' '), l.country].filter(p => blank(p) !== null)
  return parts.length > 0 ? parts.join(', ') : null
}

/**
 * TLC source of a lot: for a lot we received, what was recorded (the supplier's GLN or address);
 * for a lot we made, the location of transformation (1.1320): the plant's GLN, else its address,
 * with the line. Null when the plant is not described, so the spreadsheet lists it as missing.
 */
export function tlcSourceOf (lot: ExportLot, plant: PlantInfo | null): string | null {
  if (lot.origin === 'received') return blank(lot.tlcSource)
  const where = plant?.gln ? `GLN ${plant.gln}` : locationText(plantLocation(plant))
  if (!where || !plant) return null
  return lot.tlcSource ? `${where} (line ${lot.tlcSource})` : where
}

/** The plant's calendar day of a recorded date or date-time: a date stays the day it names. */
export const dayOf = (at: string, timeZone?: string): string => /^\d{4}-\d{2}-\d{2}$/.test(at) ? at : plantDate(new Date(at), timeZone)

export interface LotKdes { tlc: string, product: ProductDescription, quantity: number, unit: string, lot: string }
const lotKdes = (lot: ExportLot, quantity: number): LotKdes => ({ tlc: lot.tlc, product: productDescription(lot), quantity, unit: lot.unit, lot: lot.code })

export interface ReceivingKdes extends LotKdes {
  immediatePreviousSource: LocationDescription
  locationReceived: LocationDescription
  dateReceived: string
  tlcSource: string | null
  referenceDocument: ReferenceDocument | null
  dock: PlantPlace
  eventId: number
}
export function receivingKdes (d: ExportData): ReceivingKdes[] {
  return d.receipts.map(r => ({
    ...lotKdes(r.lot, r.quantity),
    immediatePreviousSource: partnerLocation(r.supplier),
    locationReceived: plantLocation(d.plant),
    dateReceived: dayOf(r.occurredAt, d.timeZone),
    tlcSource: tlcSourceOf(r.lot, d.plant),
    referenceDocument: r.referenceDocument,
    dock: r.dock,
    eventId: r.eventId
  }))
}

/**
 * One per input lot of each transformation, the output repeated (as FDA's spreadsheet lays it out).
 * A batch whose inputs were all voided still made its lot: one row with `input` null, so the
 * spreadsheet lists the input KDEs as missing instead of dropping the new lot.
 */
export interface TransformationKdes {
  input: LotKdes | null
  output: LotKdes
  locationOfTransformation: LocationDescription
  dateCompleted: string
  tlcSource: string | null
  referenceDocument: ReferenceDocument | null
  batch: string
  line: PlantPlace
  eventId: number
}
export function transformationKdes (d: ExportData): TransformationKdes[] {
  return d.transformations.flatMap(t => (t.inputs.length > 0 ? t.inputs : [null]).map(i => ({
    input: i && lotKdes(i.lot, i.quantity),
    output: lotKdes(t.output, t.quantity),
    locationOfTransformation: plantLocation(d.plant),
    dateCompleted: dayOf(t.occurredAt, d.timeZone),
    tlcSource: tlcSourceOf(t.output, d.plant),
    referenceDocument: t.referenceDocument,
    batch: t.batch,
    line: t.line,
    eventId: t.eventId
  })))
}

/** Shipping KDEs 1-7 of 1.1340(a) per line, and the reference document: what goes to the recipient. */
export interface ShippingKdes extends LotKdes {
  immediateSubsequentRecipient: LocationDescription
  shipFrom: LocationDescription
  shipDate: string
  tlcSource: string | null
  referenceDocument: ReferenceDocument | null
  customer: string
  shipmentId: number
  eventId: number
}
export function shippingKdes (d: ExportData): ShippingKdes[] {
  return d.shipments.flatMap(s => s.lines.map(l => ({
    ...lotKdes(l.lot, l.quantity),
    immediateSubsequentRecipient: partnerLocation(s.customer),
    shipFrom: plantLocation(d.plant),
    shipDate: dayOf(s.occurredAt, d.timeZone),
    tlcSource: tlcSourceOf(l.lot, d.plant),
    referenceDocument: s.referenceDocument,
    customer: s.customer.code,
    shipmentId: s.shipmentId,
    eventId: s.eventId
  })))
}

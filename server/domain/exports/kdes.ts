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

/**
 * What the rows of one export repeat, each built once: the plant's location, and the product
 * description and TLC source of a lot, the location of a partner and the plant's day of a
 * date-time the first time a row asks (a 30-day range at bench scale 1 has ~25,000 rows of a few
 * thousand lots and a few hundred partners). Rows share these objects: nothing may change them.
 * Rows are written out as literals: spreading a lot's KDEs into each row cost ~7 µs a row.
 */
function describe (d: ExportData) {
  const plant = plantLocation(d.plant)
  const lots = new Map<ExportLot, { product: ProductDescription, tlcSource: string | null }>()
  const partners = new Map<Partner | null, LocationDescription>()
  const days = new Map<string, string>()
  const lotOf = (lot: ExportLot) => {
    let v = lots.get(lot)
    if (!v) lots.set(lot, v = { product: productDescription(lot), tlcSource: tlcSourceOf(lot, d.plant) })
    return v
  }
  return {
    plant,
    lot: (lot: ExportLot, quantity: number): LotKdes => ({ tlc: lot.tlc, product: lotOf(lot).product, quantity, unit: lot.unit, lot: lot.code }),
    product: (lot: ExportLot) => lotOf(lot).product,
    tlcSource: (lot: ExportLot) => lotOf(lot).tlcSource,
    partner (p: Partner | null): LocationDescription {
      let v = partners.get(p)
      if (!v) partners.set(p, v = partnerLocation(p))
      return v
    },
    day (at: string): string {
      let v = days.get(at)
      if (v === undefined) days.set(at, v = dayOf(at, d.timeZone))
      return v
    }
  }
}

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
  const x = describe(d)
  return d.receipts.map(r => ({
    tlc: r.lot.tlc, product: x.product(r.lot), quantity: r.quantity, unit: r.lot.unit, lot: r.lot.code,
    immediatePreviousSource: x.partner(r.supplier),
    locationReceived: x.plant,
    dateReceived: x.day(r.occurredAt),
    tlcSource: x.tlcSource(r.lot),
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
  const x = describe(d)
  return d.transformations.flatMap(t => (t.inputs.length > 0 ? t.inputs : [null]).map(i => ({
    input: i && x.lot(i.lot, i.quantity),
    output: x.lot(t.output, t.quantity),
    locationOfTransformation: x.plant,
    dateCompleted: x.day(t.occurredAt),
    tlcSource: x.tlcSource(t.output),
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
  const x = describe(d)
  return d.shipments.flatMap(s => s.lines.map(l => ({
    tlc: l.lot.tlc, product: x.product(l.lot), quantity: l.quantity, unit: l.lot.unit, lot: l.lot.code,
    immediateSubsequentRecipient: x.partner(s.customer),
    shipFrom: x.plant,
    shipDate: x.day(s.occurredAt),
    tlcSource: x.tlcSource(l.lot),
    referenceDocument: s.referenceDocument,
    customer: s.customer.code,
    shipmentId: s.shipmentId,
    eventId: s.eventId
  })))
}

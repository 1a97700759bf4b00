/**
 * The shipping KDE packet: FSMA 204 (21 CFR 1.1340(b)) has the shipper send the recipient KDEs 1-7
 * of each traceability lot shipped: TLC, quantity and unit, product description, immediate
 * subsequent recipient, ship-from location, ship date, TLC source location or reference. The
 * reference document (BOL, ASN...) comes with them so the recipient can match the delivery.
 */
import { toCsv } from './csv.ts'
import { missingKdes, SHIPPING_COLUMNS, shippingRows } from './fda.ts'
import { partnerLocation, plantLocation, shippingKdes } from './kdes.ts'
import type { ExportData, LocationDescription, ProductDescription } from './types.ts'
import type { ReferenceDocument } from '../types.ts'

export interface KdePacketLine {
  traceabilityLotCode: string
  quantity: number
  unitOfMeasure: string
  productDescription: ProductDescription
  immediateSubsequentRecipient: LocationDescription
  shipFromLocation: LocationDescription
  shipDate: string
  tlcSource: string | null
  referenceDocument: ReferenceDocument | null
  /** Our lot number, for questions back to us. */
  lot: string
}

export interface KdePacket {
  shipment: { id: number, eventId: number, shipDate: string, customer: { code: string, name: string }, referenceDocument: ReferenceDocument | null, pallets: string[] }
  shipper: LocationDescription
  recipient: LocationDescription
  lines: KdePacketLine[]
  /** Required KDEs we have not recorded (line is 1-based). */
  missing: Array<{ line: number, traceabilityLotCode: string | null, field: string }>
}

/** `d` is the data of exactly one shipment (collector.fromShipment). */
export function buildKdePacket (d: ExportData): KdePacket {
  const s = d.shipments[0]!
  const lines = shippingKdes(d).map(k => ({
    traceabilityLotCode: k.tlc, quantity: k.quantity, unitOfMeasure: k.unit, productDescription: k.product,
    immediateSubsequentRecipient: k.immediateSubsequentRecipient, shipFromLocation: k.shipFrom, shipDate: k.shipDate,
    tlcSource: k.tlcSource, referenceDocument: k.referenceDocument, lot: k.lot
  }))
  const missing = missingKdes([{ name: 'Shipping', columns: SHIPPING_COLUMNS, rows: shippingRows(d) }])
  return {
    shipment: {
      id: s.shipmentId, eventId: s.eventId, shipDate: lines[0]?.shipDate ?? s.occurredAt.slice(0, 10),
      customer: { code: s.customer.code, name: s.customer.name }, referenceDocument: s.referenceDocument, pallets: s.pallets
    },
    shipper: plantLocation(d.plant),
    recipient: partnerLocation(s.customer),
    lines,
    missing: missing.map(m => ({ line: m.row - 1, traceabilityLotCode: m.tlc, field: m.field }))
  }
}

/** The same lines as CSV, with the FDA spreadsheet's Shipping columns. */
export function kdePacketCsv (d: ExportData): string {
  return toCsv(SHIPPING_COLUMNS.map(c => c.header), shippingRows(d).map(r => SHIPPING_COLUMNS.map(c => r[c.key] ?? null)))
}

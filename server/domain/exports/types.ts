/** What the exports are built from: recorded events, resolved to the descriptions FSMA 204 asks for. */
import type { Partner, ReferenceDocument } from '../types.ts'

/** The plant as lotline.config.json describes it (config `plant`): the location of receiving and transformation. */
export interface PlantInfo {
  name: string
  gln?: string
  gs1CompanyPrefix?: string
  timeZone?: string
  phone?: string
  address?: string
  city?: string
  state?: string
  zip?: string
  country?: string
}

/** FSMA 204 "product description", split as FDA's sortable spreadsheet does. */
export interface ProductDescription {
  name: string | null
  brand: string | null
  commodity: string | null
  variety: string | null
  packSize: string | null
  packStyle: string | null
}

/** FSMA 204 "location description": business name, phone, street address, city, state, ZIP, country. */
export interface LocationDescription {
  businessName: string | null
  phone: string | null
  street: string | null
  city: string | null
  state: string | null
  zip: string | null
  country: string | null
}

export interface ExportLot {
  id: number
  /** Our lot number. */
  code: string
  /** The traceability lot code: the supplier's for a lot we received, ours for a lot we made. */
  tlc: string
  tlcSource: string | null
  unit: string
  origin: 'received' | 'produced'
  product: ProductDescription & { code: string, gtin: string | null }
  bestBefore: string | null
  expiryDate: string | null
  qcStatus: string | null
}

/** A place of the plant (dock, line): its address is the plant's. */
export interface PlantPlace { code: string, name: string, gln: string | null }

export interface ReceiptRecord {
  eventId: number
  occurredAt: string
  lot: ExportLot
  /** In the lot's unit. */
  quantity: number
  supplier: Partner | null
  dock: PlantPlace
  referenceDocument: ReferenceDocument | null
}

export interface TransformationRecord {
  eventId: number
  occurredAt: string
  batch: string
  line: PlantPlace
  output: ExportLot
  quantity: number
  referenceDocument: ReferenceDocument | null
  /** One per input lot, in that lot's unit. */
  inputs: Array<{ lot: ExportLot, quantity: number }>
}

export interface ShipmentRecord {
  shipmentId: number
  eventId: number
  occurredAt: string
  customer: Partner
  shipFrom: PlantPlace
  referenceDocument: ReferenceDocument | null
  /** One per lot shipped (only the traced lots in a trace export), in the lot's unit. */
  lines: Array<{ lot: ExportLot, quantity: number }>
  /** SSCCs of the pallets on the truck. */
  pallets: string[]
}

export interface PalletRecord { id: number, sscc: string, lot: ExportLot, count: number, createdAt: string, station: string | null }

/** Every live (not voided) event in scope, oldest first within each kind. */
export interface ExportData {
  /** "lot 26329-L1-0001 (both directions)" or "2026-11-01 to 2026-11-30": for file names and summaries. */
  scope: string
  generatedAt: string
  plant: PlantInfo | null
  timeZone?: string
  receipts: ReceiptRecord[]
  transformations: TransformationRecord[]
  shipments: ShipmentRecord[]
  pallets: PalletRecord[]
}

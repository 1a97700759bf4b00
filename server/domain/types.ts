/** Plain records as the domain and the API see them. Field names are those an ERP integrator expects. */

export interface Product {
  id: number
  code: string
  name: string
  gtin: string | null
  unit: string
  shelfLifeDays: number | null
  ftl: boolean
  brand: string | null
  commodity: string | null
  variety: string | null
  packSize: string | null
  packStyle: string | null
  netWeightKg: number | null
}

export type PartnerRole = 'supplier' | 'customer' | 'both'

/** FSMA 204's location description: business name, phone, address, city, state, ZIP, country. */
export interface Partner {
  id: number
  code: string
  role: PartnerRole
  name: string
  contact: string | null
  email: string | null
  phone: string | null
  address: string | null
  city: string | null
  state: string | null
  zip: string | null
  country: string | null
  gln: string | null
}

export type LocationKind = 'dock' | 'line' | 'warehouse' | 'other'

export interface Location {
  id: number
  code: string
  kind: LocationKind
  name: string
  gln: string | null
}

export interface ReferenceDocument { type: string, number: string }

export interface MassBalance {
  unit: string
  received: number
  produced: number
  consumed: number
  shipped: number
  adjusted: number
  onHand: number
}

export interface Lot {
  id: number
  code: string
  product: { code: string, name: string, gtin: string | null }
  unit: string
  origin: 'received' | 'produced'
  supplier: { code: string, name: string } | null
  supplierLotCode: string | null
  tlcSource: string | null
  batch: string | null
  productionDate: string | null
  bestBefore: string | null
  expiryDate: string | null
  qc: { status: 'accepted' | 'rejected', temperatureC: number | null, note: string | null } | null
  createdAt: string
  /** Date received or date the batch was completed (KDE date). */
  date: string
  location: string | null
  referenceDocument: ReferenceDocument | null
  voided: boolean
}

export type EventKind = 'receiving' | 'batch_open' | 'batch_input' | 'batch_close' | 'shipping' | 'adjustment' | 'void'

export interface EventRecord {
  id: number
  kind: EventKind
  occurredAt: string
  recordedAt: string
  user: string
  station: string | null
  location: string | null
  partner: string | null
  referenceDocument: ReferenceDocument | null
  batch: string | null
  shipmentId: number | null
  correctsEventId: number | null
  reason: string | null
  note: string | null
  voidedBy: number | null
  /** This event's quantity change on the lot being looked at, in the lot's unit (signed). */
  quantity?: number
}

/** Who did it and where: recorded on every event. */
export interface Actor { user?: string, station?: string }

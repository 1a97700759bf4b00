/**
 * FDA's electronic sortable spreadsheet (FSMA 204, 21 CFR 1.1455(c)(3)(ii)) as plain data: one sheet
 * per event type, one row per lot per event (per input lot for a transformation, the output columns
 * repeated), composite KDEs split into columns as FDA's illustrative template does. Every required
 * KDE left blank is listed in `missing`, so a gap is reported instead of silently empty.
 * Voided events are not here at all: a void records that the event did not happen.
 */
import { dayOf, receivingKdes, shippingKdes, transformationKdes, type LotKdes } from './kdes.ts'
import type { ExportData, LocationDescription, ProductDescription } from './types.ts'

export type CellValue = string | number | null
export interface FdaColumn {
  key: string
  header: string
  kind: 'text' | 'number' | 'date'
  /** A KDE FSMA 204 requires: blank cells are listed as missing. */
  required: boolean
}
export interface FdaSheet { name: 'Receiving' | 'Transformation' | 'Shipping', columns: FdaColumn[], rows: Array<Record<string, CellValue>> }
export interface MissingKde {
  sheet: FdaSheet['name']
  /** The spreadsheet row (1 is the header). */
  row: number
  tlc: string | null
  lot: string | null
  field: string
}

const col = (key: string, header: string, required = true, kind: FdaColumn['kind'] = 'text'): FdaColumn => ({ key, header, kind, required })

// 1.1310: product description = product name (with brand, commodity and variety where they apply), packaging size and style.
const productCols = (p: string, label: string): FdaColumn[] => [
  col(`${p}Name`, `${label}Product name`), col(`${p}Brand`, `${label}Brand`, false), col(`${p}Commodity`, `${label}Commodity`, false),
  col(`${p}Variety`, `${label}Variety`, false), col(`${p}PackSize`, `${label}Packaging size`), col(`${p}PackStyle`, `${label}Packaging style`)
]
// 1.1310: location description = business name, phone number, physical address (street, city, state, ZIP; country).
const locationCols = (p: string, label: string): FdaColumn[] => [
  col(`${p}Name`, `${label}: business name`), col(`${p}Phone`, `${label}: phone`), col(`${p}Street`, `${label}: street address`),
  col(`${p}City`, `${label}: city`), col(`${p}State`, `${label}: state`), col(`${p}Zip`, `${label}: ZIP code`), col(`${p}Country`, `${label}: country`)
]
const lotCols = (p: string, tlcHeader: string, label: string, qtyHeader: string): FdaColumn[] => [
  col(`${p}Tlc`, tlcHeader), ...productCols(p, label), col(`${p}Quantity`, qtyHeader, true, 'number'), col(`${p}Unit`, `${label}Unit of measure`)
]
const docCols = [col('docType', 'Reference document type'), col('docNumber', 'Reference document number')]
const TLC_SOURCE = 'TLC source location or TLC source reference'

// Rows are built by assignment, with each prefixed key made once: spreading small objects with
// computed keys cost tens of µs a row, which a 200k-row export multiplies into seconds.
type Row = Record<string, CellValue>
const NO_PRODUCT: ProductDescription = { name: null, brand: null, commodity: null, variety: null, packSize: null, packStyle: null }
function lotCells (p: string) {
  const [tlc, name, brand, commodity, variety, packSize, packStyle, quantity, unit] =
    ['Tlc', 'Name', 'Brand', 'Commodity', 'Variety', 'PackSize', 'PackStyle', 'Quantity', 'Unit'].map(f => p + f) as [string, string, string, string, string, string, string, string, string]
  return (r: Row, k: LotKdes | null) => {
    const d = k?.product ?? NO_PRODUCT
    r[tlc] = k?.tlc ?? null
    r[name] = d.name; r[brand] = d.brand; r[commodity] = d.commodity; r[variety] = d.variety; r[packSize] = d.packSize; r[packStyle] = d.packStyle
    r[quantity] = k?.quantity ?? null
    r[unit] = k?.unit ?? null
  }
}
function locationCells (p: string) {
  const [name, phone, street, city, state, zip, country] =
    ['Name', 'Phone', 'Street', 'City', 'State', 'Zip', 'Country'].map(f => p + f) as [string, string, string, string, string, string, string]
  return (r: Row, l: LocationDescription) => {
    r[name] = l.businessName; r[phone] = l.phone; r[street] = l.street; r[city] = l.city; r[state] = l.state; r[zip] = l.zip; r[country] = l.country
  }
}
const docCells = (r: Row, d: { type: string, number: string } | null) => { r.docType = d?.type ?? null; r.docNumber = d?.number ?? null }
const cells = {
  lot: lotCells(''), input: lotCells('in'), output: lotCells('out'),
  prev: locationCells('prev'), recv: locationCells('recv'), loc: locationCells('loc'), to: locationCells('to'), from: locationCells('from')
}

function receiving (d: ExportData): FdaSheet {
  return {
    name: 'Receiving',
    columns: [
      ...lotCols('', 'Traceability lot code (TLC)', '', 'Quantity received'),
      ...locationCols('prev', 'Immediate previous source'), ...locationCols('recv', 'Location where received'),
      col('date', 'Date received', true, 'date'), col('tlcSource', TLC_SOURCE), ...docCols,
      col('lot', 'Our lot number', false), col('dock', 'Receiving dock', false), col('event', 'Lotline event', false, 'number')
    ],
    rows: receivingKdes(d).map(k => {
      const r: Row = {}
      cells.lot(r, k); cells.prev(r, k.immediatePreviousSource); cells.recv(r, k.locationReceived)
      r.date = k.dateReceived; r.tlcSource = k.tlcSource; docCells(r, k.referenceDocument); r.lot = k.lot; r.dock = k.dock.code; r.event = k.eventId
      return r
    })
  }
}

function transformation (d: ExportData): FdaSheet {
  return {
    name: 'Transformation',
    columns: [
      ...lotCols('in', 'Input TLC', 'Input: ', 'Input: Quantity used'), col('inLot', 'Input: Our lot number', false),
      ...lotCols('out', 'New TLC', 'Output: ', 'Output: Quantity produced'), col('outLot', 'Output: Our lot number', false),
      ...locationCols('loc', 'Location of transformation'),
      col('date', 'Date transformation completed', true, 'date'), col('tlcSource', TLC_SOURCE), ...docCols,
      col('batch', 'Batch', false), col('line', 'Line', false), col('event', 'Lotline event', false, 'number')
    ],
    rows: transformationKdes(d).map(k => {
      const r: Row = {}
      cells.input(r, k.input); r.inLot = k.input?.lot ?? null; cells.output(r, k.output); r.outLot = k.output.lot
      cells.loc(r, k.locationOfTransformation); r.date = k.dateCompleted; r.tlcSource = k.tlcSource; docCells(r, k.referenceDocument)
      r.batch = k.batch; r.line = k.line.code; r.event = k.eventId
      return r
    })
  }
}

function shipping (d: ExportData): FdaSheet {
  return { name: 'Shipping', columns: SHIPPING_COLUMNS, rows: shippingRows(d) }
}
/** Also the columns of the shipping KDE packet's CSV: the recipient gets what FDA would. */
export const SHIPPING_COLUMNS: FdaColumn[] = [
  ...lotCols('', 'Traceability lot code (TLC)', '', 'Quantity shipped'),
  ...locationCols('to', 'Immediate subsequent recipient'), ...locationCols('from', 'Ship-from location'),
  col('date', 'Ship date', true, 'date'), col('tlcSource', TLC_SOURCE), ...docCols,
  col('lot', 'Our lot number', false), col('customer', 'Customer code', false), col('shipment', 'Shipment', false, 'number'), col('event', 'Lotline event', false, 'number')
]
export function shippingRows (d: ExportData): Array<Record<string, CellValue>> {
  return shippingKdes(d).map(k => {
    const r: Row = {}
    cells.lot(r, k); cells.to(r, k.immediateSubsequentRecipient); cells.from(r, k.shipFrom)
    r.date = k.shipDate; r.tlcSource = k.tlcSource; docCells(r, k.referenceDocument); r.lot = k.lot; r.customer = k.customer; r.shipment = k.shipmentId; r.event = k.eventId
    return r
  })
}

/** Required KDEs left blank, sheet by sheet, row by row, in column order. */
export function missingKdes (sheets: FdaSheet[]): MissingKde[] {
  const out: MissingKde[] = []
  for (const s of sheets) {
    s.rows.forEach((r, i) => {
      for (const c of s.columns) {
        const v = r[c.key]
        if (!c.required || (v !== null && v !== undefined && String(v).trim() !== '')) continue
        // On the Transformation sheet an input's own KDEs name the input lot; the rest belong to the new lot.
        const p = s.name !== 'Transformation' ? '' : c.key.startsWith('in') ? 'in' : 'out'
        const lot = r[p === '' ? 'lot' : `${p}Lot`]
        out.push({ sheet: s.name, row: i + 2, tlc: (r[`${p}Tlc`] as string | null) ?? null, lot: typeof lot === 'string' ? lot : null, field: c.header })
      }
    })
  }
  return out
}

/**
 * The same data with each event's date-time replaced by the plant's calendar day, which is all the
 * sheets show. Done once per distinct date-time, not once per row (a batch's inputs and a
 * shipment's lines share their event's): before plantDate cached its formatter, the conversion
 * was most of the time spent building a 100k-row workbook.
 */
function onPlantDays (d: ExportData): ExportData {
  const days = new Map<string, string>()
  const day = (at: string) => {
    let v = days.get(at)
    if (v === undefined) days.set(at, v = dayOf(at, d.timeZone))
    return v
  }
  return {
    ...d,
    receipts: d.receipts.map(r => ({ ...r, occurredAt: day(r.occurredAt) })),
    transformations: d.transformations.map(t => ({ ...t, occurredAt: day(t.occurredAt) })),
    shipments: d.shipments.map(s => ({ ...s, occurredAt: day(s.occurredAt) }))
  }
}

export function buildFdaSheets (data: ExportData): { sheets: FdaSheet[], missing: MissingKde[] } {
  const d = onPlantDays(data)
  const sheets = [receiving(d), transformation(d), shipping(d)]
  return { sheets, missing: missingKdes(sheets) }
}

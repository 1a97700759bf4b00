/**
 * FDA's electronic sortable spreadsheet (FSMA 204, 21 CFR 1.1455(c)(3)(ii)) as plain data: one sheet
 * per event type, one row per lot per event (per input lot for a transformation, the output columns
 * repeated), composite KDEs split into columns as FDA's illustrative template does. Every required
 * KDE left blank is listed in `missing`, so a gap is reported instead of silently empty.
 * Voided events are not here at all: a void records that the event did not happen.
 */
import { receivingKdes, shippingKdes, transformationKdes, type LotKdes } from './kdes.ts'
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
const productCells = (p: string, d: ProductDescription) => ({
  [`${p}Name`]: d.name, [`${p}Brand`]: d.brand, [`${p}Commodity`]: d.commodity, [`${p}Variety`]: d.variety, [`${p}PackSize`]: d.packSize, [`${p}PackStyle`]: d.packStyle
})
// 1.1310: location description = business name, phone number, physical address (street, city, state, ZIP; country).
const locationCols = (p: string, label: string): FdaColumn[] => [
  col(`${p}Name`, `${label}: business name`), col(`${p}Phone`, `${label}: phone`), col(`${p}Street`, `${label}: street address`),
  col(`${p}City`, `${label}: city`), col(`${p}State`, `${label}: state`), col(`${p}Zip`, `${label}: ZIP code`), col(`${p}Country`, `${label}: country`)
]
const locationCells = (p: string, l: LocationDescription) => ({
  [`${p}Name`]: l.businessName, [`${p}Phone`]: l.phone, [`${p}Street`]: l.street, [`${p}City`]: l.city, [`${p}State`]: l.state, [`${p}Zip`]: l.zip, [`${p}Country`]: l.country
})
const lotCols = (p: string, tlcHeader: string, label: string, qtyHeader: string): FdaColumn[] => [
  col(`${p}Tlc`, tlcHeader), ...productCols(p, label), col(`${p}Quantity`, qtyHeader, true, 'number'), col(`${p}Unit`, `${label}Unit of measure`)
]
const NO_PRODUCT: ProductDescription = { name: null, brand: null, commodity: null, variety: null, packSize: null, packStyle: null }
const lotCells = (p: string, k: LotKdes | null) => ({
  [`${p}Tlc`]: k?.tlc ?? null, ...productCells(p, k?.product ?? NO_PRODUCT), [`${p}Quantity`]: k?.quantity ?? null, [`${p}Unit`]: k?.unit ?? null
})
const docCols = [col('docType', 'Reference document type'), col('docNumber', 'Reference document number')]
const docCells = (d: { type: string, number: string } | null) => ({ docType: d?.type ?? null, docNumber: d?.number ?? null })
const TLC_SOURCE = 'TLC source location or TLC source reference'

function receiving (d: ExportData): FdaSheet {
  return {
    name: 'Receiving',
    columns: [
      ...lotCols('', 'Traceability lot code (TLC)', '', 'Quantity received'),
      ...locationCols('prev', 'Immediate previous source'), ...locationCols('recv', 'Location where received'),
      col('date', 'Date received', true, 'date'), col('tlcSource', TLC_SOURCE), ...docCols,
      col('lot', 'Our lot number', false), col('dock', 'Receiving dock', false), col('event', 'Lotline event', false, 'number')
    ],
    rows: receivingKdes(d).map(k => ({
      ...lotCells('', k), ...locationCells('prev', k.immediatePreviousSource), ...locationCells('recv', k.locationReceived),
      date: k.dateReceived, tlcSource: k.tlcSource, ...docCells(k.referenceDocument), lot: k.lot, dock: k.dock.code, event: k.eventId
    }))
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
    rows: transformationKdes(d).map(k => ({
      ...lotCells('in', k.input), inLot: k.input?.lot ?? null, ...lotCells('out', k.output), outLot: k.output.lot,
      ...locationCells('loc', k.locationOfTransformation), date: k.dateCompleted, tlcSource: k.tlcSource, ...docCells(k.referenceDocument),
      batch: k.batch, line: k.line.code, event: k.eventId
    }))
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
  return shippingKdes(d).map(k => ({
    ...lotCells('', k), ...locationCells('to', k.immediateSubsequentRecipient), ...locationCells('from', k.shipFrom),
    date: k.shipDate, tlcSource: k.tlcSource, ...docCells(k.referenceDocument), lot: k.lot, customer: k.customer, shipment: k.shipmentId, event: k.eventId
  }))
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

export function buildFdaSheets (d: ExportData): { sheets: FdaSheet[], missing: MissingKde[] } {
  const sheets = [receiving(d), transformation(d), shipping(d)]
  return { sheets, missing: missingKdes(sheets) }
}

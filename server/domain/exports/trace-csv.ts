import type { Trace } from '../lineage.ts'
import { toCsv, type CsvValue } from './csv.ts'

/** One header for every kind of record, so the file sorts and filters as one table. */
export const TRACE_CSV_HEADER = [
  'Record', 'Date', 'Lot', 'Product code', 'Product', 'Quantity', 'Unit', 'Input lot', 'Output lot', 'Batch', 'Line',
  'Partner code', 'Partner name', 'Supplier lot code (TLC)', 'TLC source', 'Shipment', 'Ship from',
  'Reference document type', 'Reference document number'
] as const

type Field = typeof TRACE_CSV_HEADER[number]

/**
 * A trace as rows: each supplier lot it reaches back to, each input edge (a lot consumed by a batch,
 * with the quantity taken, in the input lot's unit), each input still in an open batch, and each
 * shipment line it reaches forward to. Quantities are plain numbers; dates as recorded.
 */
export function traceCsvRows (trace: Trace): CsvValue[][] {
  const lot = new Map(trace.lots.map(l => [l.code, l]))
  const product = (code: string) => ({ 'Product code': lot.get(code)?.product.code, Product: lot.get(code)?.product.name })
  const doc = (d: { type: string, number: string } | null) => ({ 'Reference document type': d?.type, 'Reference document number': d?.number })
  const records: Array<Partial<Record<Field, CsvValue>>> = []
  for (const s of trace.suppliers) {
    for (const l of s.lots) {
      records.push({
        Record: 'supplier lot', Date: l.receivedAt, Lot: l.lot, ...product(l.lot), Quantity: l.quantity, Unit: l.unit,
        'Partner code': s.supplier.code, 'Partner name': s.supplier.name, 'Supplier lot code (TLC)': l.supplierLotCode, 'TLC source': l.tlcSource, ...doc(l.referenceDocument)
      })
    }
  }
  const edges = [...trace.edges].sort((a, b) => a.date.localeCompare(b.date) || a.batch.localeCompare(b.batch) || a.from.localeCompare(b.from))
  for (const e of edges) {
    records.push({ Record: 'input', Date: e.date, Lot: e.from, ...product(e.from), Quantity: e.quantity, Unit: e.unit, 'Input lot': e.from, 'Output lot': e.to, Batch: e.batch })
  }
  for (const u of trace.openBatches) {
    records.push({ Record: 'open batch input', Date: u.date, Lot: u.lot, ...product(u.lot), Quantity: u.quantity, Unit: u.unit, 'Input lot': u.lot, Batch: u.batch, Line: u.line })
  }
  const customerName = new Map(trace.customers.map(c => [c.customer.code, c.customer.name]))
  for (const s of trace.shipments) {
    for (const l of s.lines) {
      records.push({
        Record: 'shipment', Date: s.shipDate, Lot: l.lot, ...product(l.lot), Quantity: l.quantity, Unit: l.unit,
        'Partner code': s.customer, 'Partner name': customerName.get(s.customer), Shipment: s.shipmentId, 'Ship from': s.shipFrom, ...doc(s.referenceDocument)
      })
    }
  }
  return records.map(r => TRACE_CSV_HEADER.map(h => r[h] ?? null))
}

export function traceCsv (trace: Trace): string {
  return toCsv([...TRACE_CSV_HEADER], traceCsvRows(trace))
}

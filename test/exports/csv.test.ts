import { describe, expect, test } from 'vitest'
import { csvField, neutralise, toCsv } from '../../server/domain/exports/csv.ts'
import { TRACE_CSV_HEADER } from '../../server/domain/exports/trace-csv.ts'
import { buildTestApp, get } from '../helpers/app.ts'
import { cookiePlant, csvRecords, download, INJECTION, parseCsv } from './helpers.ts'

describe('CSV writing', () => {
  test('quotes commas, quotes and line breaks as RFC 4180 says, and the text parses back unchanged', () => {
    const awkward = ['plain', 'a, b', 'say "hi"', 'two\r\nlines', '', 'Café Müller']
    const text = toCsv(['h1', 'h2', 'h3', 'h4', 'h5', 'h6'], [awkward, [1.5, null, undefined, 0, 'x', 'y']])
    expect(text.startsWith('\uFEFF')).toBe(true)        // Excel needs the BOM to read UTF-8
    expect(text.endsWith('\r\n')).toBe(true)
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(parseCsv(text)).toEqual([['h1', 'h2', 'h3', 'h4', 'h5', 'h6'], awkward, ['1.5', '', '', '0', 'x', 'y']])
  })

  test('text a spreadsheet would run as a formula gets a leading apostrophe; numbers do not', () => {
    for (const t of ['=1+1', '+SUM(A1)', '-2+3', '@cmd', '\tx']) expect(neutralise(t)).toBe(`'${t}`)
    expect(neutralise('PM-2611-A')).toBe('PM-2611-A')
    expect(csvField(-5)).toBe('-5')
  })
})

describe('CSV of a trace', () => {
  test('parses back to exactly the trace: supplier lots, input edges and shipment lines with quantities, units, dates and documents', async () => {
    const p = await cookiePlant()
    const { body: trace } = await get(p.app, `/api/v1/trace/${p.cookiesA}?direction=both`)
    const res = await download(p.app, `/api/v1/trace/${p.cookiesA}/export.csv?direction=both`)
    expect(res.headers['content-type']).toContain('text/csv')
    expect(res.headers['content-disposition']).toBe(`attachment; filename="trace-${p.cookiesA}-both.csv"`)
    expect(parseCsv(res.body)[0]).toEqual([...TRACE_CSV_HEADER])
    const rows = csvRecords(res.body)
    const of = (kind: string) => rows.filter(r => r.Record === kind)

    type Edge = { from: string, to: string, batch: string, quantity: number, unit: string, date: string }
    expect(of('input').map(r => [r['Input lot'], r['Output lot'], r.Batch, Number(r.Quantity), r.Unit, r.Date]).sort())
      .toEqual(trace.edges.map((e: Edge) => [e.from, e.to, e.batch, e.quantity, e.unit, e.date]).sort())

    type Ship = { customer: string, shipmentId: number, shipDate: string, referenceDocument: { type: string, number: string }, lines: Array<{ lot: string, quantity: number, unit: string }> }
    expect(of('shipment').map(r => [r.Lot, r['Partner code'], Number(r.Shipment), Number(r.Quantity), r.Unit, r.Date, r['Reference document type'], r['Reference document number']]).sort())
      .toEqual(trace.shipments.flatMap((s: Ship) => s.lines.map(l => [l.lot, s.customer, s.shipmentId, l.quantity, l.unit, s.shipDate, s.referenceDocument.type, s.referenceDocument.number])).sort())
    expect(of('shipment').map(r => r['Partner name']).sort()).toEqual(['CORNER Inc.', 'FRESHMART Inc.', 'HOTEL Inc.'])

    type SupplierLot = { lot: string, supplierLotCode: string, quantity: number, unit: string, receivedAt: string }
    const supplierLots = trace.suppliers.flatMap((s: { supplier: { code: string }, lots: SupplierLot[] }) => s.lots.map(l => [s.supplier.code, l.lot, l.supplierLotCode, l.quantity, l.unit, l.receivedAt]))
    const neutralised = (code: string) => code.startsWith('=') ? `'${code}` : code
    expect(of('supplier lot').map(r => [r['Partner code'], r.Lot, r['Supplier lot code (TLC)'], Number(r.Quantity), r.Unit, r.Date]).sort())
      .toEqual(supplierLots.map((l: unknown[]) => [l[0], l[1], neutralised(l[2] as string), ...l.slice(3)]).sort())
    expect(rows).toHaveLength(of('input').length + of('shipment').length + of('supplier lot').length)

    const flour = of('supplier lot').find(r => r.Lot === p.flour)!
    expect(flour).toMatchObject({ 'Partner name': 'Prairie Mills Inc.', 'Reference document type': 'PO', 'Reference document number': '4500', 'TLC source': 'Prairie Mills Inc., Salina, KS' })
  })

  test('a formula stored as a supplier lot code comes out as text, neutralised', async () => {
    const p = await cookiePlant()
    const res = await download(p.app, `/api/v1/trace/${p.film}/export.csv?direction=backward`)
    const film = csvRecords(res.body).find(r => r.Record === 'supplier lot')!
    expect(film['Supplier lot code (TLC)']).toBe(`'${INJECTION}`)
    expect(res.body).not.toMatch(/(^|,)=HYPERLINK/m)
  })

  test('an unknown lot is a 404 with the usual error body', async () => {
    const app = await buildTestApp()
    const res = await app.inject({ method: 'GET', url: '/api/v1/trace/NOPE-1/export.csv' })
    expect(res.statusCode).toBe(404)
    expect(res.json().error.code).toBe('NOT_FOUND')
  })
})

import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import AjvModule from 'ajv'
import formatsModule from 'ajv-formats'
import ExcelJS from 'exceljs'
import { expect } from 'vitest'
import { buildTestApp, post, receive, seedBakery } from '../helpers/app.ts'

/** The plant as lotline.config.json would describe it. */
export const PLANT = {
  name: 'Springfield Bakery', phone: '+1 217 555 0100', address: '100 Oven Street', city: 'Springfield', state: 'IL', zip: '62701', country: 'US',
  gs1CompanyPrefix: '0614141', timeZone: 'UTC'
}
/** A supplier lot code that a spreadsheet would run as a formula (a live link) if written as is. */
export const INJECTION = '=HYPERLINK("http://x.example","hi")'

export type App = Awaited<ReturnType<typeof buildTestApp>>

async function ok (app: App, url: string, body: unknown) {
  const r = await post(app, url, body)
  expect(r.status, `${url}: ${JSON.stringify(r.body)}`).toBe(201)
  return r.body
}

/**
 * The cookie bakery of the route tests, with what exports must get right: four receipts (one
 * supplier with its full address, two with gaps, one lot code that looks like a formula), a voided
 * receipt, batch A with three inputs, batch B fed over time with one input voided, batch C that
 * reworks cookies of A, a pallet, and shipments to four customers over four days.
 */
export async function cookiePlant (overrides: Parameters<typeof buildTestApp>[0] = { plant: PLANT, companyPrefix: PLANT.gs1CompanyPrefix }) {
  const app = await buildTestApp(overrides)
  await seedBakery(app)
  await ok(app, '/api/v1/partners', { code: 'SWEET', role: 'supplier', name: 'Gulf Sugar Co.', phone: '+1 225 555 0120', address: '1 Cane Road', city: 'Baton Rouge', state: 'LA', zip: '70801', country: 'US' })
  await ok(app, '/api/v1/products', { code: 'SUGAR', name: 'Cane sugar', unit: 'kg', brand: 'Gulf Gold', commodity: 'Sugar', packSize: '25 kg', packStyle: 'Bag' })

  const flour = await receive(app, 'FLOUR', 'MILL', 1000, { supplierLotCode: 'PM-2611-A', referenceDocument: { type: 'PO', number: '4500' } })
  const choc = await receive(app, 'CHOC', 'CHOCO', 400, { supplierLotCode: 'CW-77812', referenceDocument: { type: 'BOL', number: 'CW-BOL-9' } })
  const film = await receive(app, 'FILM', 'PACK', 20, { supplierLotCode: INJECTION })
  const sugar = await receive(app, 'SUGAR', 'SWEET', 500, { supplierLotCode: 'GS-5501', referenceDocument: { type: 'PO', number: '4501' } })
  const wrong = await post(app, '/api/v1/receipts', { product: 'FLOUR', supplier: 'MILL', supplierLotCode: 'PM-WRONG', quantity: 200, location: 'DOCK1', receivedAt: '2026-11-20' })
  await ok(app, `/api/v1/events/${wrong.body.eventId as number}/void`, { reason: 'keyed against the wrong PO' })

  const a = await ok(app, '/api/v1/batches', {
    product: 'CCC-12', line: 'L1', openedAt: '2026-11-21', referenceDocument: { type: 'batch log', number: 'BL-1' },
    inputs: [{ lot: flour, quantity: 60 }, { lot: choc, quantity: 18 }, { lot: film, quantity: 1 }], output: { quantity: 120, completedAt: '2026-11-21' }
  })
  const cookiesA = a.lot.code as string
  const opened = await ok(app, '/api/v1/batches', {
    product: 'CCC-12', line: 'L1', openedAt: '2026-11-21', referenceDocument: { type: 'work order', number: 'WO-7' },
    inputs: [{ lot: flour, quantity: 55 }, { lot: choc, quantity: 16 }, { lot: film, quantity: 1 }, { lot: sugar, quantity: 10 }]
  })
  const sugarInput = (opened.batch.inputs as Array<{ lotCode: string, eventId: number }>).find(i => i.lotCode === sugar)!
  await ok(app, `/api/v1/events/${sugarInput.eventId}/void`, { reason: 'sugar scanned into the wrong batch' })
  const b = await ok(app, `/api/v1/batches/${opened.batch.code as string}/close`, { quantity: 110, completedAt: '2026-11-21' })
  const cookiesB = b.lot.code as string
  const c = await ok(app, '/api/v1/batches', {
    product: 'CCC-12', line: 'L1', openedAt: '2026-11-23', referenceDocument: { type: 'batch log', number: 'BL-3' },
    inputs: [{ lot: cookiesA, quantity: 5 }, { lot: flour, quantity: 10 }], output: { quantity: 12, completedAt: '2026-11-23' }
  })
  const cookiesC = c.lot.code as string
  const { pallet } = await ok(app, '/api/v1/pallets', { lot: cookiesA, count: 10 })

  const ship = async (customer: string, shippedAt: string, referenceDocument: object, lines: Array<{ lot: string, quantity: number }>, pallets?: string[]) =>
    (await ok(app, '/api/v1/shipments', { customer, shipFrom: 'DOCK2', shippedAt, referenceDocument, lines, ...(pallets ? { pallets } : {}) })).shipment.id as number
  const shipments = {
    freshmart: await ship('FRESHMART', '2026-11-22', { type: 'BOL', number: '88001' }, [{ lot: cookiesA, quantity: 40 }], [pallet.sscc as string]),
    corner: await ship('CORNER', '2026-11-22', { type: 'BOL', number: '88002' }, [{ lot: cookiesA, quantity: 30 }, { lot: cookiesB, quantity: 20 }]),
    campus: await ship('CAMPUS', '2026-11-24', { type: 'BOL', number: '88003' }, [{ lot: cookiesB, quantity: 50 }]),
    hotel: await ship('HOTEL', '2026-11-25', { type: 'ASN', number: 'ASN-9' }, [{ lot: cookiesC, quantity: 12 }])
  }
  return { app, flour, choc, film, sugar, cookiesA, cookiesB, cookiesC, batchB: opened.batch.code as string, sscc: pallet.sscc as string, shipments }
}

export async function download (app: App, url: string) {
  const res = await app.inject({ method: 'GET', url })
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200)
  return res
}

/** RFC 4180: quoted fields may hold commas, CR/LF and doubled quotes; records end with CRLF. */
export function parseCsv (text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = text.startsWith('\uFEFF') ? 1 : 0; i < text.length; i++) {
    const ch = text[i]!
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++ } else if (ch === '"') quoted = false
      else field += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') { row.push(field); field = '' } else if (ch === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++ } else field += ch
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row) }
  return rows
}

/** CSV rows as objects keyed by the header. */
export function csvRecords (text: string): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(text)
  return rows.map(r => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])))
}

export async function readWorkbook (bytes: Buffer | Uint8Array | string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load((typeof bytes === 'string' ? readFileSync(bytes) : Buffer.from(bytes)) as unknown as ExcelJS.Buffer)
  return wb
}

/** A sheet's rows as objects keyed by its header row: values as exceljs reads them (Date for date cells). */
export function sheetRecords (ws: ExcelJS.Worksheet): Array<Record<string, ExcelJS.CellValue>> {
  const header = (ws.getRow(1).values as ExcelJS.CellValue[]).slice(1).map(String)
  const out: Array<Record<string, ExcelJS.CellValue>> = []
  ws.eachRow((row, n) => {
    if (n === 1) return
    out.push(Object.fromEntries(header.map((h, i) => [h, row.getCell(i + 1).value ?? null])))
  })
  return out
}

export const day = (v: unknown): string | null => v instanceof Date ? v.toISOString().slice(0, 10) : null

// ajv and ajv-formats are CommonJS: under NodeNext their default import is module.exports, whose `default` is the export.
const Ajv = AjvModule.default
const addFormats = formatsModule.default

/** Validator of GS1's EPCIS 2.0 JSON schema (draft-07, vendored: test/fixtures/epcis/README.md), formats checked. */
export function epcisSchemaValidator () {
  const schema = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/epcis/EPCIS-JSON-Schema.json', import.meta.url)), 'utf8'))
  const ajv = new Ajv({ allErrors: true, strict: false })
  addFormats(ajv)
  return ajv.compile(schema)
}

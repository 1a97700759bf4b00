import ExcelJS from 'exceljs'
import { describe, expect, test } from 'vitest'
import { buildTestApp, post, receive, seedBakery } from '../helpers/app.ts'
import { cookiePlant, day, download, epcisSchemaValidator, INJECTION, PLANT, readWorkbook, sheetRecords } from './helpers.ts'

const PLANT_COLUMNS = (label: string) => ({
  [`${label}: business name`]: PLANT.name, [`${label}: phone`]: PLANT.phone, [`${label}: street address`]: PLANT.address,
  [`${label}: city`]: PLANT.city, [`${label}: state`]: PLANT.state, [`${label}: ZIP code`]: PLANT.zip, [`${label}: country`]: PLANT.country
})
const PLANT_TLC_SOURCE = 'Springfield Bakery, 100 Oven Street, Springfield, IL 62701, US (line L1)'

describe('FDA sortable spreadsheet of a lot\'s trace', () => {
  test('has Receiving, Transformation and Shipping sheets (then Missing KDEs), each with a frozen, filtered header row and sized columns', async () => {
    const p = await cookiePlant()
    const res = await download(p.app, `/api/v1/trace/${p.cookiesA}/fda.xlsx?direction=both`)
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    expect(res.headers['content-disposition']).toBe(`attachment; filename="fda-${p.cookiesA}-both.xlsx"`)
    const wb = await readWorkbook(res.rawPayload)
    expect(wb.worksheets.map(w => w.name)).toEqual(['Receiving', 'Transformation', 'Shipping', 'Missing KDEs'])
    for (const ws of wb.worksheets) {
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 })
      expect(ws.autoFilter).toBeTruthy()
      expect(ws.getRow(1).font?.bold).toBe(true)
      expect(ws.getRow(1).alignment).toMatchObject({ vertical: 'top', wrapText: true })
      expect(ws.getRow(1).getCell(1).fill).toMatchObject({ type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } })
      ws.columns.forEach(c => expect(c.width).toBeGreaterThanOrEqual(10))
    }
    expect(wb.creator).toBe('Lotline')
    expect(wb.title).toBe(`FSMA 204 traceability records: lot ${p.cookiesA} (both)`)
    // Days are date cells shown as days; the longest value sizes its column (a TLC is wider than its header's 24).
    const receiving = wb.getWorksheet('Receiving')!
    const dateCol = (receiving.getRow(1).values as string[]).indexOf('Date received')
    expect(receiving.getRow(2).getCell(dateCol).numFmt).toBe('yyyy-mm-dd')
    expect(receiving.getRow(2).getCell(dateCol).value).toBeInstanceOf(Date)
    expect(receiving.getColumn(1).width).toBe(Math.min(45, INJECTION.length + 2))
  })

  test('holds one row per lot per event, the values recorded, and every location split into its seven fields', async () => {
    const p = await cookiePlant()
    const wb = await readWorkbook((await download(p.app, `/api/v1/trace/${p.cookiesA}/fda.xlsx`)).rawPayload)

    const receiving = sheetRecords(wb.getWorksheet('Receiving')!)
    expect(receiving.map(r => [r['Traceability lot code (TLC)'], r['Our lot number'], r['Quantity received'], r['Unit of measure'], day(r['Date received'])])).toEqual([
      ['PM-2611-A', p.flour, 1000, 'kg', '2026-11-20'], ['CW-77812', p.choc, 400, 'kg', '2026-11-20'], [INJECTION, p.film, 20, 'ea', '2026-11-20']
    ])
    expect(receiving[0]).toMatchObject({
      'Product name': 'Wheat flour', 'Reference document type': 'PO', 'Reference document number': '4500', 'TLC source location or TLC source reference': 'Prairie Mills Inc., Salina, KS',
      'Immediate previous source: business name': 'Prairie Mills Inc.', 'Immediate previous source: phone': '+1 785 555 0110', 'Immediate previous source: city': 'Salina',
      'Immediate previous source: state': 'KS', 'Immediate previous source: country': 'US', ...PLANT_COLUMNS('Location where received'), 'Receiving dock': 'DOCK1'
    })
    expect(receiving[1]).toMatchObject({ 'Reference document type': 'BOL', 'Reference document number': 'CW-BOL-9', 'TLC source location or TLC source reference': 'GLN 0614141000012' })

    // Batch A: three inputs, so three rows, the new lot repeated on each; rework batch C: two rows.
    const transformation = sheetRecords(wb.getWorksheet('Transformation')!)
    expect(transformation.map(r => [r['Input TLC'], r['Input: Our lot number'], r['Input: Quantity used'], r['Input: Unit of measure'], r['New TLC']])).toEqual([
      ['PM-2611-A', p.flour, 60, 'kg', p.cookiesA], ['CW-77812', p.choc, 18, 'kg', p.cookiesA], [INJECTION, p.film, 1, 'ea', p.cookiesA],
      [p.cookiesA, p.cookiesA, 5, 'case', p.cookiesC], ['PM-2611-A', p.flour, 10, 'kg', p.cookiesC]
    ])
    for (const r of transformation.slice(0, 3)) {
      expect(r).toMatchObject({
        'Output: Product name': 'Chocolate chip cookies 12 x 200 g', 'Output: Quantity produced': 120, 'Output: Unit of measure': 'case',
        'Reference document type': 'batch log', 'Reference document number': 'BL-1', Line: 'L1', 'TLC source location or TLC source reference': PLANT_TLC_SOURCE,
        ...PLANT_COLUMNS('Location of transformation')
      })
      expect(day(r['Date transformation completed'])).toBe('2026-11-21')
    }
    expect(transformation[3]).toMatchObject({ 'Output: Quantity produced': 12, 'Reference document number': 'BL-3' })
    expect(day(transformation[3]!['Date transformation completed'])).toBe('2026-11-23')

    // Only the traced lots' lines: CORNER's 20 cases of batch B are not part of this lot's trace.
    const shipping = sheetRecords(wb.getWorksheet('Shipping')!)
    expect(shipping.map(r => [r['Traceability lot code (TLC)'], r['Quantity shipped'], r['Unit of measure'], r['Immediate subsequent recipient: business name'], day(r['Ship date']), r['Reference document type'], r['Reference document number']])).toEqual([
      [p.cookiesA, 40, 'case', 'FRESHMART Inc.', '2026-11-22', 'BOL', '88001'],
      [p.cookiesA, 30, 'case', 'CORNER Inc.', '2026-11-22', 'BOL', '88002'],
      [p.cookiesC, 12, 'case', 'HOTEL Inc.', '2026-11-25', 'ASN', 'ASN-9']
    ])
    expect(shipping[0]).toMatchObject({ 'Immediate subsequent recipient: phone': '+1 312 555 0100', ...PLANT_COLUMNS('Ship-from location'), 'TLC source location or TLC source reference': PLANT_TLC_SOURCE })
  })

  test('a formula stored as a supplier lot code is a plain text cell, not a formula', async () => {
    const p = await cookiePlant()
    const wb = await readWorkbook((await download(p.app, `/api/v1/trace/${p.film}/fda.xlsx?direction=backward`)).rawPayload)
    const cell = wb.getWorksheet('Receiving')!.getCell('A2')
    expect(cell.value).toBe(INJECTION)
    expect(cell.type).toBe(ExcelJS.ValueType.String)
    expect(cell.formula).toBeUndefined()
  })

  test('a KDE never recorded is listed on the Missing KDEs sheet with its sheet, row, lot and field, and its cell is marked', async () => {
    const p = await cookiePlant()
    const wb = await readWorkbook((await download(p.app, `/api/v1/trace/${p.film}/fda.xlsx?direction=backward`)).rawPayload)
    const missing = sheetRecords(wb.getWorksheet('Missing KDEs')!)
    // FlexiPack Films was set up with a name only, and the film arrived without a document.
    const film = missing.filter(m => m.Sheet === 'Receiving' && m['Our lot number'] === p.film).map(m => m['Missing KDE'])
    expect(film).toEqual(expect.arrayContaining([
      'Immediate previous source: phone', 'Immediate previous source: street address', 'Immediate previous source: city',
      'Immediate previous source: ZIP code', 'Reference document type', 'Reference document number', 'Packaging size', 'Packaging style'
    ]))
    expect(film).not.toContain('Location where received: business name')     // the plant is fully described
    const row = missing.find(m => m['Missing KDE'] === 'Immediate previous source: phone')!
    expect(row).toMatchObject({ Sheet: 'Receiving', Row: 2, 'Traceability lot code (TLC)': INJECTION })
    const ws = wb.getWorksheet('Receiving')!
    const phoneCol = (ws.getRow(1).values as string[]).indexOf('Immediate previous source: phone')
    const cell = ws.getRow(2).getCell(phoneCol)
    expect(cell.value).toBeNull()
    expect(cell.fill).toMatchObject({ type: 'pattern', pattern: 'solid' })
  })

  test('without a described plant, the location of receiving is listed as missing, not left silently blank', async () => {
    const app = await buildTestApp()
    await seedBakery(app)
    const flour = await receive(app, 'FLOUR', 'MILL', 100)
    const wb = await readWorkbook((await download(app, `/api/v1/trace/${flour}/fda.xlsx`)).rawPayload)
    const fields = sheetRecords(wb.getWorksheet('Missing KDEs')!).map(m => m['Missing KDE'])
    expect(fields).toEqual(expect.arrayContaining(['Location where received: business name', 'Location where received: street address']))
  })
})

describe('FDA sortable spreadsheet of a date range', () => {
  test('holds exactly the events of those days: no voided receipt, no voided input, nothing from the days around', async () => {
    const p = await cookiePlant()
    const wb = await readWorkbook((await download(p.app, '/api/v1/exports/fda.xlsx?from=2026-11-21&to=2026-11-22')).rawPayload)
    expect(sheetRecords(wb.getWorksheet('Receiving')!)).toEqual([])
    const transformation = sheetRecords(wb.getWorksheet('Transformation')!)
    expect(transformation.map(r => [r.Batch, r['Input TLC'], r['Input: Quantity used']])).toEqual([
      [expect.any(String), 'PM-2611-A', 60], [expect.any(String), 'CW-77812', 18], [expect.any(String), INJECTION, 1],
      [p.batchB, 'PM-2611-A', 55], [p.batchB, 'CW-77812', 16], [p.batchB, INJECTION, 1]   // the voided sugar input is gone
    ])
    expect(new Set(transformation.map(r => r['New TLC']))).toEqual(new Set([p.cookiesA, p.cookiesB]))
    const shipping = sheetRecords(wb.getWorksheet('Shipping')!)
    expect(shipping.map(r => [r['Immediate subsequent recipient: business name'], r['Traceability lot code (TLC)'], r['Quantity shipped']])).toEqual([
      ['FRESHMART Inc.', p.cookiesA, 40], ['CORNER Inc.', p.cookiesA, 30], ['CORNER Inc.', p.cookiesB, 20]
    ])

    const receipts = await readWorkbook((await download(p.app, '/api/v1/exports/fda.xlsx?from=2026-11-20&to=2026-11-20')).rawPayload)
    expect(sheetRecords(receipts.getWorksheet('Receiving')!).map(r => r['Traceability lot code (TLC)'])).toEqual(['PM-2611-A', 'CW-77812', INJECTION, 'GS-5501'])
  })

  test('a batch whose only input was voided still shows its new lot, with the input KDEs listed as missing', async () => {
    const app = await buildTestApp({ plant: PLANT })
    await seedBakery(app)
    const flour = await receive(app, 'FLOUR', 'MILL', 100)
    const made = await post(app, '/api/v1/batches', { product: 'DOUGH', line: 'L1', inputs: [{ lot: flour, quantity: 10 }], output: { quantity: 10, completedAt: '2026-11-21' } })
    await post(app, `/api/v1/events/${made.body.batch.inputs[0].eventId as number}/void`, { reason: 'wrong flour lot scanned' })
    const wb = await readWorkbook((await download(app, '/api/v1/exports/fda.xlsx?from=2026-11-21&to=2026-11-21')).rawPayload)
    expect(sheetRecords(wb.getWorksheet('Transformation')!).map(r => [r['Input TLC'], r['New TLC']])).toEqual([[null, made.body.lot.code]])
    const missing = sheetRecords(wb.getWorksheet('Missing KDEs')!).filter(m => m.Sheet === 'Transformation').map(m => m['Missing KDE'])
    expect(missing).toEqual(expect.arrayContaining(['Input TLC', 'Input: Quantity used']))
    const doc = (await download(app, '/api/v1/exports/epcis.jsonld?from=2026-11-21&to=2026-11-21')).json()
    expect(epcisSchemaValidator()(doc)).toBe(true)
  })

  test('a range that ends before it starts, or is not a date, is refused with 422', async () => {
    const app = await buildTestApp()
    for (const q of ['from=2026-11-22&to=2026-11-21', 'from=2026-02-30&to=2026-03-01', 'from=yesterday&to=2026-03-01', 'to=2026-03-01']) {
      const res = await app.inject({ method: 'GET', url: `/api/v1/exports/fda.xlsx?${q}` })
      expect(res.statusCode, q).toBe(422)
      expect(res.json().error.code).toBe('INVALID')
    }
  })
})

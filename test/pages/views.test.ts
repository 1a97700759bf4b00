import { describe, expect, test } from 'vitest'
import { parseCsv, rowsToFields } from '../../kiosk/csv.ts'
import { readAnswer } from '../../kiosk/pages/stations.ts'
import { href, html, raw } from '../../kiosk/views/html.ts'
import { layoutTrace } from '../../kiosk/views/trace-graph.ts'
import { MAX_LINE_ROWS, recallReport } from '../../kiosk/views/recall.ts'
import type { Drill } from '../../kiosk/recall-drills.ts'
import type { Trace, TraceLot } from '../../server/domain/lineage.ts'

describe('html tag', () => {
  test('escapes every interpolated string, in text and in attributes; nested html and raw pass through', () => {
    const name = `<script>alert("x")</script> & 'quotes'`
    expect(html`<p title="${name}">${name}</p>`.value).toBe('<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;</p>')
    expect(html`<ul>${['a<', 'b'].map(x => html`<li>${x}</li>`)}</ul>`.value).toBe('<ul><li>a&lt;</li><li>b</li></ul>')
    expect(html`${null}${undefined}${false}${0}${raw('<svg/>')}`.value).toBe('0<svg/>')
  })
  test('href encodes each path segment', () => {
    expect(href`/lots/${'A/B?c#d'}`).toBe('/lots/A%2FB%3Fc%23d')
  })
})

describe('CSV', () => {
  test('reads quotes, doubled quotes, CRLF, a BOM and semicolons; rows are numbered as a spreadsheet shows them', () => {
    const { rows } = parseCsv('\uFEFFa;b\r\n"x;1";"say ""hi"""\r\n\r\n"multi\nline";z\n')
    expect(rows).toEqual([{ row: 1, cells: ['a', 'b'] }, { row: 2, cells: ['x;1', 'say "hi"'] }, { row: 4, cells: ['multi\nline', 'z'] }])
  })
  test('an unclosed quote and unknown or missing columns are reported, not guessed', () => {
    expect(parseCsv('a,b\n"x,1\n').error).toMatchObject({ row: 2, problem: expect.stringMatching(/never closed/) })
    const r = rowsToFields('Code,Colour\nX,red\n', ['code', 'name'], ['code', 'name'])
    expect(r.errors.map(e => `${e.row} ${e.field}`)).toEqual(['1 Colour', '1 name'])
  })
})

describe('station answers from the form', () => {
  test('a keypad quantity with a comma is a number; a temperature needs a QC decision; cancel needs nothing', () => {
    expect(readAnswer({ confirm: 'yes', quantity: '12,5', qc: 'accepted', temperatureC: '-2.5' }, 'olga')).toEqual({
      answer: { confirm: true, user: 'olga', quantity: 12.5, qc: { status: 'accepted', temperatureC: -2.5 } }, errors: {}
    })
    expect(readAnswer({ confirm: 'yes', temperatureC: '4' }, 'olga').errors).toEqual({ qc: 'Choose accepted or rejected to record the temperature' })
    expect(readAnswer({ confirm: 'yes', quantity: '0' }, 'olga').errors.quantity).toMatch(/more than zero/)
    expect(readAnswer({ confirm: 'no', quantity: 'junk' }, 'olga')).toEqual({ answer: { confirm: false, user: 'olga' }, errors: {} })
  })
})

describe('trace graph layout', () => {
  const lot = (code: string, origin: 'received' | 'produced'): TraceLot => ({
    id: 0, code, product: { code: 'P', name: 'P', gtin: null }, unit: 'kg', origin, supplier: null, supplierLotCode: null, tlcSource: null, batch: null,
    productionDate: null, bestBefore: null, expiryDate: null, qc: null, createdAt: '', date: '2026-11-20', location: null, referenceDocument: null, voided: false,
    balance: { unit: 'kg', received: 0, produced: 0, consumed: 0, shipped: 0, adjusted: 0, onHand: 0 }
  })
  const edge = (from: string, to: string) => ({ from, to, batch: 'B', date: '2026-11-21T08:00:00Z', quantity: 5, unit: 'kg', enteredQuantity: 5, enteredUnit: 'kg' })
  test('inputs to the left, products to the right, customers last; every edge labelled with quantity and date', () => {
    const t = {
      lot: 'DOUGH', direction: 'both', generatedAt: '', tookMs: 1, openBatches: [], suppliers: [],
      lots: ['FLOUR', 'SALT', 'DOUGH', 'COOKIE'].map(c => lot(c, c === 'FLOUR' || c === 'SALT' ? 'received' : 'produced')),
      edges: [edge('FLOUR', 'DOUGH'), edge('SALT', 'DOUGH'), edge('DOUGH', 'COOKIE')],
      shipments: [{ customer: 'SHOP', shipmentId: 1, shipDate: '2026-11-22', shipFrom: 'D', referenceDocument: null, lines: [{ lot: 'COOKIE', quantity: 3, unit: 'kg' }] }],
      customers: [{ customer: { code: 'SHOP', name: 'Shop' } as never, shipmentIds: [1], lines: 1, totals: [{ unit: 'kg', quantity: 3 }], firstShipDate: '2026-11-22', lastShipDate: '2026-11-22' }]
    } as unknown as Trace
    const g = layoutTrace(t)
    const col = (k: string) => g.nodes.find(n => n.key === k)!.col
    expect([col('FLOUR'), col('SALT'), col('DOUGH'), col('COOKIE'), col('customer:SHOP')]).toEqual([0, 0, 1, 2, 3])
    expect(g.edges.map(e => e.label)).toEqual(['5 kg · 2026-11-21', '5 kg · 2026-11-21', '5 kg · 2026-11-21', '3 kg · 2026-11-22'])
    expect(g.truncated).toBe(0)
  })
})

describe('recall report', () => {
  const drill = (lines: number, perShipment: number): Drill => {
    const lots = Object.fromEntries(Array.from({ length: lines }, (_, i) => [`L${i}`, { product: i % 2 ? 'CCC-12' : 'OAT-12', unit: 'case' }]))
    const shipments = Array.from({ length: Math.ceil(lines / perShipment) }, (_, k) => ({
      shipmentId: k + 1, shipDate: '2026-11-22T08:00:00Z', referenceDocument: { type: 'BOL', number: `B${k + 1}` },
      lines: Array.from({ length: Math.min(perShipment, lines - k * perShipment) }, (_, j) => [`L${k * perShipment + j}`, 2] as [string, number])
    }))
    return {
      id: 7, lotCode: 'SALT', user: 'kim', startedAt: '2026-11-25T08:00:00Z', durationMs: 12, traceMs: 5,
      summary: {
        lot: { code: 'SALT', product: { code: 'SALT', name: 'Salt' }, origin: 'received', supplierLotCode: 'S-1', date: '2026-01-01' },
        balance: { unit: 'kg', received: 10, produced: 0, consumed: 10, shipped: 0, adjusted: 0, onHand: 0 },
        customers: [{ customer: { code: 'SHOP', name: 'Shop' } as never, shipments, total: [{ quantity: lines * 2, unit: 'case' }] }],
        lots, suppliers: [], openBatches: [], onHand: [], generatedAt: '2026-11-25T08:00:00Z'
      }
    }
  }
  test('lists every line of a readable recall, one row each', () => {
    const page = recallReport(drill(6, 3)).value
    expect(page.match(/<td class="mono">L\d+<\/td>/g)).toHaveLength(6)
    expect(page).not.toContain('shipment lines: each shipment is one row')
  })
  test('a salt lot\'s recall of thousands of lines lists each shipment once, with its lot count, products and totals, and points to the exports', () => {
    const page = recallReport(drill(MAX_LINE_ROWS + 10, 10)).value
    expect(page).toContain(`This recall reached ${MAX_LINE_ROWS + 10} shipment lines: each shipment is one row`)
    expect(page).not.toMatch(/<td class="mono">L\d+<\/td>/)
    expect(page).toContain('<tr><td>2026-11-22</td><td>1</td><td>10 lots</td><td>OAT-12, CCC-12</td><td class="num">20 case</td><td>BOL B1</td></tr>')
    expect(page.match(/<tr><td>2026-11-22<\/td>/g)).toHaveLength(Math.ceil((MAX_LINE_ROWS + 10) / 10))
  })
})

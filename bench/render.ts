/**
 * Label rendering times: `npx tsx bench/render.ts [runs]`. Prints the median time per template,
 * size and dpi for building the layout and for each renderer; asserts nothing. Every run uses a new
 * lot code, so the barcode encoding cache never answers (a line prints each lot's label once).
 */
import { gs1CheckDigit } from '../server/domain/gs1.ts'
import { caseLabel } from '../templates/case-label.ts'
import type { LabelLayout, LabelSizeName } from '../templates/label.ts'
import { palletLabel } from '../templates/pallet-label.ts'
import { receivingLabel } from '../templates/receiving-label.ts'
import { renderEscpos } from '../templates/render/escpos.ts'
import { renderPng } from '../templates/render/png.ts'
import { renderSvg } from '../templates/render/svg.ts'
import { renderZpl } from '../templates/render/zpl.ts'

const runs = Number(process.argv[2] ?? 21)
const now = new Date('2026-03-16T12:00:00Z')
const gtin = '1952123454321' + gs1CheckDigit('1952123454321')
const sscc = (i: number): string => { const d = '0376104250' + String(i).padStart(7, '0'); return d + gs1CheckDigit(d) }
const lot = (i: number): string => `26075-L1-${String(i).padStart(4, '0')}`

const templates: Record<string, { sizes: LabelSizeName[], build: (size: LabelSizeName, i: number) => LabelLayout }> = {
  case: {
    sizes: ['4x6', '4x2', '100x150'],
    build: (size, i) => caseLabel({
      plant: { name: 'Northfield Foods Plant 2', address: '1200 Mill Road, Springfield, IL 62701, USA' },
      product: { name: 'Smoked Turkey Breast Sliced', gtin, shelfLifeDays: 45, dateKind: 'best-before', netContent: { kind: 'weight', unit: 'kg', value: 12.5, decimals: 3 } },
      lot: { code: lot(i), productionDate: '2026-03-16' }
    }, { size, matrix: 'datamatrix', now })
  },
  pallet: {
    sizes: ['4x6', '100x150'],
    build: (size, i) => palletLabel({
      sscc: sscc(i),
      shipper: { name: 'Northfield Foods', address: '1200 Mill Road, Springfield, IL 62701' },
      content: { gtin, name: 'Smoked Turkey Breast Sliced' },
      count: 40,
      lot: lot(i),
      date: { kind: 'best-before', date: '2026-04-30' }
    }, { size, now })
  },
  receiving: {
    sizes: ['4x6', '4x2', '100x150'],
    build: (size, i) => receivingLabel({
      plant: { name: 'Northfield Foods Plant 2' },
      product: { name: 'Turkey breast, raw, boneless', gtin },
      supplier: { name: 'Prairie Poultry Co.' },
      lot: { code: lot(i), supplierLotCode: 'PP-88812-A', receivedDate: '2026-03-16' }
    }, { size, now })
  }
}

const renderers: Record<string, (l: LabelLayout, dpi: number) => unknown> = {
  zpl: (l, dpi) => renderZpl(l, { dpi }),
  escpos: (l, dpi) => renderEscpos(l, { dpi, headDots: dpi === 203 ? 832 : 1248 }),
  png: (l, dpi) => renderPng(l, { dpi }),
  svg: (l, dpi) => renderSvg(l, { dpi })
}

function median (xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

function time (fn: () => unknown): number {
  const t = performance.now()
  fn()
  return performance.now() - t
}

let seq = 1
for (const name of Object.keys(templates)) templates[name]!.build('4x6', seq++) // warm up: font, bwip-js, JIT
const rows: string[][] = [['template', 'size', 'dpi', 'layout', ...Object.keys(renderers)].map(String)]
for (const [name, t] of Object.entries(templates)) {
  for (const size of t.sizes) {
    for (const dpi of [203, 300]) {
      const times: Record<string, number[]> = { layout: [], ...Object.fromEntries(Object.keys(renderers).map(r => [r, []])) }
      for (let r = 0; r < runs; r++) {
        for (const [rname, render] of Object.entries(renderers)) {
          const i = seq++
          let layout: LabelLayout | undefined
          if (rname === 'zpl') times.layout!.push(time(() => { layout = t.build(size, i) }))
          else layout = t.build(size, i)
          times[rname]!.push(time(() => render(layout!, dpi)))
        }
      }
      rows.push([name, size, String(dpi), ...Object.values(times).map(xs => median(xs).toFixed(2))])
    }
  }
}
const widths = rows[0]!.map((_, c) => Math.max(...rows.map(r => r[c]!.length)))
console.log(`median ms over ${runs} runs (node ${process.version}); layout includes encoding the barcodes`)
for (const r of rows) console.log(r.map((cell, c) => c < 3 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)).join('  '))

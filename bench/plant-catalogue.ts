import { gs1CheckDigit } from '../server/domain/gs1-checks.ts'
import type { RowSink } from './plant-rows.ts'

/**
 * Master data of a mid-size bakery: 22 ingredients and packaging materials, 2 fillings made in
 * house (WIP), 8 cookie families in 5 pack formats (40 finished products), 6 lines and a prep line.
 * `pack` is one delivery (one received lot), `use` what one batch takes, both in the unit:
 * pack / use is how many batches one lot feeds. Salt (40 t silo, 12 kg a batch) feeds ~3,300.
 */
export interface Material { code: string, name: string, unit: string, pack: number, use: number, ftl?: boolean, id: number, suppliers: number[] }
export interface Family { code: string, name: string, line: string, inputs: string[], wip?: { code: string, use: number } }
export interface Product { id: number, code: string, family: string, unit: string, shelfLifeDays: number, output: number }

const MATERIALS: Array<[string, string, string, number, number, boolean?]> = [
  ['FLOUR', 'Wheat flour T55 (silo)', 'kg', 20_000, 800], ['WWFLOUR', 'Whole wheat flour', 'kg', 1_000, 150],
  ['SUGAR', 'Cane sugar (bulk)', 'kg', 25_000, 300], ['BROWN', 'Brown sugar', 'kg', 1_000, 80],
  ['BUTTER', 'Butter 82% fat', 'kg', 2_000, 250], ['MARG', 'Bakery margarine', 'kg', 1_500, 200],
  ['EGG', 'Liquid whole egg', 'kg', 800, 90, true], ['CHOC', 'Dark chocolate chips', 'kg', 1_000, 150],
  ['OATS', 'Rolled oats', 'kg', 2_000, 300], ['SALT', 'Fine salt (silo)', 'kg', 40_000, 12],
  ['SODA', 'Baking soda', 'kg', 1_000, 2], ['VANILLA', 'Vanilla extract', 'kg', 200, 0.5],
  ['LECITHIN', 'Sunflower lecithin', 'kg', 500, 1], ['COCOA', 'Cocoa powder', 'kg', 1_000, 60],
  ['GINGER', 'Ground ginger', 'kg', 200, 4], ['LEMON', 'Lemon paste', 'kg', 500, 25],
  ['MILKPOW', 'Skim milk powder', 'kg', 1_000, 40], ['PALM', 'Palm fat', 'kg', 2_000, 120],
  ['RASP', 'Raspberry puree', 'kg', 1_000, 150, true], ['FILM', 'Flow-wrap film (pallet of rolls)', 'm', 100_000, 2_500],
  ['TRAY', 'PET trays', 'ea', 100_000, 8_000], ['CASE', 'Corrugated shipping cases', 'ea', 10_000, 700]
]

const FAMILIES: Family[] = [
  { code: 'CCC', name: 'Chocolate chip cookies', line: 'L1', inputs: ['FLOUR', 'SUGAR', 'BUTTER', 'EGG', 'CHOC', 'SALT', 'SODA', 'VANILLA', 'FILM', 'CASE'] },
  { code: 'DCC', name: 'Double chocolate cookies', line: 'L1', inputs: ['FLOUR', 'SUGAR', 'BUTTER', 'EGG', 'COCOA', 'CHOC', 'SALT', 'SODA', 'FILM', 'CASE'] },
  { code: 'OAT', name: 'Oat cookies', line: 'L2', inputs: ['OATS', 'WWFLOUR', 'FLOUR', 'BROWN', 'BUTTER', 'SALT', 'SODA', 'VANILLA', 'FILM', 'CASE'] },
  { code: 'SHB', name: 'Shortbread', line: 'L3', inputs: ['FLOUR', 'SUGAR', 'BUTTER', 'SALT', 'VANILLA', 'LECITHIN', 'TRAY', 'FILM', 'CASE'] },
  { code: 'GIN', name: 'Ginger snaps', line: 'L4', inputs: ['FLOUR', 'BROWN', 'MARG', 'GINGER', 'EGG', 'SALT', 'SODA', 'FILM', 'CASE'] },
  { code: 'LEM', name: 'Lemon thins', line: 'L4', inputs: ['FLOUR', 'SUGAR', 'MARG', 'LEMON', 'EGG', 'SALT', 'SODA', 'TRAY', 'FILM', 'CASE'] },
  { code: 'SAN', name: 'Cream sandwich cookies', line: 'L5', inputs: ['FLOUR', 'SUGAR', 'MARG', 'COCOA', 'SALT', 'SODA', 'LECITHIN', 'TRAY', 'FILM', 'CASE'], wip: { code: 'CREAM', use: 200 } },
  { code: 'JAM', name: 'Raspberry jam drops', line: 'L6', inputs: ['FLOUR', 'SUGAR', 'BUTTER', 'EGG', 'SALT', 'VANILLA', 'TRAY', 'FILM', 'CASE'], wip: { code: 'JAMFILL', use: 250 } }
]
/** Fillings made on the prep line in 1,000 kg batches; each feeds 4-5 cookie batches. */
export const WIP: Record<string, { name: string, inputs: Array<[string, number]> }> = {
  CREAM: { name: 'Vanilla cream filling (WIP)', inputs: [['SUGAR', 450], ['PALM', 400], ['MILKPOW', 100], ['VANILLA', 1], ['LECITHIN', 2], ['SALT', 2]] },
  JAMFILL: { name: 'Raspberry jam filling (WIP)', inputs: [['RASP', 600], ['SUGAR', 350], ['LEMON', 20]] }
}
const FORMATS = [['12 x 200 g', 2.4], ['6 x 400 g', 2.4], ['24 x 100 g', 2.4], ['8 x 300 g', 2.4], ['20 x 40 g', 0.8]] as const
export const LINES = ['L1', 'L2', 'L3', 'L4', 'L5', 'L6']

export function createCatalogue (rnd: () => number, sink: RowSink, createdAt: string, customerCount = 300) {
  const locations = new Map<string, number>()
  for (const [code, kind, name] of [['DOCK1', 'dock', 'Receiving dock'], ['DOCK2', 'dock', 'Shipping dock'], ['WH1', 'warehouse', 'Finished goods'],
    ...LINES.map(l => [l, 'line', `Line ${l.slice(1)}`]), ['PREP', 'line', 'Filling prep line']]) {
    const id = locations.size + 1
    locations.set(code!, id)
    sink.row('locations', [id, code!, kind!, name!, null, createdAt])
  }
  let partnerId = 0
  const partner = (code: string, role: string, name: string, gln: string | null, city: string) => {
    const id = ++partnerId
    sink.row('partners', [id, code, role, name, `${name.split(' ')[0]} QA`, `qa@${code.toLowerCase()}.example`, `+1 312 555 ${String(1000 + id).slice(-4)}`,
      `${100 + id} Commerce Dr`, city, 'IL', String(60000 + id), 'US', gln, createdAt])
    return id
  }
  const cities = ['Joliet', 'Peoria', 'Urbana', 'Chicago', 'Decatur', 'Salina', 'Green Bay', 'Hershey', 'Neenah', 'Madison']
  const suppliers: Array<{ id: number, tlcSource: string }> = []
  for (let i = 0; i < 40; i++) {
    const name = `Supplier ${i + 1} ${['Mills', 'Foods', 'Ingredients', 'Packaging'][i % 4]}`
    const gln = i % 2 === 0 ? `0614141${String(10000 + i).slice(-5)}` : null
    const city = cities[i % cities.length]!
    const glnFull = gln ? gln + gs1CheckDigit(gln) : null
    suppliers.push({ id: partner(`S${String(i + 1).padStart(3, '0')}`, 'supplier', name, glnFull, city), tlcSource: glnFull ? `GLN ${glnFull}` : `${name}, ${city}, IL` })
  }
  const customers: number[] = []
  for (let i = 0; i < customerCount; i++) customers.push(partner(`C${String(i + 1).padStart(4, '0')}`, 'customer', `Customer ${i + 1} ${['Grocers', 'Foodservice', 'Vending', 'Distribution'][i % 4]}`, null, cities[i % cities.length]!))

  let productId = 0
  const product = (code: string, name: string, unit: string, gtin: string | null, shelf: number | null, ftl: boolean, packSize: string | null, net: number | null) => {
    const id = ++productId
    sink.row('products', [id, code, name, gtin, unit, shelf, ftl ? 1 : 0, gtin ? 'Oven Street' : null, name, null, packSize, unit === 'case' ? 'case' : 'bag', net, createdAt])
    return id
  }
  const materials = new Map<string, Material>()
  for (const [i, [code, name, unit, pack, use, ftl]] of MATERIALS.entries()) {
    // One to three suppliers per material, picked from the forty.
    const n = 1 + Math.floor(rnd() * 3)
    const ids = Array.from({ length: n }, (_, k) => suppliers[(i * 3 + k * 7) % suppliers.length]!.id)
    materials.set(code, { code, name, unit, pack, use, ftl: ftl ?? false, id: product(code, name, unit, null, null, ftl ?? false, null, null), suppliers: ids })
  }
  const wip = new Map<string, Product>()
  for (const [code, w] of Object.entries(WIP)) wip.set(code, { id: product(code, w.name, 'kg', null, 14, false, null, null), code, family: code, unit: 'kg', shelfLifeDays: 14, output: 1000 })
  const finished = new Map<string, Product[]>()
  let gtinSeq = 0
  for (const f of FAMILIES) {
    finished.set(f.code, FORMATS.map(([size, net], k) => {
      const body = `1061414${String(20000 + ++gtinSeq).slice(-5)}0`
      const code = `${f.code}-${k + 1}`
      const shelf = 180 + 30 * k
      return { id: product(code, `${f.name} ${size}`, 'case', body + gs1CheckDigit(body), shelf, false, size, net), code, family: f.code, unit: 'case', shelfLifeDays: shelf, output: 700 }
    }))
  }
  return { locations, suppliers: new Map(suppliers.map(s => [s.id, s.tlcSource])), customers, materials, wip, finished, families: FAMILIES }
}

export type Catalogue = ReturnType<typeof createCatalogue>

import type { Deps } from './app.ts'
import { addDays, plantDate } from './domain/dates.ts'
import { createLots } from './domain/lots.ts'
import { createMasterData } from './domain/master-data.ts'
import { nextSequence } from '../db/sequences.ts'

/** Deterministic pseudo-random numbers (mulberry32), so every demo plant is the same plant. */
export function seeded (seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const INGREDIENTS = [
  { code: 'FLOUR', name: 'Wheat flour T55', unit: 'kg', supplier: 'MILL', pack: 1000, use: 60, gtin: '10614141000019' },
  { code: 'SUGAR', name: 'Cane sugar', unit: 'kg', supplier: 'SWEET', pack: 500, use: 25, gtin: '10614141000026' },
  { code: 'BUTTER', name: 'Butter 82% fat', unit: 'kg', supplier: 'DAIRY', pack: 300, use: 20, gtin: null },
  { code: 'CHOC', name: 'Dark chocolate chips', unit: 'kg', supplier: 'CHOCO', pack: 400, use: 18, gtin: '10614141000033' },
  { code: 'EGG', name: 'Liquid whole egg', unit: 'kg', supplier: 'DAIRY', pack: 200, use: 8, gtin: null },
  { code: 'OATS', name: 'Rolled oats', unit: 'kg', supplier: 'MILL', pack: 500, use: 30, gtin: null },
  { code: 'SALT', name: 'Fine sea salt', unit: 'kg', supplier: 'SWEET', pack: 100, use: 0.5, gtin: null },
  { code: 'FILM', name: 'Food-contact flow-wrap film', unit: 'ea', supplier: 'PACK', pack: 20, use: 1, gtin: null }
] as const

const RECIPES = {
  'CCC-12': { name: 'Chocolate chip cookies 12 x 200 g', inputs: ['FLOUR', 'SUGAR', 'BUTTER', 'CHOC', 'EGG', 'SALT', 'FILM'], output: 120 },
  'OAT-12': { name: 'Oat cookies 12 x 200 g', inputs: ['OATS', 'FLOUR', 'SUGAR', 'BUTTER', 'SALT', 'FILM'], output: 110 }
} as const

/**
 * Loads a small bakery into an empty database: products, suppliers, customers, docks and lines,
 * and three weeks of receipts, batches (with rework) and shipments ending yesterday.
 * Returns null, and writes nothing, when the database already has products.
 */
export async function loadDemoPlant (deps: Deps, { days = 21, seed = 2026 } = {}) {
  const master = createMasterData(deps)
  if ((await master.listProducts()).length > 0) return null
  // Several demo kiosks may start on one empty database at once: only the first one loads.
  if (await deps.db.write(tx => nextSequence(tx, 'demo-plant')) !== 1) return null
  const lots = createLots(deps)
  const rnd = seeded(seed)
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!
  const user = 'demo'

  for (const s of [
    { code: 'MILL', name: 'Prairie Mills Inc.', city: 'Salina', state: 'KS', zip: '67401', phone: '+1 785 555 0110', contact: 'Dana Ruiz', gln: '0614141000012' },
    { code: 'SWEET', name: 'Gulf Sugar Co.', city: 'Baton Rouge', state: 'LA', zip: '70801', phone: '+1 225 555 0120', contact: 'Lee Park' },
    { code: 'DAIRY', name: 'Lakeside Dairy Cooperative', city: 'Green Bay', state: 'WI', zip: '54301', phone: '+1 920 555 0130', contact: 'Sam Novak' },
    { code: 'CHOCO', name: 'Cacao Works LLC', city: 'Hershey', state: 'PA', zip: '17033', phone: '+1 717 555 0140', contact: 'Ana Silva' },
    { code: 'PACK', name: 'FlexiPack Films', city: 'Neenah', state: 'WI', zip: '54956', phone: '+1 920 555 0150', contact: 'Chris Moe' }
  ]) await master.createPartner({ ...s, role: 'supplier', address: '1 Industrial Way', country: 'US' })
  const customers = [
    { code: 'FRESHMART', name: 'FreshMart Distribution Center 4', city: 'Joliet', state: 'IL', zip: '60431', contact: 'Receiving desk', phone: '+1 815 555 0201', email: 'recalls@freshmart.example' },
    { code: 'CORNER', name: 'Corner Grocers Co-op', city: 'Peoria', state: 'IL', zip: '61602', contact: 'Maria Chen', phone: '+1 309 555 0202', email: 'qa@corner.example' },
    { code: 'CAMPUS', name: 'State University Dining', city: 'Urbana', state: 'IL', zip: '61801', contact: 'Food services', phone: '+1 217 555 0203', email: 'dining@campus.example' },
    { code: 'HOTEL', name: 'Lakeview Hotels Group', city: 'Chicago', state: 'IL', zip: '60601', contact: 'Purchasing', phone: '+1 312 555 0204', email: 'purchasing@lakeview.example' },
    { code: 'VEND', name: 'QuickSnack Vending', city: 'Decatur', state: 'IL', zip: '62521', contact: 'Ops', phone: '+1 217 555 0205', email: 'ops@quicksnack.example' }
  ]
  for (const c of customers) await master.createPartner({ ...c, role: 'customer', address: '500 Commerce Dr', country: 'US' })
  for (const l of [
    { code: 'DOCK1', kind: 'dock', name: 'Receiving dock 1' }, { code: 'DOCK2', kind: 'dock', name: 'Shipping dock 2' },
    { code: 'L1', kind: 'line', name: 'Line 1 (chocolate chip)' }, { code: 'L2', kind: 'line', name: 'Line 2 (oat)' }
  ] as const) await master.createLocation(l)
  for (const i of INGREDIENTS) {
    await master.createProduct({ code: i.code, name: i.name, unit: i.unit, gtin: i.gtin, ftl: i.code === 'EGG', commodity: i.name, packStyle: i.unit === 'ea' ? 'roll' : 'bag' })
  }
  await master.createProduct({ code: 'CCC-12', name: RECIPES['CCC-12'].name, unit: 'case', gtin: '10614141000040', shelfLifeDays: 180, brand: 'Oven Street', commodity: 'Cookies', variety: 'Chocolate chip', packSize: '12 x 200 g', packStyle: 'case', netWeightKg: 2.4 })
  await master.createProduct({ code: 'OAT-12', name: RECIPES['OAT-12'].name, unit: 'case', gtin: '10614141000057', shelfLifeDays: 180, brand: 'Oven Street', commodity: 'Cookies', variety: 'Oat', packSize: '12 x 200 g', packStyle: 'case', netWeightKg: 2.4 })

  const today = plantDate((deps.clock ?? (() => new Date()))(), deps.timeZone)
  const stock = new Map<string, Array<{ code: string, left: number }>>()  // FIFO per ingredient
  const finished: Array<{ code: string, left: number, product: string }> = []
  let nLots = 0; let nBatches = 0; let nShipments = 0; let po = 4500; let bol = 88000
  let exampleLot = ''

  const receive = async (ing: typeof INGREDIENTS[number], day: string) => {
    const { lot } = await lots.receive({
      product: ing.code, supplier: ing.supplier, supplierLotCode: `${ing.supplier.slice(0, 2)}${day.replaceAll('-', '').slice(2)}${Math.floor(rnd() * 90 + 10)}`,
      quantity: ing.pack, unit: ing.unit, receivedAt: day, location: 'DOCK1', referenceDocument: { type: 'PO', number: String(po++) },
      qc: { status: 'accepted', temperatureC: ing.code === 'BUTTER' || ing.code === 'EGG' ? 3 + Math.round(rnd() * 20) / 10 : 18 }, user
    })
    nLots++
    const list = stock.get(ing.code) ?? []
    list.push({ code: lot.code, left: ing.pack })
    stock.set(ing.code, list)
  }

  for (let d = -days; d < 0; d++) {
    const day = addDays(today, d)
    for (const ing of INGREDIENTS) {
      const left = (stock.get(ing.code) ?? []).reduce((s, l) => s + l.left, 0)
      if (left < ing.use * 6) await receive(ing, day)
    }
    for (const [product, recipe] of Object.entries(RECIPES)) {
      const runs = product === 'CCC-12' ? 2 : 1
      for (let r = 0; r < runs; r++) {
        const inputs: Array<{ lot: string, quantity: number, unit: string }> = []
        for (const code of recipe.inputs) {
          const ing = INGREDIENTS.find(i => i.code === code)!
          let need = Math.round(ing.use * (0.9 + rnd() * 0.2) * 10) / 10
          for (const l of stock.get(code) ?? []) {
            if (need <= 0) break
            const take = Math.min(l.left, need)
            if (take <= 0) continue
            inputs.push({ lot: l.code, quantity: Math.round(take * 10) / 10, unit: ing.unit })
            l.left -= take; need -= take
          }
          stock.set(code, (stock.get(code) ?? []).filter(l => l.left > 0.05))
        }
        // Rework: now and then a few cases of an earlier lot go back into the mixer.
        const rework = finished.find(f => f.product === product && f.left >= 4 && rnd() < 0.15)
        if (rework) { inputs.push({ lot: rework.code, quantity: 2, unit: 'case' }); rework.left -= 2 }
        const output = Math.round(recipe.output * (0.95 + rnd() * 0.05))
        const batch = await lots.produce({
          product, line: product === 'CCC-12' ? 'L1' : 'L2', openedAt: day, inputs, referenceDocument: { type: 'batch log', number: `BL-${day}-${product}-${r + 1}` },
          output: { quantity: output, completedAt: day }, user
        })
        nBatches++; nLots++
        finished.push({ code: batch.lot!.code, left: output, product })
        if (product === 'CCC-12' && !exampleLot) exampleLot = batch.lot!.code
      }
    }
    // Ship yesterday's and older production, a few customers a day.
    for (let s = 0; s < 3; s++) {
      const customer = pick(customers).code
      const lines: Array<{ lot: string, quantity: number }> = []
      for (const f of finished.filter(x => x.left > 0).slice(0, 2 + Math.floor(rnd() * 2))) {
        const q = Math.min(f.left, 10 + Math.floor(rnd() * 30))
        lines.push({ lot: f.code, quantity: q }); f.left -= q
      }
      if (lines.length === 0) continue
      await lots.ship({ customer, shipFrom: 'DOCK2', shippedAt: day, referenceDocument: { type: 'BOL', number: String(bol++) }, lines, user })
      nShipments++
    }
  }
  return { products: INGREDIENTS.length + 2, lots: nLots, batches: nBatches, shipments: nShipments, exampleLot }
}

import { DomainError } from './errors.ts'

/** Exact factors to one base unit per dimension (grams, millilitres). 1 lb = 453.59237 g by definition. */
const FACTORS: Record<string, { dimension: 'mass' | 'volume', toBase: number }> = {
  g: { dimension: 'mass', toBase: 1 },
  kg: { dimension: 'mass', toBase: 1000 },
  lb: { dimension: 'mass', toBase: 453.59237 },
  oz: { dimension: 'mass', toBase: 28.349523125 },
  ml: { dimension: 'volume', toBase: 1 },
  l: { dimension: 'volume', toBase: 1000 }
}

const ALIASES: Record<string, string> = {
  gram: 'g', grams: 'g', kgs: 'kg', kilogram: 'kg', kilograms: 'kg', lbs: 'lb', pound: 'lb', pounds: 'lb',
  ounce: 'oz', ounces: 'oz', litre: 'l', liter: 'l', litres: 'l', liters: 'l', ml: 'ml', millilitre: 'ml',
  each: 'ea', pcs: 'ea', pc: 'ea', piece: 'ea', pieces: 'ea', cases: 'case', bags: 'bag', pallets: 'pallet'
}

/** Lower-cases and folds common spellings: 'KG' → 'kg', 'lbs' → 'lb'. Any other word is a count unit. */
export function normalizeUnit (unit: string): string {
  const u = unit.trim().toLowerCase()
  if (!/^[a-z]{1,12}$/.test(u)) throw new DomainError('INVALID', `"${unit}" is not a unit: use letters only, such as kg, lb, ea or case`)
  return ALIASES[u] ?? u
}

/**
 * Converts `quantity` from one unit to another where the conversion is exact (g/kg/lb/oz, ml/l).
 * Count units (ea, case, bag…) convert only to themselves: anything else is refused.
 */
export function convertQuantity (quantity: number, from: string, to: string): number {
  const f = normalizeUnit(from)
  const t = normalizeUnit(to)
  if (f === t) return quantity
  const a = FACTORS[f]
  const b = FACTORS[t]
  if (!a || !b || a.dimension !== b.dimension) {
    throw new DomainError('UNIT_MISMATCH', `Cannot convert ${f} to ${t}: this lot is counted in ${t}`, { from: f, to: t })
  }
  return roundQuantity(quantity * a.toBase / b.toBase)
}

/**
 * Quantities are kept to 9 decimals of their unit: enough for an exact pound in a kilogram lot
 * (1 lb = 0.45359237 kg, so 10 lb = 4.5359237 kg), free of float dust.
 */
export function roundQuantity (q: number): number {
  return Math.round(q * 1e9) / 1e9
}

/** Formats a quantity for a person: at most 3 decimals, no trailing zeros. */
export function formatQuantity (q: number, unit: string): string {
  return `${Number(q.toFixed(3))} ${unit}`
}

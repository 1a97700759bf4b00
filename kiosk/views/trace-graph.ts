import type { Trace, TraceLot } from '../../server/domain/lineage.ts'
import { day, qty } from './format.ts'
import { href, html, type Html } from './html.ts'

const BOX_W = 165
const BOX_H = 52
const COL_GAP = 135
const ROW_GAP = 26
const PAD = 20
/** Beyond this many boxes the drawing says so and stops; the tree and the exports have everything. */
export const MAX_BOXES = 240

export interface GraphNode { key: string, kind: 'lot' | 'customer', col: number, row: number, lot?: TraceLot, name?: string }
export interface GraphEdge { from: string, to: string, label: string }
export interface GraphLayout { nodes: GraphNode[], edges: GraphEdge[], columns: number, rows: number, truncated: number }

/**
 * Lays a trace out in columns by depth: inputs to the left of the lot, what was made from it to
 * the right, customers last. Within a column, boxes are ordered by where their neighbours nearer
 * the traced lot sit (one barycentre pass), which keeps most edges from crossing.
 */
export function layoutTrace (t: Trace): GraphLayout {
  const byCode = new Map(t.lots.map(l => [l.code, l]))
  const depth = new Map<string, number>([[t.lot, 0]])
  // Adjacency once: a salt lot's trace has thousands of lots and edges, and scanning every edge
  // for every lot (or in a sort comparator) took seconds.
  const outOf = new Map<string, string[]>()
  const into = new Map<string, string[]>()
  const add = (m: Map<string, string[]>, k: string, v: string) => { const list = m.get(k); if (list) list.push(v); else m.set(k, [v]) }
  for (const e of t.edges) {
    add(outOf, e.from, e.to)
    add(into, e.to, e.from)
  }
  const walk = (dir: 1 | -1) => {
    let frontier = [t.lot]
    for (let d = dir; frontier.length > 0; d += dir) {
      const next: string[] = []
      for (const code of frontier) {
        for (const other of (dir === 1 ? outOf : into).get(code) ?? []) {
          if (!depth.has(other)) { depth.set(other, d); next.push(other) }
        }
      }
      frontier = next
    }
  }
  walk(-1)
  walk(1)
  const minD = Math.min(...depth.values())
  const maxD = Math.max(...depth.values())
  const customerCol = maxD - minD + 1
  const columns = new Map<number, string[]>()
  for (const [code, d] of depth) columns.set(d - minD, [...(columns.get(d - minD) ?? []), code])

  // Order columns outward from the traced lot.
  const rowOf = new Map<string, number>()
  const rootCol = -minD
  const order = [rootCol, ...Array.from({ length: customerCol + 1 }, (_, i) => i).filter(c => c !== rootCol).sort((a, b) => Math.abs(a - rootCol) - Math.abs(b - rootCol))]
  const neighbours = (code: string) => [...(outOf.get(code) ?? []), ...(into.get(code) ?? [])]
  const customerKeys = [...new Set(t.shipments.map(s => `customer:${s.customer}`))]
  const lotsOfCustomer = new Map<string, string[]>()
  for (const s of t.shipments) for (const l of s.lines) add(lotsOfCustomer, `customer:${s.customer}`, l.lot)
  columns.set(customerCol, customerKeys)
  for (const c of order) {
    const codes = columns.get(c) ?? []
    const bary = (code: string) => {
      const near = code.startsWith('customer:')
        ? (lotsOfCustomer.get(code) ?? []).map(lot => rowOf.get(lot))
        : neighbours(code).map(n => rowOf.get(n))
      const known = near.filter((r): r is number => r !== undefined)
      return known.length ? known.reduce((a, b) => a + b, 0) / known.length : Number.MAX_SAFE_INTEGER
    }
    const at = new Map(codes.map(code => [code, bary(code)]))
    codes.sort((a, b) => at.get(a)! - at.get(b)! || a.localeCompare(b))
    codes.forEach((code, i) => rowOf.set(code, i))
  }

  const nodes: GraphNode[] = []
  let truncated = 0
  for (const [col, codes] of columns) {
    for (const [row, key] of codes.entries()) {
      if (nodes.length >= MAX_BOXES) { truncated++; continue }
      if (key.startsWith('customer:')) {
        const code = key.slice(9)
        nodes.push({ key, kind: 'customer', col, row, name: t.customers.find(c => c.customer.code === code)?.customer.name ?? code })
      } else nodes.push({ key, kind: 'lot', col, row, lot: byCode.get(key) })
    }
  }
  const shown = new Set(nodes.map(n => n.key))
  const edges: GraphEdge[] = t.edges.filter(e => shown.has(e.from) && shown.has(e.to))
    .map(e => ({ from: e.from, to: e.to, label: `${qty(e.quantity, e.unit)} · ${day(e.date)}` }))
  // One edge per lot and customer, summing the shipments.
  const shipped = new Map<string, { q: number, unit: string, dates: string[] }>()
  for (const s of t.shipments) {
    for (const l of s.lines) {
      const k = `${l.lot}\u0000customer:${s.customer}`
      const cur = shipped.get(k) ?? { q: 0, unit: l.unit, dates: [] }
      cur.q += l.quantity
      cur.dates.push(day(s.shipDate))
      shipped.set(k, cur)
    }
  }
  for (const [k, v] of shipped) {
    const [from, to] = k.split('\u0000') as [string, string]
    if (!shown.has(from) || !shown.has(to)) continue
    const dates = [...new Set(v.dates)].sort()
    edges.push({ from, to, label: `${qty(Math.round(v.q * 1000) / 1000, v.unit)} · ${dates.length > 1 ? `${dates[0]}…${dates.at(-1)}` : dates[0]}` })
  }
  const rows = Math.max(1, ...[...columns.values()].map(c => c.length))
  return { nodes, edges, columns: customerCol + 1, rows, truncated }
}

const trunc = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s)

/** The drawing: plain SVG, presentation attributes only (no inline style), each lot a link to its page. */
export function traceGraph (t: Trace): Html {
  const g = layoutTrace(t)
  const x = (col: number) => PAD + col * (BOX_W + COL_GAP)
  const y = (row: number) => PAD + row * (BOX_H + ROW_GAP)
  const pos = new Map(g.nodes.map(n => [n.key, n]))
  const width = PAD * 2 + g.columns * BOX_W + (g.columns - 1) * COL_GAP
  const height = PAD * 2 + g.rows * BOX_H + (g.rows - 1) * ROW_GAP
  const edge = (e: GraphEdge) => {
    const a = pos.get(e.from)!; const b = pos.get(e.to)!
    const x1 = x(a.col) + BOX_W; const y1 = y(a.row) + BOX_H / 2
    const x2 = x(b.col); const y2 = y(b.row) + BOX_H / 2
    const mx = (x1 + x2) / 2
    return html`<g class="edge"><path d="M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}" marker-end="url(#arrow)"/>
<text x="${mx}" y="${(y1 + y2) / 2 - 4}" text-anchor="middle">${e.label}</text></g>`
  }
  const box = (n: GraphNode) => {
    const bx = x(n.col); const by = y(n.row)
    if (n.kind === 'customer') {
      return html`<g class="box customer"><rect x="${bx}" y="${by}" width="${BOX_W}" height="${BOX_H}" rx="6"/>
<text x="${bx + 8}" y="${by + 20}" class="code">${trunc(n.name ?? '', 20)}</text><text x="${bx + 8}" y="${by + 40}">customer ${n.key.slice(9)}</text></g>`
    }
    const l = n.lot!
    const cls = `box ${l.code === t.lot ? 'root' : l.origin}`
    const sub = l.origin === 'received' ? `${l.supplier?.name ?? 'supplier'} lot ${l.supplierLotCode ?? '?'}` : `made ${day(l.date)}`
    return html`<g class="${cls}"><a href="${href`/lots/${l.code}`}"><title>${l.code}: ${l.product.name}, ${sub}</title><rect x="${bx}" y="${by}" width="${BOX_W}" height="${BOX_H}" rx="6"/>
<text x="${bx + 8}" y="${by + 17}" class="code">${l.code}</text><text x="${bx + 8}" y="${by + 32}">${trunc(l.product.name, 23)}</text><text x="${bx + 8}" y="${by + 46}">${trunc(sub, 24)}</text></a></g>`
  }
  return html`<div class="graph-wrap"><svg class="graph" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Trace of lot ${t.lot}: inputs on the left, what was made from it and customers on the right">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#6b7580"/></marker></defs>
${g.edges.map(edge)}${g.nodes.map(box)}
</svg></div>${g.truncated > 0 ? html`<p class="notice info">The drawing stops at ${MAX_BOXES} boxes; ${g.truncated} more are in the tree above and in the exports.</p>` : ''}`
}

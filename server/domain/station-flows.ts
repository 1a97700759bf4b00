import { randomUUID } from 'node:crypto'
import { DomainError } from './errors.ts'
import type { Gs1Scan } from './gs1.ts'
import type { LotRow, Lots } from './lots.ts'
import type { MasterData } from './master-data.ts'
import type { Pallets } from './pallets.ts'
import type { ScanInput } from './scan-input.ts'
import type { LabelRequest, StationDef } from './stations.ts'
import type { MassBalance, Product, ReferenceDocument } from './types.ts'
import { convertQuantity, formatQuantity, normalizeUnit } from './units.ts'

export type Outcome = 'pending' | 'question' | 'added' | 'recorded' | 'refused' | 'duplicate' | 'repeat' | 'cancelled'

/** What the station shows after a scan: a big good / bad / question signal and plain words. */
export interface ScanResult {
  scanId: string
  station: string
  at: string
  raw: string
  replayed: boolean
  outcome: Outcome
  signal: 'good' | 'bad' | 'ask'
  message: string
  pending?: Pending
}

export interface ReceiptPending { id: string, type: 'receipt', scanId: string, product: string, productName: string, gtin: string, supplierLotCode: string | null, quantity: number | null, unit: string, cases: number, bestBefore?: string, expiryDate?: string, productionDate?: string }

export type Pending =
  | ReceiptPending
  | { id: string, type: 'input', scanId: string, lot: string, productName: string, quantity: number | null, unit: string, onHand: number }
  | { id: string, type: 'map-gtin', scanId: string, gtin: string, raw: string }
  /** The same GTIN + lot again may be a second real case: ask. At receiving, the receipt waits underneath. */
  | { id: string, type: 'another-case', scanId: string, lot: string, quantity: number, unit: string, count: number, receipt?: ReceiptPending }

export interface ShipmentLine { lot: string, product: string, quantity: number, unit: string, cases: number, ssccs: string[], serials: string[] }
export interface OpenShipment { id: string, customer: string, customerName: string, referenceDocument?: ReferenceDocument, lines: ShipmentLine[], openedAt: string }

export interface StationState {
  delivery?: { supplier: string, referenceDocument?: ReferenceDocument }
  batch?: string
  shipment?: OpenShipment
  pending?: Pending
}

export interface Answer {
  confirm: boolean
  quantity?: number
  unit?: string
  supplier?: string
  supplierLotCode?: string
  referenceDocument?: ReferenceDocument
  qc?: { status: 'accepted' | 'rejected', temperatureC?: number, note?: string }
  product?: string              // map-gtin: which of our products this GTIN is
  user?: string
}

/** A lot as a scan sees it: the lot row and its mass balance, read once per scan. */
type LotOnHand = { lot: LotRow, balance: MassBalance }

type Partial = Omit<ScanResult, 'scanId' | 'station' | 'at' | 'raw' | 'replayed'>
const good = (outcome: Outcome, message: string, pending?: Pending): Partial => ({ outcome, signal: outcome === 'question' ? 'ask' : 'good', message, ...(pending ? { pending } : {}) })
const refuse = (message: string): never => { throw new DomainError('CONFLICT', message) }

/** The per-kind rules: what a scan means at a receiving dock, a production line, a shipping dock. */
export function createScanFlows ({ lots, masterData, pallets, requestLabel }: { lots: Lots, masterData: MasterData, pallets?: Pallets, requestLabel?: LabelRequest }) {
  /** A weight or count on the label, in `unit` when it converts exactly; null when the label has none. */
  function labelQuantity (g: Gs1Scan, unit: string): number | null {
    if (g.netWeight) {
      try { return convertQuantity(g.netWeight.value, g.netWeight.unit, unit) } catch { return null }
    }
    if (g.count !== undefined && !['kg', 'g', 'lb', 'oz', 'l', 'ml'].includes(unit)) return g.count
    return null
  }

  async function productForGtin (gtin: string): Promise<Product | null> {
    return masterData.getProduct(gtin)
  }

  /**
   * Our lot from a scan, with its balance: our lot number, or a supplier's lot code on their label
   * that maps to one received lot. One light lookup (no event list), which the scan's rules reuse.
   */
  async function resolveLot (input: ScanInput): Promise<LotOnHand> {
    if (input.kind === 'lot') {
      const found = await lots.getLotBalance(input.code)
      return found ?? refuse(`Lot ${input.code} is not known here`)
    }
    const g = input.gs1
    if (!g.lot) return refuse('This label has no lot (10): scan the lot label')
    const gtin = g.gtin ?? g.contentGtin
    const product = gtin ? await productForGtin(gtin) : null
    if (gtin && !product) return refuse(`GTIN ${gtin} is not one of our products or mapped to one`)
    const ours = await lots.getLotBalance(g.lot)
    if (ours && (!product || ours.lot.product.code === product.code)) return ours
    const received = (await lots.findLotsBySupplierLot(g.lot)).filter(l => !l.voided && (!product || l.product.code === product.code))
    if (received.length === 0) return refuse(`No lot received with supplier lot ${g.lot}${product ? ` of ${product.name}` : ''}: receive it first`)
    if (received.length > 1) return refuse(`Supplier lot ${g.lot} was received ${received.length} times (${received.map(l => l.code).join(', ')}): scan our lot label instead`)
    return { lot: received[0]!, balance: (await lots.getLotBalance(received[0]!.code))!.balance }
  }

  /** What is left of a lot that may be used, from the lookup the scan already made. */
  function usable ({ lot, balance }: LotOnHand): number {
    if (lot.voided) refuse(`Lot ${lot.code} was voided`)
    if (lot.qc?.status === 'rejected') refuse(`Lot ${lot.code} was rejected at receiving: do not use it`)
    const left = balance.onHand
    if (left <= 0) refuse(`Lot ${lot.code} (${lot.product.name}) is used up: ${formatQuantity(left, lot.unit)} left`)
    return left
  }

  async function scanReceiving (state: StationState, input: ScanInput, scanId: string): Promise<Partial> {
    if (input.kind === 'lot') return refuse('This is one of our own lot labels: at receiving, scan the supplier\'s case label')
    const g = input.gs1
    const gtin = g.gtin ?? g.contentGtin
    if (!gtin) return refuse(g.sscc ? 'This is a pallet SSCC: scan a case label or the pallet\'s content barcode (with GTIN and lot)' : 'This label has no GTIN: scan the supplier\'s case label')
    const product = await productForGtin(gtin)
    const p = state.pending
    if (!product) {
      if (p) return refuse('Finish the receipt on screen first (confirm or cancel)')
      state.pending = { id: randomUUID(), type: 'map-gtin', scanId, gtin, raw: input.gs1.elements.map(e => `(${e.ai})${e.value}`).join('') }
      return good('question', `Unknown GTIN ${gtin}: choose which of our products it is. Nothing was recorded.`, state.pending)
    }
    const quantity = labelQuantity(g, product.unit)
    if (p?.type === 'receipt' && p.gtin === gtin && p.supplierLotCode === (g.lot ?? null)) {
      state.pending = { id: randomUUID(), type: 'another-case', scanId, lot: g.lot ?? '', quantity: quantity ?? 0, unit: product.unit, count: p.cases + 1, receipt: p }
      return good('question', `Same product and supplier lot as before: is this another case? (would make ${p.cases + 1})`, state.pending)
    }
    if (p) return refuse(`Finish the receipt of ${p.type === 'receipt' ? p.productName : 'the last scan'} first (confirm or cancel)`)
    state.pending = {
      id: randomUUID(), type: 'receipt', scanId, product: product.code, productName: product.name, gtin, supplierLotCode: g.lot ?? null, quantity, unit: product.unit, cases: 1,
      ...(g.bestBefore ? { bestBefore: g.bestBefore } : {}), ...(g.expiry ? { expiryDate: g.expiry } : {}), ...(g.productionDate ? { productionDate: g.productionDate } : {})
    }
    const what = `${product.name}, supplier lot ${g.lot ?? '(none on label: type it)'}${quantity !== null ? `, ${formatQuantity(quantity, product.unit)}` : ''}`
    return good('pending', `${what}: ${quantity === null ? 'enter the quantity and ' : ''}confirm to receive`, state.pending)
  }

  async function scanProduction (state: StationState, input: ScanInput, scanId: string): Promise<Partial> {
    if (!state.batch) return refuse('No batch is open on this line: start a batch first')
    if (state.pending) return refuse('Confirm or cancel the last scanned input first')
    const found = await resolveLot(input)
    const { lot } = found
    const left = usable(found)
    const quantity = input.kind === 'gs1' ? labelQuantity(input.gs1, lot.unit) : null
    state.pending = { id: randomUUID(), type: 'input', scanId, lot: lot.code, productName: lot.product.name, quantity, unit: lot.unit, onHand: left }
    return good('pending', `${lot.product.name}, lot ${lot.code} (${formatQuantity(left, lot.unit)} left): ${quantity === null ? 'enter the quantity used' : `confirm ${formatQuantity(quantity, lot.unit)}`} for batch ${state.batch}`, state.pending)
  }

  async function scanShipping (state: StationState, input: ScanInput, scanId: string): Promise<Partial> {
    const s = state.shipment
    if (!s) return refuse('No shipment is open at this dock: choose the customer first')
    if (state.pending) return refuse('Answer the question about the last scan first')
    const g = input.kind === 'gs1' ? input.gs1 : null
    if (g?.sscc && s.lines.some(l => l.ssccs.includes(g.sscc!))) {
      return { outcome: 'duplicate', signal: 'bad', message: `Pallet ${g.sscc} is already on this shipment: not counted again` }
    }
    if (g?.sscc && !g.lot) {
      // The SSCC barcode alone: a pallet we built is known by its SSCC; another one needs its content barcode.
      const pallet = await pallets?.get(g.sscc)
      if (!pallet) return refuse(`Pallet ${g.sscc} was not built here: scan its content barcode (GTIN, count and lot) to add it`)
      const found = (await lots.getLotBalance(pallet.lot))!
      const { lot } = found
      const left = usable(found)
      const line = s.lines.find(l => l.lot === lot.code)
      if ((line?.quantity ?? 0) + pallet.count > left + 1e-6) return refuse(`Lot ${lot.code} has only ${formatQuantity(left, lot.unit)} left`)
      addLine(s, lot, pallet.count, { sscc: g.sscc })
      return good('added', `Pallet ${g.sscc}: ${formatQuantity(pallet.count, lot.unit)} of lot ${lot.code} added`)
    }
    const found = await resolveLot(input)
    const { lot } = found
    if (lot.origin !== 'produced') return refuse(`Lot ${lot.code} is an ingredient we received, not a product we ship`)
    const serial = g?.serial && g.gtin ? `${g.gtin}/${g.serial}` : null
    const line = s.lines.find(l => l.lot === lot.code)
    if (serial && line?.serials.includes(serial)) {
      return { outcome: 'duplicate', signal: 'bad', message: `This case (GTIN ${g!.gtin}, serial ${g!.serial}) was already scanned: not counted again` }
    }
    const quantity = g?.count ?? (g ? labelQuantity(g, lot.unit) : null) ?? 1
    const left = usable(found)
    if ((line?.quantity ?? 0) + quantity > left + 1e-6) return refuse(`Lot ${lot.code} has only ${formatQuantity(left, lot.unit)} left`)
    if (line && !serial && !g?.sscc) {
      state.pending = { id: randomUUID(), type: 'another-case', scanId, lot: lot.code, quantity, unit: lot.unit, count: line.cases + 1 }
      return good('question', `Lot ${lot.code} again: is this another case? (would make ${line.cases + 1})`, state.pending)
    }
    addLine(s, lot, quantity, { sscc: g?.sscc, serial })
    return good('added', `${lot.product.name}, lot ${lot.code}: ${formatQuantity(quantity, lot.unit)} added (${s.lines.length} line${s.lines.length === 1 ? '' : 's'} on this shipment)`)
  }

  function addLine (s: OpenShipment, lot: LotRow, quantity: number, extra: { sscc?: string, serial?: string | null }) {
    let line = s.lines.find(l => l.lot === lot.code)
    if (!line) { line = { lot: lot.code, product: lot.product.code, quantity: 0, unit: lot.unit, cases: 0, ssccs: [], serials: [] }; s.lines.push(line) }
    line.quantity = Math.round((line.quantity + quantity) * 1e6) / 1e6
    line.cases++
    if (extra.sscc) line.ssccs.push(extra.sscc)
    if (extra.serial) line.serials.push(extra.serial)
  }

  async function label (def: StationDef, template: 'receiving' | 'case', lot: string, user?: string) {
    if (!requestLabel) return null
    try {
      return await requestLabel({ station: def.code, template, lot, user: user ?? 'operator' })
    } catch (e) {
      // Record first, print second: the lot stands; the page shows the lot as not printed with a reprint button.
      return { error: (e as Error).message }
    }
  }

  return {
    label,

    async scan (def: StationDef, state: StationState, input: ScanInput, scanId: string): Promise<Partial> {
      if (def.kind === 'receiving') return scanReceiving(state, input, scanId)
      if (def.kind === 'production') return scanProduction(state, input, scanId)
      return scanShipping(state, input, scanId)
    },

    async answer (def: StationDef, state: StationState, a: Answer) {
      const p = state.pending
      if (!p) throw new DomainError('CONFLICT', 'Nothing is waiting for an answer at this station')
      if (!a.confirm) {
        if (p.type === 'another-case' && p.receipt) state.pending = p.receipt
        else delete state.pending
        return { outcome: 'cancelled' as const, message: 'Cancelled: nothing was recorded' }
      }
      switch (p.type) {
        case 'map-gtin': {
          if (!a.product) throw new DomainError('INVALID', 'Choose the product this GTIN belongs to')
          const product = await masterData.mapGtin(p.gtin, a.product, a.user ?? 'operator')
          delete state.pending
          return { outcome: 'recorded' as const, message: `GTIN ${p.gtin} is now ${product.name}: scan the label again` }
        }
        case 'another-case': {
          const receipt = p.receipt
          if (receipt) {
            receipt.cases = p.count
            receipt.quantity = receipt.quantity === null ? null : Math.round((receipt.quantity + p.quantity) * 1e6) / 1e6
            state.pending = receipt
            return { outcome: 'pending' as const, message: `${p.count} cases of supplier lot ${receipt.supplierLotCode}: confirm to receive` }
          }
          const found = (await lots.getLotBalance(p.lot))!.lot
          addLine(state.shipment!, found, p.quantity, {})
          delete state.pending
          return { outcome: 'added' as const, message: `Lot ${p.lot}: ${p.count} cases on this shipment` }
        }
        case 'receipt': {
          const supplier = a.supplier ?? state.delivery?.supplier
          if (!supplier) throw new DomainError('INVALID', 'Choose the supplier of this delivery')
          const quantity = a.quantity ?? p.quantity
          if (quantity === null || quantity === undefined) throw new DomainError('INVALID', 'Enter the quantity received')
          const supplierLotCode = a.supplierLotCode ?? p.supplierLotCode
          if (!supplierLotCode) throw new DomainError('INVALID', 'Enter the supplier\'s lot code from the label')
          const { lot } = await lots.receive({
            product: p.product, supplier, supplierLotCode, quantity, unit: a.unit ? normalizeUnit(a.unit) : p.unit, location: def.location,
            referenceDocument: a.referenceDocument ?? state.delivery?.referenceDocument, qc: a.qc, bestBefore: p.bestBefore, expiryDate: p.expiryDate,
            productionDate: p.productionDate, user: a.user, station: def.code, requestId: `${def.code}:${p.id}`
          })
          delete state.pending
          const printed = await label(def, 'receiving', lot.code, a.user)
          return { outcome: 'recorded' as const, message: `Received as lot ${lot.code}`, lot, label: printed }
        }
        case 'input': {
          const quantity = a.quantity ?? p.quantity
          if (quantity === null || quantity === undefined) throw new DomainError('INVALID', 'Enter the quantity used')
          const batch = await lots.addBatchInput(state.batch!, { lot: p.lot, quantity, unit: a.unit, user: a.user, station: def.code, requestId: `${def.code}:${p.id}` })
          delete state.pending
          return { outcome: 'recorded' as const, message: `${formatQuantity(quantity, a.unit ?? p.unit)} of lot ${p.lot} added to batch ${batch.code}`, batch }
        }
      }
    }
  }
}

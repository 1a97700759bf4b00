/**
 * Receiving label for an ingredient lot, stuck on the supplier's cases at the dock and scanned by
 * our own stations when the ingredient is consumed.
 *
 * Barcode (decided): when the product has a GTIN, GS1-128 (01) GTIN + (10) *our* internal lot code,
 * so stations read every label we print the same way (GTIN + lot → our lot); without a GTIN, a plain
 * Code 128 of the internal lot code (scanners report ]C0, which parseGs1 refuses as non-GS1: the
 * station must look such a scan up as a lot code). The supplier's lot code (the TLC the supplier
 * assigned, FSMA 204) is printed as text but not encoded: the supplier's own case label already
 * carries it as (10), and one label carrying two lot codes would let a scan pick the wrong one.
 * The label never leaves the plant, so re-using the supplier's GTIN with our lot code stays internal.
 */
import type { Gs1Element } from '../server/domain/gs1.ts'
import { composeLabel, type LinearSpec } from './compose.ts'
import { checkLabelData, gs1Date, gs1Linear, matrixFor } from './gs1-values.ts'
import type { LabelLayout, LabelOptions } from './label.ts'

export interface ReceivingLabelInput {
  plant: { name: string }
  product: { name: string, gtin?: string | null }
  supplier: { name: string }
  lot: {
    /** Our internal lot code (GS1 CSET 82, at most 20 characters, as lot-number.ts makes them). */
    code: string
    supplierLotCode: string
    receivedDate: string
    quantity?: { value: number, unit: string }
  }
}

export interface ReceivingLabelOptions extends LabelOptions { now?: Date }

/** Ingredient receiving label layout. Throws DomainError('INVALID') for data GS1 would refuse. */
export function receivingLabel (input: ReceivingLabelInput, options: ReceivingLabelOptions): LabelLayout {
  const { lot, product } = input
  gs1Date(lot.receivedDate, 'receivedDate')
  const gtin = product.gtin ?? undefined
  const key: Gs1Element[] | undefined = gtin ? [{ ai: '01', value: gtin }, { ai: '10', value: lot.code }] : undefined
  if (key) checkLabelData(key, options.now)
  const linear: LinearSpec = key ? gs1Linear(key, 25) : { symbology: 'code128', text: lot.code, hri: lot.code, height: 25 }
  const fields = [
    { title: 'LOT', value: lot.code },
    { title: 'SUPPLIER LOT', value: lot.supplierLotCode },
    { title: 'RECEIVED', value: lot.receivedDate },
    ...(lot.quantity ? [{ title: 'QUANTITY', value: `${lot.quantity.value} ${lot.quantity.unit}` }] : []),
    ...(gtin ? [{ title: 'GTIN', value: gtin, optional: true }] : [])
  ]
  return composeLabel({
    template: 'receiving',
    header: [input.plant.name, `RECEIVED FROM ${input.supplier.name}`],
    name: product.name,
    fields,
    linear: [linear],
    matrix: matrixFor(options, key ?? [], key, lot.code),
    data: key ?? []
  }, options)
}

/**
 * GS1 logistic (pallet) label, in GS1's section order: free-format (shipper, ship-to) on top, text
 * with data titles in the middle, barcodes at the bottom with the SSCC lowest.
 *
 * Barcodes: (02)(37) content and count, then the date and (10) lot (the variable lot last), then
 * (00) alone, lowest, at X ≥ 0.495 mm and 31.75 mm high. A 4x2 is too short for this and is
 * refused; so is an 80 mm roll (the SSCC symbol alone is 88 mm wide at the minimum X).
 */
import type { Gs1Element } from '../server/domain/gs1.ts'
import { composeLabel } from './compose.ts'
import { checkLabelData, gs1Date, gs1Linear, matrixFor } from './gs1-values.ts'
import type { LabelLayout, LabelOptions } from './label.ts'

export interface PalletLabelInput {
  sscc: string
  shipper: { name: string, address: string }
  shipTo?: { name: string, address?: string }
  /** (02): the GTIN of the trade items on the pallet (all of one GTIN and one lot). */
  content: { gtin: string, name: string }
  /** (37): how many trade items. */
  count: number
  lot: string
  date: { kind: 'best-before' | 'expiry' | 'production', date: string }
}

export interface PalletLabelOptions extends LabelOptions { now?: Date }

const DATE_AI = { 'best-before': '15', expiry: '17', production: '11' } as const
const DATE_TITLE = { 'best-before': 'BEST BEFORE', expiry: 'USE BY', production: 'PROD DATE' } as const

/** Pallet (SSCC) label layout. Throws DomainError('INVALID') for data GS1 would refuse. */
export function palletLabel (input: PalletLabelInput, options: PalletLabelOptions): LabelLayout {
  if (!Number.isInteger(input.count) || input.count < 1) throw new TypeError(`"count" must be a whole number of trade items, got ${input.count}`)
  const content: Gs1Element[] = [{ ai: '02', value: input.content.gtin }, { ai: '37', value: String(input.count) }]
  const batch: Gs1Element[] = [{ ai: DATE_AI[input.date.kind], value: gs1Date(input.date.date, 'date') }, { ai: '10', value: input.lot }]
  const sscc: Gs1Element[] = [{ ai: '00', value: input.sscc }]
  const all = [...sscc, content[0]!, batch[0]!, content[1]!, batch[1]!]
  checkLabelData(all, options.now)
  const linear = [gs1Linear(content, 20), gs1Linear(batch, 20), gs1Linear(sscc, 31.75)]
  const header = [input.shipper.name, input.shipper.address]
  if (input.shipTo) header.push(`SHIP TO: ${input.shipTo.name}${input.shipTo.address ? ', ' + input.shipTo.address : ''}`)
  return composeLabel({
    template: 'pallet',
    header,
    name: input.content.name,
    fields: [
      { title: 'SSCC', value: input.sscc },
      { title: 'CONTENT', value: input.content.gtin },
      { title: 'COUNT', value: String(input.count) },
      { title: 'BATCH/LOT', value: input.lot },
      { title: DATE_TITLE[input.date.kind], value: input.date.date }
    ],
    linear,
    // The QR opens the lot of the trade items on the pallet: (02) is not a Digital Link key, its GTIN is.
    matrix: matrixFor(options, all, [{ ai: '01', value: input.content.gtin }, { ai: '10', value: input.lot }], input.lot),
    data: linear.flatMap(l => l.elements ?? [])
  }, options)
}

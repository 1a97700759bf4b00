/**
 * Finished-goods case label (a trade item in general distribution).
 *
 * Barcodes: GS1-128 (11)(15|17)(310n|320n) on top, GS1-128 (01)(10) lowest: GTIN + lot, the
 * symbol our stations and customers' docks scan to identify the lot, carries the variable-length
 * lot last so it needs no separator; both symbols stay far under 48 characters for any lot
 * (at most 38 and 30). `singleSymbol` puts everything in one GS1-128 (some receiving docks want
 * one scan); with a lot over 4 characters that breaks GS1's 48-character limit and the renderer
 * refuses it. A count goes in the text only: (37) belongs to logistic units with (02).
 */
import { addDays } from '../server/domain/dates.ts'
import { DomainError } from '../server/domain/errors.ts'
import type { Gs1Element } from '../server/domain/gs1.ts'
import { composeLabel } from './compose.ts'
import { checkLabelData, gs1Date, gs1Linear, matrixFor, netContentText, netWeightElement, type NetContent } from './gs1-values.ts'
import type { LabelLayout, LabelOptions } from './label.ts'

export interface CaseLabelInput {
  plant: { name: string, address: string }
  product: {
    name: string
    gtin: string
    /** Days from production to the date printed. */
    shelfLifeDays: number
    /** Best-before (15) for quality, expiry / use-by (17) for safety. */
    dateKind: 'best-before' | 'expiry'
    /** Per case: a weight ((310n) kg or (320n) lb, n decimals) or a count (text only). */
    netContent: NetContent
  }
  lot: { code: string, productionDate: string }
}

export interface CaseLabelOptions extends LabelOptions {
  singleSymbol?: boolean
  /** Decides the century of YYMMDD dates when validating (GS1 sliding window). Default: now. */
  now?: Date
}

/** Finished-goods case label layout. Throws DomainError('INVALID') for data GS1 would refuse. */
export function caseLabel (input: CaseLabelInput, options: CaseLabelOptions): LabelLayout {
  const { product, lot } = input
  const dateAi = product.dateKind === 'expiry' ? '17' : '15'
  const produced = gs1Date(lot.productionDate, 'productionDate')
  if (!Number.isInteger(product.shelfLifeDays) || product.shelfLifeDays < 0) {
    throw new DomainError('INVALID', `Shelf life must be a whole number of days, got ${product.shelfLifeDays}`)
  }
  const until = addDays(lot.productionDate, product.shelfLifeDays)
  const weight = netWeightElement(product.netContent)
  const key: Gs1Element[] = [{ ai: '01', value: product.gtin }, { ai: '10', value: lot.code }]
  const attributes: Gs1Element[] = [
    { ai: '11', value: produced },
    { ai: dateAi, value: gs1Date(until, product.dateKind) },
    ...(weight ? [weight] : [])
  ]
  const single = [key[0]!, ...attributes, key[1]!]
  checkLabelData(single, options.now)
  const linear = options.singleSymbol === true ? [gs1Linear(single, 25)] : [gs1Linear(attributes, 20), gs1Linear(key, 25)]
  return composeLabel({
    template: 'case',
    header: [input.plant.name, input.plant.address],
    name: product.name,
    fields: [
      { title: 'BATCH/LOT', value: lot.code },
      { title: product.dateKind === 'expiry' ? 'USE BY' : 'BEST BEFORE', value: until },
      { title: 'PROD DATE', value: lot.productionDate },
      netContentText(product.netContent),
      { title: 'GTIN', value: product.gtin, optional: true }
    ],
    linear,
    matrix: matrixFor(options, single, key, lot.code),
    data: linear.flatMap(l => l.elements ?? [])
  }, options)
}

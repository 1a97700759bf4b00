import type { Db } from '../db/client.ts'
import { getProduct, getPartner } from '../db/master.ts'
import { getLotByCode } from '../db/records.ts'
import { caseLabel, type CaseLabelInput } from '../templates/case-label.ts'
import { parseLabelSize, type LabelLayout, type LabelOptions } from '../templates/label.ts'
import { palletLabel, type PalletLabelInput } from '../templates/pallet-label.ts'
import { receivingLabel, type ReceivingLabelInput } from '../templates/receiving-label.ts'
import { renderEscpos } from '../templates/render/escpos.ts'
import { renderPng } from '../templates/render/png.ts'
import { renderSvg } from '../templates/render/svg.ts'
import { renderZpl } from '../templates/render/zpl.ts'
import type { Config } from './config.ts'
import { DomainError } from './domain/errors.ts'
import type { Pallet } from './domain/pallets.ts'
import type { LabelRequest } from './domain/stations.ts'
import type { PrintQueue, RenderLabel } from './print-queue.ts'

export type LabelTemplate = 'case' | 'pallet' | 'receiving'
export type LabelData =
  | { template: 'case', input: CaseLabelInput }
  | { template: 'pallet', input: PalletLabelInput }
  | { template: 'receiving', input: ReceivingLabelInput }

export interface Media { size: string, dpi: 203 | 300 }
export interface LabelServiceDeps {
  db: Db
  plant: Config['plant']
  /** Label size and resolution per printer (station code). */
  media: Map<string, Media>
  /** Which bytes each printer takes. */
  printerKinds: Map<string, 'zpl' | 'escpos' | 'file'>
  /** Where 2D codes on labels point (the Lotline server as phones reach it). */
  publicUrl?: string
}

/** From a recorded lot to label data, and from label data to a printer's bytes or a preview. */
export function createLabelService ({ db, plant, media, printerKinds, publicUrl }: LabelServiceDeps) {
  const address = [plant.address, [plant.city, plant.state, plant.zip].filter(Boolean).join(' ')].filter(Boolean).join(', ')

  /** The label a recorded lot gets: a GS1 case label for finished goods with a GTIN and shelf life, else our lot label. */
  async function dataForLot (lotCode: string, wanted: 'case' | 'receiving'): Promise<LabelData> {
    const lot = await getLotByCode(db.client, lotCode)
    if (!lot) throw new DomainError('NOT_FOUND', `Lot ${lotCode} not found`)
    const product = (await getProduct(db.client, lot.product.code))!
    if (wanted === 'case' && product.gtin && product.shelfLifeDays !== null) {
      return {
        template: 'case',
        input: {
          plant: { name: plant.name, address },
          product: {
            name: product.name, gtin: product.gtin, shelfLifeDays: product.shelfLifeDays, dateKind: 'best-before',
            netContent: product.netWeightKg ? { kind: 'weight', unit: 'kg', value: product.netWeightKg, decimals: 3 } : { kind: 'count', value: 1, unit: product.unit }
          },
          lot: { code: lot.code, productionDate: (lot.productionDate ?? lot.date).slice(0, 10) }
        }
      }
    }
    const supplier = lot.supplier ? await getPartner(db.client, lot.supplier.code) : null
    const received = await db.client.execute({ sql: "SELECT SUM(quantity) AS q FROM live_movements WHERE lot_id = ? AND kind IN ('received', 'produced')", args: [lot.id] })
    return {
      template: 'receiving',
      input: {
        plant: { name: plant.name },
        product: { name: product.name, gtin: product.gtin },
        supplier: { name: supplier?.name ?? plant.name },
        lot: { code: lot.code, supplierLotCode: lot.supplierLotCode ?? lot.batch ?? lot.code, receivedDate: lot.date.slice(0, 10), quantity: { value: Number(received.rows[0]?.q ?? 0), unit: lot.unit } }
      }
    }
  }

  function palletData (pallet: Pallet, content: { gtin: string, name: string }, bestBefore: string | null, shipTo?: { name: string, address?: string }): LabelData {
    return {
      template: 'pallet',
      input: {
        sscc: pallet.sscc, shipper: { name: plant.name, address }, ...(shipTo ? { shipTo } : {}), content, count: pallet.count, lot: pallet.lot,
        date: bestBefore ? { kind: 'best-before', date: bestBefore } : { kind: 'production', date: pallet.createdAt.slice(0, 10) }
      }
    }
  }

  function layout (data: LabelData, options: LabelOptions): LabelLayout {
    if (data.template === 'case') return caseLabel(data.input, options)
    if (data.template === 'pallet') return palletLabel(data.input, options)
    return receivingLabel(data.input, options)
  }

  function optionsFor (printer: string, reprint?: number): { options: LabelOptions, dpi: 203 | 300, kind: 'zpl' | 'escpos' | 'file' } {
    const m = media.get(printer) ?? { size: '4x6', dpi: 203 }
    const size = parseLabelSize(m.size)
    const kind = printerKinds.get(printer) ?? 'file'
    // An 80 mm ESC/POS head is too narrow for a GS1-128 with lot and date: DataMatrix only there.
    const narrow = size === '80mm' ? { matrix: 'datamatrix' as const, noLinear: true } : {}
    return { options: { size, ...(publicUrl ? { linkBase: publicUrl } : {}), ...narrow, ...(reprint ? { reprint } : {}) }, dpi: m.dpi, kind }
  }

  /** Bytes for the printer's language: ZPL for Zebra and file printers, a raster for ESC/POS. */
  const render: RenderLabel = (_template, data, { printer, reprint }) => {
    const { options, dpi, kind } = optionsFor(printer, reprint)
    const l = layout(data as LabelData, options)
    return kind === 'escpos' ? renderEscpos(l, { dpi, headDots: options.size === '80mm' ? 576 : 832 }) : renderZpl(l, { dpi })
  }

  return {
    dataForLot,
    palletData,
    render,

    /** What a station's printer would print, as SVG (for the page) or PNG. */
    preview (data: LabelData, printer: string, format: 'svg' | 'png' = 'svg'): string | Uint8Array {
      const { options, dpi } = optionsFor(printer)
      const l = layout(data, options)
      return format === 'png' ? renderPng(l, { dpi }) : renderSvg(l, { dpi })
    },

    /** The stations' hook: after a committed event, queue the lot's label on the station's printer. */
    requester (queue: PrintQueue): LabelRequest {
      return async ({ station, template, lot, user }) => {
        if (!queue.printerNames().includes(station)) return null
        const data = await dataForLot(lot, template)
        return { jobId: await queue.enqueue({ printer: station, station, lotCode: lot, template: data.template, data, user }) }
      }
    }
  }
}

export type LabelService = ReturnType<typeof createLabelService>

/**
 * Exports of recorded events as files: the CSV of a trace, FDA's sortable spreadsheet (XLSX), an
 * EPCIS 2.0 JSON-LD document and the shipping KDE packet. Routes and the CLI call these and only
 * send or write what they return.
 */
import { DomainError } from '../errors.ts'
import { createLineage, type TraceDirection } from '../lineage.ts'
import { createCollector, type CollectDeps } from './collect.ts'
import { buildEpcisDocument } from './epcis.ts'
import { buildFdaSheets } from './fda.ts'
import { writeFdaWorkbook } from './fda-xlsx.ts'
import { buildKdePacket, kdePacketCsv, type KdePacket } from './packet.ts'
import { traceCsv, traceCsvRows } from './trace-csv.ts'
import type { ExportData } from './types.ts'

export type ExportScope = { lot: string, direction: TraceDirection } | { from: string, to: string }

export interface ExportFile {
  body: Buffer | string
  contentType: string
  /** A safe file name: letters, digits, dot, dash and underscore only. */
  filename: string
  /** One line for the CLI and logs: what is in the file. */
  summary: string
}

export const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8; header=present',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  jsonld: 'application/ld+json; charset=utf-8'
} as const

const safe = (v: string) => v.replace(/[^A-Za-z0-9._-]+/g, '_')
const scopeName = (s: ExportScope) => 'lot' in s ? `${safe(s.lot)}-${s.direction}` : `${s.from}_${s.to}`
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

export interface ExportsDeps extends CollectDeps {
  /** The plant's GS1 company prefix: EPC URNs instead of Digital Link URIs for its own GTINs, GLNs and SSCCs. */
  companyPrefix?: string
}

export function createExports (deps: ExportsDeps) {
  const lineage = createLineage({ db: deps.db, clock: deps.clock })
  const collector = createCollector(deps)

  async function trace (lot: string, direction: TraceDirection) {
    const t = await lineage.trace(lot, direction)
    if (!t) throw new DomainError('NOT_FOUND', `Lot ${lot} not found`, { lot })
    return t
  }
  async function data (scope: ExportScope): Promise<ExportData> {
    return 'lot' in scope ? collector.fromTrace(await trace(scope.lot, scope.direction)) : collector.fromRange(scope.from, scope.to)
  }
  async function shipment (id: number): Promise<ExportData> {
    const d = await collector.fromShipment(id)
    if (!d) throw new DomainError('NOT_FOUND', `Shipment ${id} not found`, { shipment: id })
    return d
  }

  return {
    data,

    async traceCsv (lot: string, direction: TraceDirection): Promise<ExportFile> {
      const t = await trace(lot, direction)
      const rows = traceCsvRows(t)
      const count = (kind: string) => rows.filter(r => r[0] === kind).length
      return {
        body: traceCsv(t), contentType: CONTENT_TYPES.csv, filename: `trace-${scopeName({ lot, direction })}.csv`,
        summary: `trace of ${lot} (${direction}): ${plural(count('supplier lot'), 'supplier lot')}, ${plural(count('input'), 'input')}, ` +
          `${plural(count('open batch input'), 'open batch input')}, ${plural(count('shipment'), 'shipment line')}`
      }
    },

    /** FDA's electronic sortable spreadsheet of a trace or a date range. */
    async fdaXlsx (scope: ExportScope): Promise<ExportFile> {
      const d = await data(scope)
      const built = buildFdaSheets(d)
      const [rec, tra, shp] = built.sheets.map(s => s.rows.length)
      return {
        body: await writeFdaWorkbook(built, d), contentType: CONTENT_TYPES.xlsx, filename: `fda-${scopeName(scope)}.xlsx`,
        summary: `FDA spreadsheet, ${d.scope}: ${plural(rec!, 'receiving row')}, ${plural(tra!, 'transformation row')} ` +
          `(${plural(d.transformations.length, 'batch')}), ${plural(shp!, 'shipping row')}; ${plural(built.missing.length, 'missing KDE')}`
      }
    },

    async epcis (scope: ExportScope): Promise<ExportFile> {
      const d = await data(scope)
      const doc = buildEpcisDocument(d, { companyPrefix: deps.companyPrefix })
      const n = d.receipts.length + d.transformations.length + d.pallets.length + d.shipments.length
      return {
        body: JSON.stringify(doc, null, 2), contentType: CONTENT_TYPES.jsonld, filename: `epcis-${scopeName(scope)}.jsonld`,
        summary: `EPCIS 2.0 document, ${d.scope}: ${plural(n, 'event')} (${d.receipts.length} receiving, ${d.transformations.length} transformation, ` +
          `${d.pallets.length} aggregation, ${d.shipments.length} shipping)`
      }
    },

    async kdePacket (id: number): Promise<KdePacket> {
      return buildKdePacket(await shipment(id))
    },

    async kdePacketCsv (id: number): Promise<ExportFile> {
      const d = await shipment(id)
      const packet = buildKdePacket(d)
      return {
        body: kdePacketCsv(d), contentType: CONTENT_TYPES.csv, filename: `shipment-${id}-kdes.csv`,
        summary: `shipping KDEs of shipment ${id} to ${packet.shipment.customer.name}: ${plural(packet.lines.length, 'line')}; ${plural(packet.missing.length, 'missing KDE')}`
      }
    }
  }
}

export type Exports = ReturnType<typeof createExports>

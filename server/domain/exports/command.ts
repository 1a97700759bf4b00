/** `lotline export ...`: which export the command line asks for. cli.ts writes the file. */
import type { TraceDirection } from '../lineage.ts'
import type { ExportFile, Exports, ExportScope } from './index.ts'

export const EXPORT_USAGE = `Usage:
  lotline export fda|epcis|csv --lot <lot> [--direction backward|forward|both] [--out FILE]
  lotline export fda|epcis --from YYYY-MM-DD --to YYYY-MM-DD [--out FILE]
  lotline export kdes --shipment <id> [--out FILE]`

export type ExportRequest =
  | { kind: 'fda' | 'epcis', scope: ExportScope }
  | { kind: 'csv', lot: string, direction: TraceDirection }
  | { kind: 'kdes', shipment: number }

export interface ExportOptions { lot?: string, from?: string, to?: string, direction?: string, shipment?: string }

/** The request, or a message saying what is wrong with the command line (exit code 2). */
export function parseExportRequest (kind: string | undefined, o: ExportOptions): ExportRequest | string {
  const direction = (o.direction ?? 'both') as TraceDirection
  if (!['backward', 'forward', 'both'].includes(direction)) return '--direction must be backward, forward or both'
  if (kind === 'kdes') {
    const id = Number(o.shipment)
    return Number.isInteger(id) && id > 0 ? { kind, shipment: id } : `lotline export kdes needs --shipment <id>\n\n${EXPORT_USAGE}`
  }
  if (kind !== 'fda' && kind !== 'epcis' && kind !== 'csv') return `lotline export: say fda, epcis, csv or kdes\n\n${EXPORT_USAGE}`
  if (o.lot && (o.from || o.to)) return `give either --lot or --from/--to, not both\n\n${EXPORT_USAGE}`
  if (o.lot) return kind === 'csv' ? { kind, lot: o.lot, direction } : { kind, scope: { lot: o.lot, direction } }
  if (kind !== 'csv' && o.from && o.to) return { kind, scope: { from: o.from, to: o.to } }
  return `lotline export ${kind} needs ${kind === 'csv' ? '--lot' : '--lot, or --from and --to'}\n\n${EXPORT_USAGE}`
}

export function runExport (exporter: Exports, r: ExportRequest): Promise<ExportFile> {
  switch (r.kind) {
    case 'fda': return exporter.fdaXlsx(r.scope)
    case 'epcis': return exporter.epcis(r.scope)
    case 'csv': return exporter.traceCsv(r.lot, r.direction)
    case 'kdes': return exporter.kdePacketCsv(r.shipment)
  }
}

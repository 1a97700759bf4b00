import type { FastifyInstance } from 'fastify'
import type { PrintJobRow } from '../db/print-jobs.ts'
import { getLastStationLot, listStationLots } from '../db/search.ts'
import { listRecentScans } from '../db/stations.ts'
import type { BatchView } from '../server/domain/lots.ts'
import type { ScanResult, StationState } from '../server/domain/station-flows.ts'
import type { StationDef } from '../server/domain/stations.ts'
import type { Lot, Partner, Product } from '../server/domain/types.ts'
import type { PrinterState } from '../server/print-queue.ts'
import { signalOfScan, type Signal, type StationFeed } from './station-feed.ts'

export interface FeedRow { result: ScanResult, source: string }
export interface ScannerView { state: string, alert?: string, lastError?: string, simulated?: boolean }

/** Everything a station page shows, read fresh for every render (a few small queries). */
export interface StationView {
  def: StationDef
  state: StationState
  signal: Signal | null
  feed: FeedRow[]
  scanner: ScannerView | null
  printer: PrinterState | null
  /** Labels waiting, being sent, or uncertain (may or may not have printed): each may be reprinted. */
  jobs: PrintJobRow[]
  lastJob: PrintJobRow | null
  lastLot: Lot | null
  labelSvg: string | null
  batch: BatchView | null
  /** Receiving: the lots this dock recorded in the last 12 hours. */
  today: Lot[]
  suppliers: Partner[]
  customers: Partner[]
  products: Product[]
  now: string
}

export async function loadStationView (app: FastifyInstance, feed: StationFeed, code: string, clock: () => Date = () => new Date()): Promise<StationView> {
  const def = app.stations.get(code)
  const now = clock()
  const [state, scans, lastLot] = await Promise.all([app.stations.state(def.code), listRecentScans(app.db.client, def.code, 12), getLastStationLot(app.db.client, def.code)])
  const hardware = (app.hardwareStatus(def.code) ?? {}) as { scanner?: ScannerView | null, printer?: PrinterState | null }
  const queue = app.printQueue && app.printQueue.printerNames().includes(def.code) ? app.printQueue : null
  const [printer, jobs, recentJobs] = queue
    ? await Promise.all([queue.state(def.code), queue.listJobs({ printer: def.code, statuses: ['queued', 'sending', 'uncertain'] }, 20), queue.listJobs({ printer: def.code }, 1)])
    : [hardware.printer ?? null, [], []]
  const needs = {
    suppliers: def.kind === 'receiving',
    customers: def.kind === 'shipping',
    products: def.kind !== 'shipping'
  }
  const [suppliers, customers, products, batch, today] = await Promise.all([
    needs.suppliers ? app.masterData.listPartners('supplier') : [],
    needs.customers ? app.masterData.listPartners('customer') : [],
    needs.products ? app.masterData.listProducts() : [],
    state.batch ? app.lots.getBatch(state.batch) : null,
    // A shift's receipts, whatever the plant's time zone: the last 12 hours.
    def.kind === 'receiving' ? listStationLots(app.db.client, def.code, new Date(now.getTime() - 12 * 3600_000).toISOString()) : []
  ])
  const feedRows = scans.map(s => ({ result: JSON.parse(s.result) as ScanResult, source: s.source }))
  return {
    def, state, feed: feedRows, scanner: hardware.scanner ?? null, printer, jobs, lastJob: recentJobs[0] ?? null, lastLot,
    labelSvg: lastLot ? await labelPreview(app, def.code, lastLot) : null,
    signal: feed.last(def.code) ?? (feedRows[0] ? signalOfScan(feedRows[0].result) : null),
    batch, today, suppliers, customers, products, now: now.toISOString()
  }
}

/** The label as this station's printer would print it (same renderer as the printer's bytes). */
async function labelPreview (app: FastifyInstance, station: string, lot: Lot): Promise<string | null> {
  if (!app.labels) return null
  try {
    const data = await app.labels.dataForLot(lot.code, lot.origin === 'produced' ? 'case' : 'receiving')
    const svg = app.labels.preview(data, station, 'svg')
    return typeof svg === 'string' ? svg : new TextDecoder().decode(svg)
  } catch (e) {
    app.log.warn({ err: e, lot: lot.code }, 'label preview failed')
    return null
  }
}

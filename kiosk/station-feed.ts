import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { Stations } from '../server/domain/stations.ts'
import type { ScanResult } from '../server/domain/station-flows.ts'
import type { PrintQueue } from '../server/print-queue.ts'
import { keptMessage } from '../server/scan-spool.ts'

/** The parts of a station page that are redrawn separately (element ids). */
export type Region = 'status' | 'signal' | 'work' | 'side' | 'feed'
export const ALL_REGIONS: Region[] = ['status', 'signal', 'work', 'side', 'feed']

/** What the big banner on a station page shows: the last thing that happened there. */
export interface Signal {
  /** New id, new banner: the page beeps once per id. */
  id: string
  /** `kept`: a scan the database could not take now, kept on this kiosk to be recorded later. */
  signal: 'good' | 'bad' | 'ask' | 'info' | 'kept'
  message: string
  at: string
  raw?: string
}

export function signalOfScan (r: ScanResult): Signal {
  return { id: r.scanId, signal: r.signal, message: r.message, at: r.at, raw: r.raw }
}

/**
 * Watches everything that changes a station page (scans from any source, answers, state, scanner
 * and printer events, print jobs) and tells the page streams which station changed and which parts of its page. Keeps the
 * last signal per station in memory: a page opened later shows it, and falls back to the scans
 * log after a restart.
 */
export function createStationFeed ({ stations, hardwareEvents, printQueue, scanSpool = null, clock = () => new Date() }: {
  stations: Stations, hardwareEvents: EventEmitter, printQueue: PrintQueue | null, scanSpool?: { events: EventEmitter } | null, clock?: () => Date
}) {
  const events = new EventEmitter()
  events.setMaxListeners(0)
  const last = new Map<string, Signal>()
  const changed = (station: string | undefined, regions: Region[]) => { if (station) events.emit('changed', station.toUpperCase(), regions) }

  const onScan = (r: ScanResult) => { last.set(r.station, signalOfScan(r)); changed(r.station, ['signal', 'feed', 'work']) }
  // A scan the database could not take, from the serial scanner or the page: KEPT on the banner.
  const onKept = (k: { station: string, scanId: string, waiting: number, at: string }) => {
    last.set(k.station.toUpperCase(), { id: k.scanId, signal: 'kept', message: keptMessage(k.waiting), at: k.at })
    changed(k.station, ['signal', 'status'])
  }
  const onAnswer = (a: { station: string, outcome: string, message: string }) => {
    const signal = a.outcome === 'cancelled' ? 'info' : a.outcome === 'pending' ? 'ask' : 'good'
    last.set(a.station, { id: randomUUID(), signal, message: a.message, at: clock().toISOString() })
    changed(a.station, ['signal', 'work', 'side'])
  }
  const onState = (s: { station: string }) => changed(s.station, ['work'])
  const onHardware = (h: { station?: string, rejected?: { reason: string, at: string } }) => {
    // Noise and broken frames from a serial scanner are bad scans too, in plain words.
    if (h.station && h.rejected) last.set(h.station, { id: randomUUID(), signal: 'bad', message: `Scanner: ${h.rejected.reason}`, at: h.rejected.at })
    changed(h.station, h.rejected ? ['status', 'signal'] : ['status'])
  }
  const onPrinter = (p: { printer?: string }) => changed(p.printer, ['status', 'side'])

  stations.events.on('scan', onScan).on('answer', onAnswer).on('state', onState)
  hardwareEvents.on('hardware', onHardware)
  printQueue?.events.on('state', onPrinter).on('job', onPrinter)
  scanSpool?.events.on('kept', onKept)

  return {
    events,
    last: (station: string): Signal | null => last.get(station.toUpperCase()) ?? null,
    /** A refused page action (no batch open, a reprint without reason…) shows on the banner like a bad scan. */
    note (station: string, signal: Signal['signal'], message: string) {
      last.set(station.toUpperCase(), { id: randomUUID(), signal, message, at: clock().toISOString() })
      changed(station, ['signal'])
    },
    close () {
      stations.events.off('scan', onScan).off('answer', onAnswer).off('state', onState)
      hardwareEvents.off('hardware', onHardware)
      printQueue?.events.off('state', onPrinter).off('job', onPrinter)
      scanSpool?.events.off('kept', onKept)
      events.removeAllListeners()
    }
  }
}

export type StationFeed = ReturnType<typeof createStationFeed>

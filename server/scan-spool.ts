import { EventEmitter } from 'node:events'
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { randomUUID } from 'node:crypto'
import type { ScanSourceKind, Stations } from './domain/stations.ts'
import { DomainError } from './domain/errors.ts'

/** What the operator is told about a scan kept on this kiosk (API 202, station page banner). */
export const keptMessage = (waiting: number) =>
  `The database cannot be reached: this scan is kept on this kiosk (${waiting} waiting) and will be recorded when it is back`

export interface SpooledScan { scanId: string, station: string, raw: string, source: ScanSourceKind, at: string }

/**
 * When the database cannot be written (a plant's libSQL server unreachable, a disk full, a lock
 * held too long), a scan is kept in a local file, fsynced, and recorded when the database answers
 * again: the line keeps running, the station says so, and no scan is lost. While a station has
 * scans waiting, its new scans queue behind them, so they are recorded in the order they came.
 * Replays use the scan's own id and time, so a scan that did reach the database is not recorded twice.
 */
export function createScanSpool ({ path, stations, retryMs = 2000, clock = () => new Date() }: { path: string, stations: Stations, retryMs?: number, clock?: () => Date }) {
  const events = new EventEmitter()
  mkdirSync(dirname(path), { recursive: true })
  let waiting: SpooledScan[] = existsSync(path)
    ? readFileSync(path, 'utf8').split('\n').filter(Boolean).flatMap(line => { try { return [JSON.parse(line) as SpooledScan] } catch { return [] } })
    : []
  let lastError: string | null = null
  let timer: NodeJS.Timeout | null = null
  let draining: Promise<void> | null = null

  const persist = () => {
    // Written whole and renamed: a crash leaves the old list or the new one, never half a line.
    const tmp = `${path}.tmp`
    const fd = openSync(tmp, 'w')
    try { writeSync(fd, waiting.map(s => JSON.stringify(s)).join('\n') + (waiting.length ? '\n' : '')); fsyncSync(fd) } finally { closeSync(fd) }
    renameSync(tmp, path)
  }
  const publish = () => {
    for (const station of new Set([...waiting.map(s => s.station), ...stations.list().map(s => s.code)])) {
      events.emit('spool', { station, waiting: waiting.filter(s => s.station === station).length, dbError: lastError })
    }
  }
  const schedule = () => { if (!timer && waiting.length) timer = setTimeout(() => { timer = null; void drain() }, retryMs) }

  async function drain (): Promise<void> {
    if (draining) return draining
    draining = (async () => {
      while (waiting.length) {
        const next = waiting[0]!
        try {
          await stations.handleScan(next.station, next.raw, { scanId: next.scanId, source: next.source, at: next.at })
        } catch (e) {
          if (!(e instanceof DomainError)) { lastError = (e as Error).message; publish(); schedule(); return }
          // A station that no longer exists: the scan cannot be recorded anywhere; keep it out of the way.
        }
        waiting.shift()
        lastError = null
        persist()
        publish()
      }
    })().finally(() => { draining = null })
    return draining
  }

  return {
    events,
    waitingFor: (station: string) => waiting.filter(s => s.station === station).length,
    lastError: () => lastError,

    /**
     * Records a scan now, or keeps it when the database cannot be written. Returns the station's
     * answer, or null when the scan was kept for later.
     */
    async record (station: string, raw: string, { scanId, source = 'serial' }: { scanId?: string, source?: ScanSourceKind } = {}) {
      scanId ??= randomUUID()
      // A retried post of a scan that is already waiting here (its answer was lost): kept once.
      if (waiting.some(s => s.scanId === scanId)) { schedule(); return null }
      const entry: SpooledScan = { scanId, station, raw, source, at: clock().toISOString() }
      if (!waiting.some(s => s.station === station)) {
        try {
          return await stations.handleScan(station, raw, { scanId, source, at: entry.at })
        } catch (e) {
          if (e instanceof DomainError) throw e
          lastError = (e as Error).message
        }
      }
      waiting.push(entry)
      persist()
      // Kept, whatever sent it (a serial scanner or the page): the station's page says so.
      events.emit('kept', { station, scanId, waiting: waiting.filter(s => s.station === station).length, at: entry.at })
      publish()
      schedule()
      return null
    },
    drain,
    stop () { if (timer) clearTimeout(timer); timer = null }
  }
}

export type ScanSpool = ReturnType<typeof createScanSpool>

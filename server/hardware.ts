import { EventEmitter } from 'node:events'
import { join, resolve } from 'node:path'
import { createFakeScanner } from '../hardware/fake-scanner.ts'
import { createEscposPrinter } from '../hardware/escpos-printer.ts'
import { createFilePrinter } from '../hardware/file-printer.ts'
import type { Printer } from '../hardware/printer.ts'
import { createSerialScanner, type SerialScanner, type ScannerStatus } from '../hardware/serial-scanner.ts'
import { createZplTcpPrinter } from '../hardware/zpl-tcp-printer.ts'
import type { Config } from './config.ts'

export type StationConfig = Config['stations'][number]

/** The stations a demo plant runs when the configuration names none. */
export const DEMO_STATIONS: StationConfig[] = [
  { code: 'RCV1', kind: 'receiving', location: 'DOCK1' },
  { code: 'PRD1', kind: 'production', location: 'L1' },
  { code: 'SHP1', kind: 'shipping', location: 'DOCK2' }
]

export interface Hardware {
  scanners: Map<string, SerialScanner>
  printers: Map<string, Printer>
  /** Printer label size and resolution per station, for the renderer. */
  media: Map<string, { size: string, dpi: 203 | 300 }>
  events: EventEmitter
  status (station: string): { scanner: (ScannerStatus & { simulated: boolean }) | null }
}

/**
 * Creates each station's scanner and printer from the configuration: serial scanners and real
 * printers where configured; in demo mode, simulated scanners and file printers that write
 * the labels (ZPL and a PNG preview) under data/labels/<station>/.
 */
export function createHardware (config: Config, stations: StationConfig[], { labelsDir = resolve('data/labels') } = {}): Hardware {
  const scanners = new Map<string, SerialScanner>()
  const printers = new Map<string, Printer>()
  const media = new Map<string, { size: string, dpi: 203 | 300 }>()
  const simulated = new Set<string>()
  const events = new EventEmitter()
  for (const s of stations) {
    if (s.scanner) {
      scanners.set(s.code, createSerialScanner({ path: s.scanner.path, baudRate: s.scanner.baudRate, terminator: s.scanner.terminator }))
    } else if (config.demo) {
      scanners.set(s.code, createFakeScanner())
      simulated.add(s.code)
    }
    const p = s.printer
    media.set(s.code, { size: p?.labelSize ?? '4x6', dpi: p?.dpi ?? 203 })
    if (p?.type === 'zpl') {
      if (!p.host) throw new TypeError(`stations ${s.code}: "printer.host" is required for a ZPL printer`)
      printers.set(s.code, createZplTcpPrinter({ host: p.host, port: p.port ?? 9100 }))
    } else if (p?.type === 'escpos') {
      const uri = p.device ?? (p.host ? `tcp://${p.host}:${p.port ?? 9100}` : null)
      if (!uri) throw new TypeError(`stations ${s.code}: an ESC/POS printer needs "printer.host" or "printer.device"`)
      printers.set(s.code, createEscposPrinter({ interface: uri }))
    } else {
      // A file printer when asked for, and the stand-in when no printer is configured: labels are never lost.
      printers.set(s.code, createFilePrinter({ dir: p?.dir ? resolve(p.dir) : join(labelsDir, s.code) }))
    }
  }
  for (const [code, scanner] of scanners) {
    scanner.on('status', (status: ScannerStatus) => events.emit('hardware', { station: code, scanner: { ...status, simulated: simulated.has(code) } }))
    // Noise and broken frames reach the station page as bad scans, in plain words.
    scanner.on('rejected', (r: { kind: string, reason: string, at: string }) => events.emit('hardware', { station: code, rejected: { kind: r.kind, reason: r.reason, at: r.at } }))
  }
  return {
    scanners,
    printers,
    media,
    events,
    status: (station: string) => {
      const sc = scanners.get(station)
      return { scanner: sc ? { ...sc.status(), simulated: simulated.has(station) } : null }
    }
  }
}

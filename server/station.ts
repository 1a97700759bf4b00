import type { FastifyBaseLogger } from 'fastify'
import type { SerialScanner } from '../hardware/serial-scanner.ts'
import type { Stations } from './domain/stations.ts'

/**
 * The scan loop of each station: every frame a scanner delivers goes through the same path as a
 * keyboard-wedge scan. A scan that fails unexpectedly is logged and the loop goes on: the line
 * never stops because of one bad scan.
 */
export function runScanLoops (stations: Stations, scanners: Map<string, SerialScanner>, log: FastifyBaseLogger, signal: AbortSignal): Promise<void[]> {
  return Promise.all([...scanners].map(async ([code, scanner]) => {
    scanner.on('rejected', (r: { reason: string }) => log.warn({ station: code, reason: r.reason }, 'scanner frame refused'))
    for await (const raw of scanner.scans(signal)) {
      try {
        const result = await stations.handleScan(code, raw, { source: 'serial' })
        log.info({ station: code, scanId: result.scanId, outcome: result.outcome }, result.message)
      } catch (e) {
        log.error({ err: e, station: code }, 'scan could not be handled')
      }
    }
  }))
}

import type { FastifyBaseLogger } from 'fastify'
import type { SerialScanner } from '../hardware/serial-scanner.ts'
import type { ScanSpool } from './scan-spool.ts'

/**
 * The scan loop of each station: every frame a scanner delivers goes through the same path as a
 * keyboard-wedge scan, through the spool that keeps it when the database cannot be written. A scan that fails unexpectedly is logged and the loop goes on: the line
 * never stops because of one bad scan.
 */
export function runScanLoops (spool: ScanSpool, scanners: Map<string, SerialScanner>, log: FastifyBaseLogger, signal: AbortSignal): Promise<void[]> {
  return Promise.all([...scanners].map(async ([code, scanner]) => {
    scanner.on('rejected', (r: { reason: string }) => log.warn({ station: code, reason: r.reason }, 'scanner frame refused'))
    for await (const raw of scanner.scans(signal)) {
      try {
        const result = await spool.record(code, raw, { source: 'serial' })
        if (result) log.info({ station: code, scanId: result.scanId, outcome: result.outcome }, result.message)
        else log.warn({ station: code, waiting: spool.waitingFor(code), error: spool.lastError() }, 'database unreachable: scan kept on this kiosk until it is back')
      } catch (e) {
        log.error({ err: e, station: code }, 'scan could not be handled')
      }
    }
  }))
}

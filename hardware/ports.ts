/**
 * The narrow ports between the station logic and real devices. Adapters (one per technology)
 * implement them; fakes implement them for tests and for the demo mode.
 */

export type HardwareErrorCode = 'OFFLINE' | 'TIMEOUT' | 'PAPER_OUT' | 'HEAD_OPEN' | 'PAUSED' | 'FAULT' | 'DISCONNECTED' | 'NOISE'

/** A device failure. `cause` keeps the driver's own error. */
export class HardwareError extends Error {
  constructor (readonly code: HardwareErrorCode, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'HardwareError'
  }
}

/** One scan per trigger pull, terminator stripped, GS (0x1D) separators kept. */
export interface ScanSource {
  scans (signal?: AbortSignal): AsyncIterable<string>
}

/** Sends rendered label bytes. Rejects with HardwareError('OFFLINE' | 'TIMEOUT' | ...). */
export interface LabelSink {
  print (label: string | Uint8Array): Promise<void>
}

/**
 * The printer port: a LabelSink that can also report its status. Adapters live in
 * zpl-tcp-printer.ts, escpos-printer.ts, file-printer.ts and fake-printer.ts; templates/ builds
 * the bytes, these only move them.
 */
import { HardwareError, type HardwareErrorCode, type LabelSink } from './ports.ts'

/**
 * What a printer said about itself at `checkedAt` (ISO 8601).
 * `online` means "reachable and answering"; the other flags are only set when the printer reported
 * them (a device path cannot be asked, so a flag left undefined means "unknown", not "fine").
 * `fault` is a human-readable reason for any other condition that stops printing
 * (ribbon out, over temperature, no answer to the status request...). `raw` keeps the printer's
 * own answer for the logs.
 */
export interface PrinterStatus {
  online: boolean
  paperOut?: boolean
  paused?: boolean
  headOpen?: boolean
  fault?: string
  raw?: string
  checkedAt: string
}

export interface PrintOptions {
  /**
   * Ask the printer for its status first and refuse to send when it cannot print
   * (rejects PAPER_OUT / HEAD_OPEN / PAUSED / FAULT / OFFLINE, and nothing is sent).
   * Costs one extra round trip (at most `statusTimeoutMs`). Default: the adapter's
   * `checkStatus` option, itself false by default.
   */
  checkStatus?: boolean
}

/**
 * A label printer. `print` resolves once the bytes were handed over; as DOMAIN.md says, that does
 * not prove a label came out. `status` never rejects for a device condition: an unreachable
 * printer resolves `{ online: false }`.
 */
export interface Printer extends LabelSink {
  /** Which bytes this printer understands, so the caller picks the template renderer. */
  readonly kind: 'zpl' | 'escpos' | 'file'
  print (label: string | Uint8Array, options?: PrintOptions): Promise<void>
  status (): Promise<PrinterStatus>
}

/**
 * Throws the HardwareError a print must fail with for this status, most specific cause first:
 * a paper-out or head-open printer may report "paused" too, and the operator must fix the cause.
 */
export function assertReady (status: PrinterStatus): void {
  const fail = (code: HardwareErrorCode, message: string): never => {
    throw new HardwareError(code, message, { cause: status })
  }
  if (!status.online) fail('OFFLINE', `printer is offline${status.fault != null ? `: ${status.fault}` : ''}`)
  if (status.headOpen === true) fail('HEAD_OPEN', 'printer head or cover is open')
  if (status.paperOut === true) fail('PAPER_OUT', 'printer is out of paper')
  if (status.fault != null) fail('FAULT', `printer fault: ${status.fault}`)
  if (status.paused === true) fail('PAUSED', 'printer is paused')
}

/** Socket/driver error codes that mean "nobody is there to print" (as opposed to a fault). */
const OFFLINE_CODES = new Set([
  'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENOTFOUND', 'EAI_AGAIN',
  'ETIMEDOUT', 'ECONNRESET', 'EPIPE', 'ENOENT', 'ENODEV', 'ENXIO'
])

/** Wraps a driver/socket error into a HardwareError: OFFLINE for the codes above, else FAULT. */
export function toHardwareError (error: unknown, what: string): HardwareError {
  if (error instanceof HardwareError) return error
  const code = (error as { code?: unknown } | null)?.code
  const detail = error instanceof Error ? error.message : String(error)
  if (typeof code === 'string' && OFFLINE_CODES.has(code)) {
    return new HardwareError('OFFLINE', `${what}: printer unreachable (${code})`, { cause: error })
  }
  return new HardwareError('FAULT', `${what}: ${detail}`, { cause: error })
}

/**
 * Label bytes as sent on the wire: strings are UTF-8 (ZPL templates should start with ^CI28);
 * bytes are copied, so a caller may reuse its buffer while the job waits its turn.
 */
export function labelBytes (label: string | Uint8Array): Buffer {
  return typeof label === 'string' ? Buffer.from(label, 'utf8') : Buffer.from(label)
}

/** Rejects with HardwareError('TIMEOUT') unless `work` settles within `ms`; `onTimeout` cleans up. */
export async function withTimeout<T> (work: Promise<T>, ms: number, what: string, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      onTimeout?.()
      reject(new HardwareError('TIMEOUT', `${what} timed out after ${ms} ms`, { cause: new Error(`no progress within ${ms} ms`) }))
    }, ms)
  })
  try {
    return await Promise.race([work, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Runs tasks one at a time, in call order, whatever each one's outcome. Printers take one job
 * per connection, and labels must come out in the order the line asked for them; every task is
 * bounded by its adapter's timeouts, so a stuck one delays the next by at most that much.
 */
export function serialize (): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve()
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task)
    tail = run.catch(() => {})
    return run
  }
}

/** Bad configuration throws a TypeError at startup naming the option (STYLE.md). */
export function checkPositive (name: string, value: number, unit = 'milliseconds'): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new TypeError(`"${name}" must be a positive number of ${unit}, got ${String(value)}`)
  return value
}

/**
 * In-memory printer for tests and the demo mode. It behaves like the real adapters:
 * an offline printer rejects OFFLINE; with `checkStatus` a paper-out/paused/head-open/faulted
 * status rejects and records nothing; without it the label is accepted whatever the status,
 * exactly as a Zebra accepts bytes on port 9100 while out of paper.
 */
import { HardwareError, type HardwareErrorCode } from './ports.ts'
import { assertReady, type Printer, type PrinterStatus, type PrintOptions } from './printer.ts'

export interface FakePrinterOptions {
  /** Which bytes it pretends to take. Default 'zpl'. */
  kind?: Printer['kind']
  /** Default for PrintOptions.checkStatus. Default false. */
  checkStatus?: boolean
}

export interface FakePrinter extends Printer {
  /** Labels accepted, oldest first; byte labels are copied when printed. */
  readonly printed: Array<string | Uint8Array>
  /** The next print rejects with this code (calls queue up: one failure per call). */
  failNext (code: HardwareErrorCode, message?: string): void
  /** Merges into the current status, e.g. `setStatus({ paperOut: true })`. */
  setStatus (patch: Partial<Omit<PrinterStatus, 'checkedAt'>>): void
}

export function createFakePrinter (options: FakePrinterOptions = {}): FakePrinter {
  const { kind = 'zpl', checkStatus = false } = options
  const printed: Array<string | Uint8Array> = []
  const failures: Array<{ code: HardwareErrorCode, message: string }> = []
  let current: Omit<PrinterStatus, 'checkedAt'> = { online: true, paperOut: false, paused: false, headOpen: false }
  const snapshot = (): PrinterStatus => ({ ...current, checkedAt: new Date().toISOString() })

  return {
    kind,
    printed,
    failNext (code, message = `fake printer: ${code} (failNext)`) {
      failures.push({ code, message })
    },
    setStatus (patch) {
      current = { ...current, ...patch }
    },
    async status () {
      return snapshot()
    },
    async print (label, printOptions?: PrintOptions) {
      await Promise.resolve() // settle asynchronously, as every real adapter does
      const failure = failures.shift()
      if (failure != null) throw new HardwareError(failure.code, failure.message, { cause: new Error('failNext') })
      const status = snapshot()
      if (!status.online) throw new HardwareError('OFFLINE', 'fake printer is offline', { cause: status })
      if (printOptions?.checkStatus ?? checkStatus) assertReady(status)
      printed.push(typeof label === 'string' ? label : Uint8Array.from(label))
    }
  }
}

/**
 * ESC/POS printers (Epson and compatibles): already-rendered raster bytes go out through
 * node-thermal-printer's `raw()`; status comes from the real-time request `DLE EOT n`.
 *
 * Why the status exchange does not use node-thermal-printer: its only way to read is
 * `execute({ waitForResponse: true })`, which opens a new connection, resolves with the first
 * data chunk whatever its length, and never settles if the printer closes without answering
 * (its timeout is an idle timer that the close clears). It cannot read from a device path at all.
 * So status is asked on a plain socket: DLE EOT 1, 2, 3 and 4 in one write, four status bytes
 * back (Epson ESC/POS reference, each byte 0b0xx1xx10):
 *   n=1 bit 3 offline; n=2 bit 2 cover open, bit 5 stopped by paper end, bit 6 error;
 *   n=3 bit 3 autocutter error, bit 5 unrecoverable, bit 6 auto-recoverable; n=4 bits 5+6 paper end.
 * For a device path (`/dev/usb/lp0`) status only says whether the device node exists and is writable.
 *
 * Failure contract of print() (always a HardwareError with `{ cause }`): OFFLINE when refused,
 * unreachable or the device node is missing (FAULT when not writable); TIMEOUT when the printer
 * stops taking bytes for timeoutMs; with checkStatus, PAPER_OUT / HEAD_OPEN (cover) / PAUSED /
 * FAULT / OFFLINE and nothing sent; silence to DLE EOT past statusTimeoutMs counts as FAULT.
 * One job at a time per printer, in call order.
 */
import net from 'node:net'
import { access, constants, stat } from 'node:fs/promises'
import { ThermalPrinter, PrinterTypes } from 'node-thermal-printer'
import { HardwareError } from './ports.ts'
import {
  assertReady, checkPositive, labelBytes, serialize, toHardwareError, withTimeout,
  type Printer, type PrinterStatus, type PrintOptions
} from './printer.ts'

export interface EscposPrinterOptions {
  /** `tcp://host:port` (port defaults to 9100) or a device path such as `/dev/usb/lp0`. */
  interface: string
  /** Longest stall while connecting or sending (node-thermal-printer's idle timer); print()
   *  settles within 2 x timeoutMs whatever the driver does. Default 5000 ms. */
  timeoutMs?: number
  /** Connect, ask and get the four status bytes back. Default 2000 ms. */
  statusTimeoutMs?: number
  /** Default for PrintOptions.checkStatus. Default false. */
  checkStatus?: boolean
}

const TCP = /^tcp:\/\/([^/:]+)(?::(\d+))?\/?$/i // the pattern node-thermal-printer itself uses
const STATUS_REQUEST = Buffer.from([0x10, 0x04, 1, 0x10, 0x04, 2, 0x10, 0x04, 3, 0x10, 0x04, 4])

/** Maps the four DLE EOT answers (n = 1, 2, 3, 4) to a status; undefined if they are not status bytes. */
export function parseEscposStatus (bytes: Uint8Array): Omit<PrinterStatus, 'checkedAt'> | undefined {
  const [printer, offline, error, paper] = bytes
  if (paper === undefined || bytes.length !== 4 || ![...bytes].every(b => (b & 0x93) === 0x12)) return undefined
  const on = (byte: number | undefined, mask: number): boolean => ((byte ?? 0) & mask) === mask
  const faults = [
    on(offline, 0x40) && 'error reported',
    on(error, 0x08) && 'autocutter error',
    on(error, 0x20) && 'unrecoverable error',
    on(error, 0x40) && 'auto-recoverable error (head temperature?)'
  ].filter((f): f is string => f !== false)
  const paperOut = on(paper, 0x60) || on(offline, 0x20)
  const headOpen = on(offline, 0x04)
  return {
    online: true,
    paperOut,
    headOpen,
    // Offline with no cause we know of: someone is holding the feed button, or similar.
    paused: on(printer, 0x08) && !paperOut && !headOpen && faults.length === 0,
    ...(faults.length > 0 ? { fault: faults.join(', ') } : {}),
    raw: Buffer.from(bytes).toString('hex')
  }
}

export function createEscposPrinter (options: EscposPrinterOptions): Printer {
  const { interface: uri, checkStatus = false } = options
  const tcp = typeof uri === 'string' ? TCP.exec(uri) : null
  if (tcp == null && !(typeof uri === 'string' && uri.startsWith('/'))) {
    throw new TypeError(`"interface" must be tcp://host:port or a device path, got ${String(uri)}`)
  }
  const timeoutMs = checkPositive('timeoutMs', options.timeoutMs ?? 5000)
  const statusTimeoutMs = checkPositive('statusTimeoutMs', options.statusTimeoutMs ?? 2000)
  const host = tcp?.[1]
  const port = Number(tcp?.[2] ?? 9100)
  const where = `ESC/POS printer ${uri}`
  const driver = new ThermalPrinter({
    // The type only matters for node-thermal-printer's text builders; raw() sends bytes as is.
    // DLE EOT is Epson's ESC/POS: a Star in Star mode answers differently (ASB), not supported.
    type: PrinterTypes.EPSON,
    interface: uri,
    options: { timeout: timeoutMs }
  })

  async function deviceStatus (path: string): Promise<PrinterStatus> {
    const checkedAt = new Date().toISOString()
    try {
      if (!(await stat(path)).isCharacterDevice()) return { online: false, fault: `${path} is not a device`, checkedAt }
      await access(path, constants.W_OK) // EACCES: the service user is not in the printer's group (lp)
      return { online: true, checkedAt }
    } catch (error) {
      return { online: false, fault: `${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, checkedAt }
    }
  }

  function tcpStatus (host: string): Promise<PrinterStatus> {
    return new Promise((resolve) => {
      const received: number[] = []
      let connected = false
      const socket = net.connect({ host, port })
      const done = (status: Omit<PrinterStatus, 'checkedAt'>): void => {
        clearTimeout(timer)
        socket.destroy()
        resolve({ ...status, checkedAt: new Date().toISOString() })
      }
      const timer = setTimeout(() => done(connected
        ? { online: true, fault: `no answer to DLE EOT within ${statusTimeoutMs} ms`, raw: Buffer.from(received).toString('hex') }
        : { online: false, fault: `no connection within ${statusTimeoutMs} ms` }), statusTimeoutMs)
      socket.on('connect', () => { connected = true; socket.write(STATUS_REQUEST) })
      socket.on('data', (chunk: Buffer) => {
        received.push(...chunk)
        if (received.length < 4) return
        done(parseEscposStatus(Uint8Array.from(received.slice(0, 4))) ?? { online: true, fault: 'unreadable DLE EOT answer', raw: Buffer.from(received).toString('hex') })
      })
      socket.on('error', (error: NodeJS.ErrnoException) => done({ online: false, fault: error.code ?? error.message }))
      socket.on('close', () => done({ online: connected, fault: 'connection closed during DLE EOT' }))
    })
  }

  const readStatus = (): Promise<PrinterStatus> => (host != null ? tcpStatus(host) : deviceStatus(uri))
  const oneAtATime = serialize() // one job at a time, in call order (see printer.ts)

  async function print (bytes: Buffer, printOptions?: PrintOptions): Promise<void> {
    if (printOptions?.checkStatus ?? checkStatus) {
      assertReady(await readStatus())
    } else if (host == null) {
      // Without this, fs.writeFile behind node-thermal-printer would create a plain file
      // named like the device when the printer is unplugged, and "print" into it; and on
      // EACCES it would retry for 200 s behind a bare 'Printer Error' string.
      const device = await deviceStatus(uri)
      if (!device.online) {
        const code = device.fault?.endsWith('EACCES') === true ? 'FAULT' : 'OFFLINE'
        throw new HardwareError(code, `${where}: ${device.fault ?? 'missing'}`, { cause: device })
      }
    }
    try {
      // node-thermal-printer's idle timer fires after timeoutMs without progress (Node skips a
      // window in which the kernel still took bytes, so up to ~2x); this guard bounds the whole
      // print. We cannot reach the driver's socket: after the guard it may still be sending
      // until its idle timer destroys it.
      await withTimeout(driver.raw(bytes), 2 * timeoutMs, `${where}: sending`)
    } catch (error) {
      if (error instanceof HardwareError) throw error
      // 'Socket timeout' (network idle timer) and the bare string 'Printer Error' (file
      // interface, fixed 5 s) are the driver's only timeout signals.
      if ((error instanceof Error && error.message === 'Socket timeout') || error === 'Printer Error') {
        throw new HardwareError('TIMEOUT', `${where}: printer did not take the bytes within ${timeoutMs} ms`,
          { cause: error instanceof Error ? error : new Error(String(error)) })
      }
      throw toHardwareError(error, where)
    }
  }

  return {
    kind: 'escpos',
    status: () => oneAtATime(readStatus),
    print: (label, printOptions?: PrintOptions) => {
      const bytes = labelBytes(label)
      return oneAtATime(() => print(bytes, printOptions))
    }
  }
}

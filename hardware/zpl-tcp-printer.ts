/**
 * Zebra-compatible label printers: ZPL over raw TCP (port 9100), status from `~HS`.
 *
 * One TCP connection per label. With `checkStatus`, `~HS` is asked on that same connection and the
 * label is only written if the answer says the printer can print, so a paper-out printer receives
 * nothing (no race between a status connection and a print connection).
 *
 * Failure contract of print() (always a HardwareError with `{ cause }`):
 *   OFFLINE   connection refused / host unreachable / reset while sending
 *   TIMEOUT   no connection within connectTimeoutMs, or the printer did not read the whole label
 *             and close within writeTimeoutMs (a printer that accepts and never reads)
 *   PAPER_OUT / HEAD_OPEN / PAUSED / FAULT   from ~HS when checking; silence past statusTimeoutMs
 *             counts as FAULT
 * One job at a time per printer, in call order; each settles within connectTimeoutMs +
 * statusTimeoutMs (when checking) + writeTimeoutMs after its turn comes.
 */
import net from 'node:net'
import { HardwareError } from './ports.ts'
import {
  assertReady, checkPositive, labelBytes, serialize, toHardwareError,
  type Printer, type PrinterStatus, type PrintOptions
} from './printer.ts'

export interface ZplTcpPrinterOptions {
  host: string
  /** Raw print port. Default 9100. */
  port?: number
  /** Default 3000 ms. */
  connectTimeoutMs?: number
  /** From "connected" to "printer read everything and closed". Default 10000 ms. */
  writeTimeoutMs?: number
  /** Wait for the full three-line ~HS answer. Default 2000 ms. */
  statusTimeoutMs?: number
  /** Default for PrintOptions.checkStatus. Default false. */
  checkStatus?: boolean
}

const ETX = '\x03'

/**
 * Parses the `~HS` answer (ZPL II Programming Guide, "~HS Host Status Return"): three strings,
 * each `<STX>fields,...<ETX><CR><LF>`. Comma-separated field positions used, 0-based:
 *   string 1  `aaa,b,c,dddd,eee,f,g,h,iii,j,k,l`: [1] b paper out, [2] c pause,
 *             [9] j corrupt RAM, [10] k under temperature, [11] l over temperature
 *   string 2  `mmm,n,o,p,q,r,s,t,uuuuuuuu,v,www`: [2] o head up (open), [3] p ribbon out
 *   string 3  `xxxx,y` (password, static RAM): not used
 * A flag is set when its field is "1". Returns undefined until three frames have arrived or
 * when the first two frames do not have 12 and 11 fields.
 */
export function parseHostStatus (text: string): Omit<PrinterStatus, 'online' | 'checkedAt'> | undefined {
  const frames = [...text.matchAll(/\x02([^\x02\x03]*)\x03/g)].map(m => (m[1] ?? '').split(','))
  const [one, two] = frames
  if (frames.length < 3 || one?.length !== 12 || two?.length !== 11) return undefined
  const on = (fields: string[], i: number): boolean => fields[i]?.trim() === '1'
  const faults = [
    on(two, 3) && 'ribbon out',
    on(one, 9) && 'corrupt RAM',
    on(one, 10) && 'under temperature',
    on(one, 11) && 'over temperature'
  ].filter((f): f is string => f !== false)
  return {
    paperOut: on(one, 1),
    paused: on(one, 2),
    headOpen: on(two, 2),
    ...(faults.length > 0 ? { fault: faults.join(', ') } : {}),
    raw: text
  }
}

export function createZplTcpPrinter (options: ZplTcpPrinterOptions): Printer {
  const { host, port = 9100, checkStatus = false } = options
  if (typeof host !== 'string' || host === '') throw new TypeError('"host" must be a non-empty string')
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new TypeError(`"port" must be a TCP port, got ${port}`)
  const connectTimeoutMs = checkPositive('connectTimeoutMs', options.connectTimeoutMs ?? 3000)
  const writeTimeoutMs = checkPositive('writeTimeoutMs', options.writeTimeoutMs ?? 10_000)
  const statusTimeoutMs = checkPositive('statusTimeoutMs', options.statusTimeoutMs ?? 2000)
  const where = `ZPL printer ${host}:${port}`

  /** Resolves a connected socket; rejects OFFLINE or TIMEOUT. */
  function connect (): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port })
      const timer = setTimeout(() => {
        socket.destroy()
        reject(new HardwareError('TIMEOUT', `${where}: no connection within ${connectTimeoutMs} ms`,
          { cause: new Error(`connect timeout (${connectTimeoutMs} ms)`) }))
      }, connectTimeoutMs)
      socket.once('error', (error) => { clearTimeout(timer); socket.destroy(); reject(toHardwareError(error, where)) })
      socket.once('connect', () => {
        clearTimeout(timer)
        // From here each phase listens for errors itself; this keeps one between phases from
        // becoming an uncaught exception (sendAndClose then sees a destroyed socket).
        socket.removeAllListeners('error').on('error', () => {})
        resolve(socket)
      })
    })
  }

  /** Sends ~HS and waits for the three frames; never rejects (silence becomes `fault`). */
  function askHostStatus (socket: net.Socket): Promise<PrinterStatus> {
    return new Promise((resolve) => {
      let text = ''
      const done = (status: Omit<PrinterStatus, 'checkedAt'>): void => {
        clearTimeout(timer)
        socket.off('data', onData).off('error', onEnd).off('close', onEnd)
        socket.pause()
        resolve({ ...status, checkedAt: new Date().toISOString() })
      }
      const onData = (chunk: Buffer): void => {
        text += chunk.toString('latin1')
        const frames = text.split(ETX).length - 1
        if (frames < 3) return
        const parsed = parseHostStatus(text)
        done(parsed != null ? { online: true, ...parsed } : { online: true, fault: 'unreadable ~HS answer', raw: text })
      }
      const onEnd = (): void => done({ online: false, fault: 'connection closed during ~HS', raw: text })
      const timer = setTimeout(() => done({ online: true, fault: `no answer to ~HS within ${statusTimeoutMs} ms`, raw: text }), statusTimeoutMs)
      socket.on('data', onData).on('error', onEnd).on('close', onEnd)
      socket.write('~HS')
    })
  }

  /** Writes the label, ends, and waits for the printer to close: it read everything. */
  function sendAndClose (socket: net.Socket, bytes: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      if (socket.destroyed) {
        reject(new HardwareError('OFFLINE', `${where}: connection lost before sending`, { cause: socket.errored ?? new Error('socket closed') }))
        return
      }
      const timer = setTimeout(() => {
        // RST rather than FIN: drop what the kernel still holds, so a label reported as
        // TIMEOUT does not come out later anyway (and the operator prints it twice).
        socket.resetAndDestroy()
        reject(new HardwareError('TIMEOUT', `${where}: label not taken within ${writeTimeoutMs} ms`,
          { cause: new Error(`printer did not read ${bytes.length} bytes and close within ${writeTimeoutMs} ms`) }))
      }, writeTimeoutMs)
      socket.once('error', (error) => { clearTimeout(timer); reject(toHardwareError(error, `${where}: while sending`)) })
      socket.once('close', (hadError) => { clearTimeout(timer); if (!hadError) resolve() })
      socket.resume() // drain anything the printer says, so its close reaches us
      socket.end(bytes)
    })
  }

  const oneAtATime = serialize()
  return {
    kind: 'zpl',
    print (label, printOptions?: PrintOptions) {
      const bytes = labelBytes(label)
      return oneAtATime(async () => {
        const socket = await connect()
        try {
          if (printOptions?.checkStatus ?? checkStatus) assertReady(await askHostStatus(socket))
          await sendAndClose(socket, bytes)
        } finally {
          socket.destroy()
        }
      })
    },
    status () {
      return oneAtATime(async () => {
        let socket: net.Socket
        try {
          socket = await connect()
        } catch (error) {
          return { online: false, fault: error instanceof Error ? error.message : String(error), checkedAt: new Date().toISOString() }
        }
        try {
          return await askHostStatus(socket)
        } finally {
          socket.destroy()
        }
      })
    }
  }
}

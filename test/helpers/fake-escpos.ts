/**
 * A real TCP server on 127.0.0.1 (ephemeral port) that behaves like an Epson-style ESC/POS
 * network printer: it keeps the bytes of each connection and answers each real-time status
 * request `DLE EOT n` (0x10 0x04 n) with one status byte, as in Epson's ESC/POS reference.
 * Every status byte has bits 1 and 4 set and bit 7 clear (0b0xx1xx10 = 0x12 when all is well):
 *   n=1 printer:      bit 3 offline
 *   n=2 offline cause: bit 2 cover open, bit 5 stopped by paper end, bit 6 error
 *   n=3 error cause:  bit 3 autocutter, bit 5 unrecoverable, bit 6 auto-recoverable (all 0 here)
 *   n=4 roll sensor:  bits 2+3 paper near end, bits 5+6 paper end
 */
import net from 'node:net'

export interface EscposSession {
  /** Every byte received on the connection, status requests included. */
  bytes: Buffer
  statusRequests: number
}

export interface FakeEscpos {
  readonly host: string
  readonly port: number
  /** `tcp://127.0.0.1:<port>`, the interface string node-thermal-printer expects. */
  readonly uri: string
  readonly sessions: EscposSession[]
  /** Bytes of the connections that asked no status: what would be printed. */
  readonly jobs: Buffer[]
  paperOut (on?: boolean): void
  paperNearEnd (on?: boolean): void
  coverOpen (on?: boolean): void
  /** Never answers DLE EOT. */
  silent (on?: boolean): void
  /** Accepts connections and never reads, so the sender's writes back up. */
  neverRead (on?: boolean): void
  /** Resolves once no connection is open. */
  idle (): Promise<void>
  close (): Promise<void>
}

const DLE = 0x10
const EOT = 0x04

export async function startFakeEscpos (): Promise<FakeEscpos> {
  const flags = { paperOut: false, paperNearEnd: false, coverOpen: false, silent: false, neverRead: false }
  const sessions: EscposSession[] = []
  const open = new Set<net.Socket>()
  const idleWaiters: Array<() => void> = []

  const statusByte = (n: number): number | undefined => {
    const offline = flags.paperOut || flags.coverOpen
    switch (n) {
      case 1: return 0x12 | (offline ? 0x08 : 0)
      case 2: return 0x12 | (flags.coverOpen ? 0x04 : 0) | (flags.paperOut ? 0x20 : 0)
      case 3: return 0x12
      case 4: return 0x12 | (flags.paperNearEnd || flags.paperOut ? 0x0c : 0) | (flags.paperOut ? 0x60 : 0)
      default: return undefined
    }
  }

  const server = net.createServer((socket) => {
    open.add(socket)
    const chunks: Buffer[] = []
    let statusRequests = 0
    let scanned = 0 // bytes already searched for DLE EOT n
    if (flags.neverRead) socket.pause()
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      const all = Buffer.concat(chunks)
      const answers: number[] = []
      // A request can straddle packets, so look back two bytes before the new chunk.
      for (let i = Math.max(0, scanned - 2); i + 2 < all.length; i++) {
        if (all[i] !== DLE || all[i + 1] !== EOT || i + 2 < scanned) continue
        const answer = statusByte(all[i + 2] ?? 0)
        if (answer === undefined) continue
        statusRequests++
        answers.push(answer)
        i += 2
      }
      scanned = all.length
      if (answers.length > 0 && !flags.silent) socket.write(Buffer.from(answers))
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      sessions.push({ bytes: Buffer.concat(chunks), statusRequests })
      open.delete(socket)
      if (open.size === 0) idleWaiters.splice(0).forEach(wake => wake())
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port

  return {
    host: '127.0.0.1',
    port,
    uri: `tcp://127.0.0.1:${port}`,
    sessions,
    get jobs () { return sessions.filter(s => s.statusRequests === 0).map(s => s.bytes) },
    paperOut (on = true) { flags.paperOut = on },
    paperNearEnd (on = true) { flags.paperNearEnd = on },
    coverOpen (on = true) { flags.coverOpen = on },
    silent (on = true) { flags.silent = on },
    neverRead (on = true) { flags.neverRead = on },
    idle: () => open.size === 0 ? Promise.resolve() : new Promise(resolve => idleWaiters.push(resolve)),
    close: () => new Promise<void>(resolve => {
      for (const socket of open) socket.destroy()
      server.close(() => resolve())
    })
  }
}

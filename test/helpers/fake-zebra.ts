/**
 * A real TCP server on 127.0.0.1 (ephemeral port) that behaves like a Zebra on port 9100:
 * it accumulates the bytes of each connection as one job and answers `~HS` (anywhere in the
 * stream, even split across packets) with a host-status answer in the real format, from
 * the ZPL II Programming Guide, "~HS Host Status Return":
 *
 *   <STX>aaa,b,c,dddd,eee,f,g,h,iii,j,k,l<ETX><CR><LF>   b = paper out, c = pause  (fields 1, 2)
 *   <STX>mmm,n,o,p,q,r,s,t,uuuuuuuu,v,www<ETX><CR><LF>   o = head up (open)        (field 2)
 *   <STX>xxxx,y<ETX><CR><LF>                             password, static RAM
 *
 * The other fields carry plausible constants (interface 030, label length 1245 dots, print mode
 * 2 = tear-off...). Controls: paperOut/pause/headOpen flags, silent (never answers ~HS),
 * neverRead (accepts and never reads, so the sender's writes back up), down()/up() (stop and
 * start listening on the same port). Simplification: a literal "~HS" inside binary ^GFB data is
 * also taken as a request, so tests send graphics as ^GFA hex, as templates/ does.
 */
import net from 'node:net'

export interface ZebraSession {
  /** Everything received on the connection with the ~HS commands taken out. */
  bytes: Buffer
  statusRequests: number
}

export interface FakeZebra {
  readonly host: string
  readonly port: number
  /** Closed connections, oldest first. */
  readonly sessions: ZebraSession[]
  /** Non-empty jobs (what would be printed), oldest first. */
  readonly jobs: Buffer[]
  paperOut (on?: boolean): void
  pause (on?: boolean): void
  headOpen (on?: boolean): void
  silent (on?: boolean): void
  neverRead (on?: boolean): void
  /** Stops listening and drops open connections; the port then refuses connections. */
  down (): Promise<void>
  /** Listens again on the same port. */
  up (): Promise<void>
  /** Resolves once no connection is open (the server has seen every close). */
  idle (): Promise<void>
  close (): Promise<void>
}

const frame = (fields: Array<string | number>): string => `\x02${fields.join(',')}\x03\r\n`
const bit = (on: boolean): number => (on ? 1 : 0)

export async function startFakeZebra (): Promise<FakeZebra> {
  const flags = { paperOut: false, pause: false, headOpen: false, silent: false, neverRead: false }
  const sessions: ZebraSession[] = []
  const open = new Set<net.Socket>()
  const idleWaiters: Array<() => void> = []

  const hostStatus = (): string =>
    frame(['030', bit(flags.paperOut), bit(flags.pause), '1245', '000', 0, 0, 0, '000', 0, 0, 0]) +
    frame(['001', 0, bit(flags.headOpen), 0, 0, 2, 6, 0, '00000000', 1, '000']) +
    frame(['1234', 0])

  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    open.add(socket)
    const chunks: Buffer[] = []
    let tail = '' // last 2 characters, so a ~HS split across packets is still seen
    let statusRequests = 0
    let recorded = false
    const record = (): void => {
      if (recorded) return
      recorded = true
      const bytes = Buffer.from(Buffer.concat(chunks).toString('latin1').split('~HS').join(''), 'latin1')
      sessions.push({ bytes, statusRequests })
    }
    if (flags.neverRead) socket.pause()
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      const text = tail + chunk.toString('latin1')
      tail = text.slice(-2)
      const asked = text.split('~HS').length - 1
      statusRequests += asked
      if (asked > 0 && !flags.silent) socket.write(hostStatus().repeat(asked))
    })
    // Record before closing our side, so a sender that waits for our close sees its job here.
    socket.on('end', () => { record(); socket.end() })
    socket.on('error', () => {})
    socket.on('close', () => {
      record()
      open.delete(socket)
      if (open.size === 0) idleWaiters.splice(0).forEach(wake => wake())
    })
  })

  const listen = (port: number): Promise<void> => new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => { server.off('error', reject); resolve() })
  })
  await listen(0)
  const port = (server.address() as net.AddressInfo).port

  const down = async (): Promise<void> => {
    if (!server.listening) return
    const closed = new Promise<void>(resolve => server.close(() => resolve()))
    for (const socket of open) socket.destroy()
    await closed
  }

  return {
    host: '127.0.0.1',
    port,
    sessions,
    get jobs () { return sessions.map(s => s.bytes).filter(b => b.length > 0) },
    paperOut (on = true) { flags.paperOut = on },
    pause (on = true) { flags.pause = on },
    headOpen (on = true) { flags.headOpen = on },
    silent (on = true) { flags.silent = on },
    neverRead (on = true) { flags.neverRead = on },
    down,
    up: async () => { if (!server.listening) await listen(port) },
    idle: () => open.size === 0 ? Promise.resolve() : new Promise(resolve => idleWaiters.push(resolve)),
    close: down
  }
}

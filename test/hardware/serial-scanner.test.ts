import { SerialPortMock } from 'serialport'
import { afterEach, describe, expect, it } from 'vitest'
import { createFakeScanner } from '../../hardware/fake-scanner.ts'
import {
  createSerialScanner, serialPortOpener, type RejectedFrame, type ScannerStatus, type SerialScanner, type SerialScannerConfig
} from '../../hardware/serial-scanner.ts'

const GS = '\x1d'
const PATH = '/dev/serial/by-id/usb-Mock_Scanner-if00'
// Not `import { MockBinding } from '@serialport/binding-mock'`: that resolves to the package's ESM
// build, a second copy with its own port registry, while SerialPortMock uses the CommonJS one.
const MockBinding = SerialPortMock.binding
const fixedClock = (): Date => new Date('2026-03-02T08:15:00.000Z')

async function waitFor (check: () => boolean, what: string, timeoutMs = 1000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 5))
  }
}
const waitForState = async (scanner: SerialScanner, state: ScannerStatus['state'], timeoutMs?: number): Promise<void> =>
  await waitFor(() => scanner.status().state === state, `state ${state}`, timeoutMs)

/** Iterates `scanner.scans()` in the background, as the station loop does. */
function listen (scanner: SerialScanner): { got: string[], stop: () => Promise<void> } {
  const got: string[] = []
  const controller = new AbortController()
  const done = (async () => { for await (const scan of scanner.scans(controller.signal)) got.push(scan) })()
  return { got, stop: async () => { controller.abort(); await done } }
}

/** A scanner plus the hands of someone at the line: scan, unplug, plug back. */
interface Rig {
  scanner: SerialScanner
  send: (bytes: string | Uint8Array) => void
  unplug: () => void
  replug: () => void
  portIsOpen: () => boolean
}
type MakeRig = (config?: Partial<SerialScannerConfig>) => Rig

const fakeRig: MakeRig = (config = {}) => {
  const scanner = createFakeScanner({ clock: fixedClock, ...config })
  return {
    scanner,
    send: (bytes) => { if (!scanner.send(bytes)) throw new Error('fake scanner is not connected') },
    unplug: () => scanner.disconnect(),
    replug: () => scanner.reconnect(),
    portIsOpen: () => scanner.connected
  }
}

const mockRig: MakeRig = (config = {}) => {
  MockBinding.createPort(PATH, { echo: false, record: true })
  let current: SerialPortMock | undefined
  const open = serialPortOpener(SerialPortMock)
  const scanner = createSerialScanner({ path: PATH, baudRate: 9600, terminator: 'CR', reopenIntervalMs: 20, ...config }, {
    clock: fixedClock,
    openPort: async (options) => (current = await open(options))
  })
  return {
    scanner,
    send: (bytes) => current?.port?.emitData(Buffer.from(bytes)),
    unplug: () => {
      MockBinding.reset() // the device is gone: reopening fails until replug
      // what SerialPortStream does itself when a binding read fails with a real (non-canceled) error
      current?._disconnected(new Error('EIO: i/o error, read'))
    },
    replug: () => MockBinding.createPort(PATH, { echo: false, record: true }),
    portIsOpen: () => current?.isOpen === true
  }
}

afterEach(() => MockBinding.reset())

describe.each([
  ['createFakeScanner', fakeRig],
  ['serial adapter on SerialPortMock', mockRig]
])('scanner contract: %s', (_name, makeRig) => {
  it('delivers each scan once, line end stripped, GS separators kept', async () => {
    const { scanner, send } = makeRig()
    const line = listen(scanner)
    await waitForState(scanner, 'connected')
    send(`]C10109521234543213${GS}10LOT1\r`)
    send('00395212345000000017\r\n')
    await waitFor(() => line.got.length === 2, 'two scans')
    expect(line.got).toEqual([`]C10109521234543213${GS}10LOT1`, '00395212345000000017'])
    expect(scanner.status()).toMatchObject({ state: 'connected', lastScanAt: '2026-03-02T08:15:00.000Z', errorsInARow: 0 })
    await line.stop()
  })

  it('joins a scan that arrives in two reads', async () => {
    const { scanner, send } = makeRig()
    const line = listen(scanner)
    await waitForState(scanner, 'connected')
    send('(01)0952123')
    await new Promise(resolve => setTimeout(resolve, 20))
    send('4543213\r')
    await waitFor(() => line.got.length === 1, 'one scan')
    expect(line.got).toEqual(['(01)09521234543213'])
    await line.stop()
  })

  it('drops an incomplete scan after the stale time instead of gluing it to the next one', async () => {
    const { scanner, send } = makeRig({ staleFrameMs: 30 })
    const rejected: RejectedFrame[] = []
    scanner.on('rejected', (frame) => rejected.push(frame))
    const line = listen(scanner)
    await waitForState(scanner, 'connected')
    send('0109521')
    await waitFor(() => rejected.length === 1, 'the stale partial to be reported')
    send('GOOD\r')
    await waitFor(() => line.got.length === 1, 'one scan')
    expect(line.got).toEqual(['GOOD'])
    expect(rejected[0]).toMatchObject({ kind: 'stale', reason: expect.stringContaining('no line end within 30 ms') })
    await line.stop()
  })

  it('refuses noise with a reason, alerts after 3 bad reads and clears the alert on the next good scan', async () => {
    const { scanner, send } = makeRig()
    const reasons: string[] = []
    const alerts: Array<string | undefined> = []
    scanner.on('rejected', (frame) => reasons.push(frame.reason))
    scanner.on('status', (status) => alerts.push(status.alert))
    const line = listen(scanner)
    await waitForState(scanner, 'connected')
    send(Buffer.from([0x41, 0x00, 0x42, 0x0d, 0xff, 0xfe, 0x0d, 0x0d]))
    await waitFor(() => scanner.status().alert !== undefined, 'the alert')
    expect(reasons).toEqual([expect.stringContaining('NUL'), expect.stringContaining('not valid text'), expect.stringContaining('empty scan')])
    expect(scanner.status()).toMatchObject({ errorsInARow: 3, alert: expect.stringMatching(/^Check scanner/) })
    send('GOOD\r')
    await waitFor(() => line.got.length === 1, 'one scan')
    expect(line.got).toEqual(['GOOD'])
    expect(scanner.status().alert).toBeUndefined()
    expect(alerts.at(-1)).toBeUndefined()
    await line.stop()
  })

  it('survives an unplug: reports disconnected within a second, reopens on replug, keeps the same scans() going', async () => {
    const { scanner, send, unplug, replug } = makeRig()
    const line = listen(scanner)
    await waitForState(scanner, 'connected')
    send('BEFORE\r')
    await waitFor(() => line.got.length === 1, 'the first scan')
    unplug()
    await waitForState(scanner, 'disconnected', 1000)
    expect(scanner.status().lastError).toMatch(/disconnected|open/)
    await new Promise(resolve => setTimeout(resolve, 60)) // a few failed reopen polls
    expect(scanner.status().state).toBe('disconnected')
    replug()
    await waitForState(scanner, 'connected', 1000)
    send('AFTER\r')
    await waitFor(() => line.got.length === 2, 'the scan after replug')
    expect(line.got).toEqual(['BEFORE', 'AFTER'])
    await line.stop()
  })

  it('ends scans() cleanly when the signal aborts and closes the port', async () => {
    const rig = makeRig()
    const line = listen(rig.scanner)
    await waitForState(rig.scanner, 'connected')
    expect(rig.portIsOpen()).toBe(true)
    await line.stop()
    expect(rig.portIsOpen()).toBe(false)
    expect(rig.scanner.status().state).toBe('disconnected')
  })

  it('yields nothing and opens nothing for a signal that is already aborted', async () => {
    const rig = makeRig()
    const got: string[] = []
    for await (const scan of rig.scanner.scans(AbortSignal.abort())) got.push(scan)
    expect(got).toEqual([])
    expect(rig.portIsOpen()).toBe(false)
  })
})

describe('serial scanner adapter', () => {
  const config: SerialScannerConfig = { path: PATH, baudRate: 9600, terminator: 'CR', reopenIntervalMs: 20 }

  it.each([
    [{ path: '' }, '"path" must be a non-empty string'],
    [{ baudRate: 1234 }, '"baudRate" must be one of 9600, 19200, 38400, 57600, 115200: 1234'],
    [{ terminator: 'CRCR' }, '"terminator" must be one of CR, LF, CRLF: CRCR'],
    [{ staleFrameMs: 0 }, '"staleFrameMs" must be a whole number from 1'],
    [{ noiseAlertAfter: 1.5 }, '"noiseAlertAfter" must be a whole number from 1'],
    [{ reopenIntervalMs: -1 }, '"reopenIntervalMs" must be a whole number from 1'],
    [{ repeatWindowMs: Number.NaN }, '"repeatWindowMs" must be a whole number from 0']
  ])('refuses a bad config %o at startup with a TypeError naming the option', (bad, message) => {
    expect(() => createSerialScanner({ ...config, ...bad } as SerialScannerConfig)).toThrow(new TypeError(message).message)
    expect(() => createSerialScanner({ ...config, ...bad } as SerialScannerConfig)).toThrow(TypeError)
  })

  it('opens nothing until scans() is iterated', async () => {
    let opens = 0
    const scanner = createSerialScanner(config, { openPort: async () => { opens++; throw new Error('unused') } })
    await new Promise(resolve => setTimeout(resolve, 30))
    expect(opens).toBe(0)
    expect(scanner.status()).toEqual({ state: 'disconnected', path: PATH, errorsInARow: 0 })
  })

  it('waits for a scanner that is absent at startup, saying why, and connects when it is plugged in', async () => {
    const statuses: ScannerStatus[] = []
    const scanner = createSerialScanner(config, { openPort: serialPortOpener(SerialPortMock) })
    scanner.on('status', (status) => statuses.push(status))
    const line = listen(scanner)
    await waitForState(scanner, 'disconnected')
    expect(scanner.status().lastError).toMatch(`cannot open ${PATH}: Port does not exist`)
    await new Promise(resolve => setTimeout(resolve, 100)) // several failed polls
    expect(statuses.map(s => s.state)).toEqual(['opening', 'disconnected']) // no flapping while it polls
    MockBinding.createPort(PATH, { echo: false, record: true })
    await waitForState(scanner, 'connected', 1000)
    await line.stop()
  })

  it('recovers from a port error event without crashing, by reopening the port', async () => {
    MockBinding.createPort(PATH, { echo: false, record: true })
    const opened: SerialPortMock[] = []
    const open = serialPortOpener(SerialPortMock)
    const scanner = createSerialScanner(config, { openPort: async (options) => { const port = await open(options); opened.push(port); return port } })
    const line = listen(scanner)
    await waitForState(scanner, 'connected')
    opened[0]?.emit('error', new Error('EBADF: bad file descriptor'))
    await waitFor(() => opened.length === 2 && scanner.status().state === 'connected', 'the reopen')
    expect(scanner.status().lastError).toBe('port error: EBADF: bad file descriptor')
    opened[1]?.port?.emitData('AFTER\r')
    await waitFor(() => line.got.length === 1, 'the scan after the reopen')
    expect(line.got).toEqual(['AFTER'])
    await line.stop()
  })

  it('suppresses a repeated scan within repeatWindowMs when asked to', async () => {
    const { scanner, send } = mockRig({ repeatWindowMs: 10_000 })
    const rejected: RejectedFrame[] = []
    scanner.on('rejected', (frame) => rejected.push(frame))
    const line = listen(scanner)
    await waitForState(scanner, 'connected')
    send('(00)395212345000000017\r(00)395212345000000017\r(00)395212345000000024\r')
    await waitFor(() => line.got.length === 2, 'two scans')
    expect(line.got).toEqual(['(00)395212345000000017', '(00)395212345000000024'])
    expect(rejected.map(r => r.kind)).toEqual(['repeat'])
    expect(scanner.status().errorsInARow).toBe(0)
    await line.stop()
  })

  it('gives every concurrent scans() iteration each scan and keeps the port open until the last one ends', async () => {
    const rig = mockRig()
    const kiosk = listen(rig.scanner)
    const log = listen(rig.scanner)
    await waitForState(rig.scanner, 'connected')
    rig.send('SCAN1\r')
    await waitFor(() => kiosk.got.length === 1 && log.got.length === 1, 'both listeners')
    await kiosk.stop()
    expect(rig.portIsOpen()).toBe(true)
    rig.send('SCAN2\r')
    await waitFor(() => log.got.length === 2, 'the remaining listener')
    await log.stop()
    expect(rig.portIsOpen()).toBe(false)
    expect(kiosk.got).toEqual(['SCAN1'])
  })
})

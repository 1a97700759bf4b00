import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createSerialScanner, type RejectedFrame, type ScannerStatus, type SerialScanner } from '../../hardware/serial-scanner.ts'
import { socatInstalled, startPtyPair, type PtyPair } from '../helpers/socat.ts'

// The real SerialPort (native binding, real termios) on a pseudo-terminal that socat joins to a
// second one we write into: the closest thing to a scanner on a cable that CI can run.
const title = socatInstalled
  ? 'serial scanner on real pseudo-terminals (socat)'
  : 'serial scanner on real pseudo-terminals — SKIPPED: socat is not installed (apt-get install -y socat)'

async function waitFor (check: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 5))
  }
}
const waitForState = async (scanner: SerialScanner, state: ScannerStatus['state'], timeoutMs?: number): Promise<void> =>
  await waitFor(() => scanner.status().state === state, `state ${state}`, timeoutMs)

describe.skipIf(!socatInstalled)(title, () => {
  let pty: PtyPair
  let scanner: SerialScanner
  let got: string[]
  let rejected: RejectedFrame[]
  let stopListening: () => Promise<void>

  beforeEach(async () => {
    pty = await startPtyPair()
    // no openPort: the production default, the real SerialPort
    scanner = createSerialScanner({ path: pty.a, baudRate: 115200, terminator: 'CR', staleFrameMs: 100, reopenIntervalMs: 50 })
    got = []
    rejected = []
    scanner.on('rejected', (frame) => rejected.push(frame))
    const controller = new AbortController()
    const done = (async () => { for await (const scan of scanner.scans(controller.signal)) got.push(scan) })()
    stopListening = async () => { controller.abort(); await done }
    await waitForState(scanner, 'connected')
  })

  afterEach(async () => {
    await stopListening()
    await pty.stop()
  })

  it('delivers scans written into the other end, including one written in two pieces', async () => {
    await pty.write('(01)09521234543213\x1d10LOT1\r')
    await pty.write('00395212')
    await new Promise(resolve => setTimeout(resolve, 20))
    await pty.write('345000000017\r\n')
    await waitFor(() => got.length === 2, 'two scans')
    expect(got).toEqual(['(01)09521234543213\x1d10LOT1', '00395212345000000017'])
  })

  it('drops a partial scan followed by silence and delivers the next scan on its own', async () => {
    await pty.write('(01)0952')
    await waitFor(() => rejected.length === 1, 'the stale partial')
    await pty.write('GOOD\r')
    await waitFor(() => got.length === 1, 'the next scan')
    expect(got).toEqual(['GOOD'])
    expect(rejected[0]?.kind).toBe('stale')
  })

  it('refuses line noise and raises the check-scanner alert', async () => {
    await pty.write(Buffer.from([0x00, 0x0d, 0xff, 0xfe, 0x0d, 0x07, 0x0d]))
    await waitFor(() => scanner.status().alert !== undefined, 'the alert')
    expect(got).toEqual([])
    expect(rejected.map(r => r.kind)).toEqual(['noise', 'noise', 'noise'])
  })

  it('reports an unplug within a second and picks up the first scan after replug', async () => {
    await pty.write('BEFORE\r')
    await waitFor(() => got.length === 1, 'the first scan')
    const unpluggedAt = Date.now()
    await pty.unplug()
    await waitForState(scanner, 'disconnected', 1000)
    expect(Date.now() - unpluggedAt).toBeLessThan(1000)
    expect(scanner.status().lastError).toMatch(/disconnected/)
    await new Promise(resolve => setTimeout(resolve, 200)) // a few failed reopen polls
    expect(scanner.status().state).toBe('disconnected')
    await pty.replug()
    await waitForState(scanner, 'connected', 2000)
    await pty.write('AFTER\r')
    await waitFor(() => got.length === 2, 'the scan after replug')
    expect(got).toEqual(['BEFORE', 'AFTER'])
  })
})

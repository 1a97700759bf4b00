/**
 * Floor latencies (issues 3, 4, 7): `npx tsx bench/hardware-latency.ts [--scans N] [--labels N]`,
 * and `npm run bench`, which calls `hardwareLatencyFigures`.
 *  - scan's last byte on a serial line (a socat pseudo-terminal) → the scan committed and pushed;
 *  - a committed receipt → its label's last byte at a TCP "printer" on 127.0.0.1.
 * Each beside its lower bound measured in the same run: the scan's bytes through the same kind of
 * pseudo-terminal to a bare SerialPort reader, then a bare database write of a scan row; a bare
 * socket write of the same label bytes. Runs on its own small database in a temp folder (the
 * plant's size does not enter either path), prints medians, p95 and ratios; asserts nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { SerialPort } from 'serialport'
import { openDb } from '../db/client.ts'
import { migrate } from '../db/migrate.ts'
import { insertScan } from '../db/stations.ts'
import { createSerialScanner } from '../hardware/serial-scanner.ts'
import { createZplTcpPrinter } from '../hardware/zpl-tcp-printer.ts'
import { buildApp } from '../server/app.ts'
import { createLabelService } from '../server/labels.ts'
import { createPrintQueue } from '../server/print-queue.ts'
import { runScanLoops } from '../server/station.ts'
import { createScanSpool } from '../server/scan-spool.ts'
import { formatTable, score, type BenchFigure } from './report.ts'
import { summarize } from './stats.ts'

const GTIN = '10614141000040'

/** A TCP listener that records when each connection's last byte arrived. */
async function labelSink () {
  const done: Array<(at: number) => void> = []
  const server = net.createServer(socket => {
    let last = 0
    socket.on('data', (chunk) => {
      last = performance.now()
      // The ZPL printer asks ~HS first: answer like a healthy Zebra (three STX…ETX lines).
      if (chunk.includes('~HS')) socket.write('\x02030,0,0,1245,000,0,0,0,000,0,0,0\x03\r\n\x02001,0,0,0,0,2,6,0,00000000,1,000\x03\r\n\x021234,0\x03\r\n')
    })
    socket.on('end', () => { done.shift()?.(last); socket.end() })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return { port: (server.address() as net.AddressInfo).port, next: () => new Promise<number>(resolve => done.push(resolve)), close: () => server.close() }
}

async function plant (dir: string) {
  const db = openDb({ url: `file:${join(dir, 'bench.db')}` })
  await migrate(db)
  return db
}

/** A pair of linked pseudo-terminals (socat), or null when socat is not installed. */
async function ptyPair (dir: string, name: string): Promise<{ a: string, b: string, socat: ChildProcess } | null> {
  if (!existsSync('/usr/bin/socat')) return null
  const a = join(dir, `${name}-a`); const b = join(dir, `${name}-b`)
  const socat = spawn('socat', [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' })
  while (!existsSync(a) || !existsSync(b)) await new Promise(resolve => setTimeout(resolve, 20))
  return { a, b, socat }
}

/**
 * Ids: hw.scan.floor, hw.scan (goal p95 < 20 ms and 1.5x), hw.label.floor, hw.label (p95 < 30 ms
 * and 1.5x). Without socat the scan figures are left out (the label figures need only TCP).
 */
export async function hardwareLatencyFigures ({ scans = 200, labels = 100 } = {}): Promise<BenchFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'lotline-hwbench-'))
  try {
    const db = await plant(dir)
    const sink = await labelSink()
    const printers = new Map([['SHP1', createZplTcpPrinter({ host: '127.0.0.1', port: sink.port, checkStatus: true })], ['RCV1', createZplTcpPrinter({ host: '127.0.0.1', port: sink.port, checkStatus: true })]])
    const plantInfo = { name: 'Bench Bakery', address: '1 Main St', city: 'Town', state: 'IL', zip: '60000' }
    const labelService = createLabelService({ db, plant: plantInfo, media: new Map([['RCV1', { size: '4x6', dpi: 203 as const }]]), printerKinds: new Map([['RCV1', 'zpl' as const], ['SHP1', 'zpl' as const]]) })
    const queue = createPrintQueue({ db, printers, render: labelService.render })
    await queue.start()
    const stations = [{ code: 'SHP1', kind: 'shipping' as const, location: 'DOCK2' }, { code: 'RCV1', kind: 'receiving' as const, location: 'DOCK1' }]
    const app = await buildApp({ db, stations, repeatWindowMs: 0, printQueue: queue, labels: labelService }, { logger: false })
    const ok = async (url: string, payload: object) => {
      const r = await app.inject({ method: 'POST', url, payload })
      if (r.statusCode >= 300) throw new Error(`${url}: ${r.body}`)
      return r.json()
    }
    await ok('/api/v1/locations', { code: 'DOCK1', kind: 'dock', name: 'Dock 1' })
    await ok('/api/v1/locations', { code: 'DOCK2', kind: 'dock', name: 'Dock 2' })
    await ok('/api/v1/locations', { code: 'L1', kind: 'line', name: 'Line 1' })
    await ok('/api/v1/partners', { code: 'MILL', role: 'supplier', name: 'Mill' })
    await ok('/api/v1/partners', { code: 'SHOP', role: 'customer', name: 'Shop' })
    await ok('/api/v1/products', { code: 'FLOUR', name: 'Flour', unit: 'kg', gtin: '10614141000019' })
    await ok('/api/v1/products', { code: 'CCC', name: 'Cookies', unit: 'case', gtin: GTIN, shelfLifeDays: 180 })
    const flour = (await ok('/api/v1/receipts', { product: 'FLOUR', supplier: 'MILL', supplierLotCode: 'M1', quantity: 1e6, location: 'DOCK1' })).lot.code
    const lot = (await ok('/api/v1/batches', { product: 'CCC', line: 'L1', inputs: [{ lot: flour, quantity: 1 }], output: { quantity: 1e6 } })).lot.code
    await app.stations.openShipment('SHP1', { customer: 'SHOP' })

    // Event → label: time from the committed receipt to the label's last byte at the printer socket.
    // Step below it: the printer adapter alone with the same bytes (connect, ~HS round trip, write,
    // close), without the queue's render, job rows and wake-up. Interleaved, one of each per round.
    const bytes = String(labelService.render('receiving', await labelService.dataForLot(flour, 'receiving'), { printer: 'RCV1' }))
    const adapter = createZplTcpPrinter({ host: '127.0.0.1', port: sink.port, checkStatus: true })
    const eventToLabel: number[] = []
    const labelAdapter: number[] = []
    for (let i = -3; i < labels; i++) {
      const arrived = sink.next()
      const r = await app.lots.receive({ product: 'FLOUR', supplier: 'MILL', supplierLotCode: `M${i}`, quantity: 10, location: 'DOCK1' })
      const committed = performance.now()
      await queue.enqueue({ printer: 'RCV1', station: 'RCV1', lotCode: r.lot.code, template: 'receiving', data: await labelService.dataForLot(r.lot.code, 'receiving'), user: 'bench' })
      const at = await arrived
      const direct = sink.next()
      const t0 = performance.now()
      await adapter.print(bytes)
      const at2 = await direct
      if (i >= 0) { eventToLabel.push(at - committed); labelAdapter.push(at2 - t0) }
    }
    // Lower bound: the same bytes over a bare socket (connect, ~HS round trip skipped, write, end).
    const labelBareWrite: number[] = []
    for (let i = -3; i < labels; i++) {
      const arrived = sink.next()
      const t0 = performance.now()
      const s = net.connect(sink.port, '127.0.0.1')
      await once(s, 'connect')
      s.end(bytes)
      const at = await arrived
      if (i >= 0) labelBareWrite.push(at - t0)
      s.destroy()
    }

    // Lower bound of a scan: its bytes through a pseudo-terminal to a bare SerialPort reader (no
    // framing, no parsing), then the bare insert of a scan row through the same write queue.
    const scanOf = (i: number) => `]C101${GTIN}21S${i}\x1d10${lot}\r`
    const scanFloor: number[] = []
    const scanTimes: number[] = []
    const scanDomain: number[] = []
    const floorPty = await ptyPair(dir, 'floor')
    if (floorPty) {
      const port = new SerialPort({ path: floorPty.a, baudRate: 115200 })
      await once(port, 'open')
      let waiting: (() => void) | null = null
      port.on('data', (chunk: Buffer) => { if (chunk.includes(13)) waiting?.() })
      const fd = openSync(floorPty.b, 'w')
      for (let i = -3; i < scans; i++) {
        const arrived = new Promise<void>(resolve => { waiting = resolve })
        const t0 = performance.now()
        writeSync(fd, scanOf(i))
        await arrived
        await db.write(tx => insertScan(tx, { id: `floor-${i}`, station: 'SHP1', source: 'serial', raw: 'x', receivedAt: new Date().toISOString(), outcome: 'added', message: 'x', result: '{}' }))
        if (i >= 0) scanFloor.push(performance.now() - t0)
      }
      closeSync(fd)
      await new Promise(resolve => port.close(resolve))
      floorPty.socat.kill()

      // Scan → commit: the real serial scanner, scan loop, spool and station on a second pair.
      // Step below it: the same kind of scan handed to the spool directly (no serial line, no
      // framing), as the scan loop does; interleaved, one of each per round.
      const pty = (await ptyPair(dir, 'scan'))!
      const scanner = createSerialScanner({ path: pty.a, baudRate: 115200, terminator: 'CR' })
      const stop = new AbortController()
      const spool = createScanSpool({ path: join(dir, 'spool.jsonl'), stations: app.stations })
      void runScanLoops(spool, new Map([['SHP1', scanner]]), app.log, stop.signal)
      while (scanner.status().state !== 'connected') await new Promise(resolve => setTimeout(resolve, 20))
      const sfd = openSync(pty.b, 'w')
      for (let i = -3; i < scans; i++) {
        const committed = once(app.stations.events, 'scan')
        const t0 = performance.now()
        writeSync(sfd, scanOf(2 * scans + 10 + i))
        await committed
        const t1 = performance.now()
        const r = await spool.record('SHP1', scanOf(3 * scans + 20 + i).slice(0, -1), { source: 'serial' })
        const t2 = performance.now()
        if (r?.outcome !== 'added') throw new Error(`hardware bench: a direct scan was ${r?.outcome ?? 'spooled'}: ${r?.message ?? ''}`)
        if (i >= 0) { scanTimes.push(t1 - t0); scanDomain.push(t2 - t1) }
      }
      closeSync(sfd)
      stop.abort()
      pty.socat.kill()
    }
    await queue.stop(); await app.close(); db.close(); sink.close()
    const figures: BenchFigure[] = []
    if (floorPty) {
      figures.push(
        { id: 'hw.scan.floor', label: 'scan: bytes through a pty + bare scan-row write (lower bound)', unit: 'ms', summary: summarize(scanFloor) },
        { id: 'hw.scan.domain', label: 'scan: the same scan handed to the spool, no serial (step)', unit: 'ms', summary: summarize(scanDomain), lowerBound: 'hw.scan.floor' },
        { id: 'hw.scan', label: 'scan: last byte on serial (pty) -> committed + pushed', unit: 'ms', summary: summarize(scanTimes), lowerBound: 'hw.scan.floor', step: 'hw.scan.domain', goal: { p95Ms: 20, ratio: 1.5 } })
    }
    figures.push(
      { id: 'hw.label.floor', label: 'label: bare socket write of the same bytes (lower bound)', unit: 'ms', summary: summarize(labelBareWrite), bytes: Buffer.byteLength(bytes) },
      { id: 'hw.label.adapter', label: 'label: printer adapter alone, ~HS + write + close (step)', unit: 'ms', summary: summarize(labelAdapter), lowerBound: 'hw.label.floor', bytes: Buffer.byteLength(bytes) },
      { id: 'hw.label', label: 'label: committed receipt -> last byte at TCP printer', unit: 'ms', summary: summarize(eventToLabel), lowerBound: 'hw.label.floor', step: 'hw.label.adapter', goal: { p95Ms: 30, ratio: 1.5 }, bytes: Buffer.byteLength(bytes) })
    return figures
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { scans: { type: 'string', default: '200' }, labels: { type: 'string', default: '100' } } })
  const figures = await hardwareLatencyFigures({ scans: Number(values.scans), labels: Number(values.labels) })
  console.log(formatTable(score(figures)))
  if (!figures.some(f => f.id === 'hw.scan')) console.log('scan figures skipped: socat is not installed')
  process.exit(0)
}

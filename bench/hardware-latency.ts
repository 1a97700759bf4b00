/**
 * Floor latencies (issues 3, 4, 7): `npx tsx bench/hardware-latency.ts [--scans N] [--labels N]`.
 *  - scan's last byte on a serial line (a socat pseudo-terminal) → the scan committed and pushed;
 *  - a committed receipt → its label's last byte at a TCP "printer" on 127.0.0.1.
 * Each beside its lower bound measured in the same run: the bare database write of a scan row; a
 * bare socket write of the same label bytes. Prints medians, p95 and ratios; asserts nothing.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
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
import { summarize, type Summary } from './stats.ts'

export interface HardwareFigures { scanToCommit: Summary | null, scanBareWrite: Summary, eventToLabel: Summary, labelBareWrite: Summary }

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

export async function hardwareFigures ({ scans = 200, labels = 100 } = {}): Promise<HardwareFigures> {
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
    const eventToLabel: number[] = []
    for (let i = 0; i < labels; i++) {
      const arrived = sink.next()
      const r = await app.lots.receive({ product: 'FLOUR', supplier: 'MILL', supplierLotCode: `M${i}`, quantity: 10, location: 'DOCK1' })
      const committed = performance.now()
      await queue.enqueue({ printer: 'RCV1', station: 'RCV1', lotCode: r.lot.code, template: 'receiving', data: await labelService.dataForLot(r.lot.code, 'receiving'), user: 'bench' })
      eventToLabel.push((await arrived) - committed)
    }
    // Lower bound: the same bytes over a bare socket (connect, ~HS round trip skipped, write, end).
    const bytes = String(labelService.render('receiving', await labelService.dataForLot(flour, 'receiving'), { printer: 'RCV1' }))
    const labelBareWrite: number[] = []
    for (let i = 0; i < labels; i++) {
      const arrived = sink.next()
      const t0 = performance.now()
      const s = net.connect(sink.port, '127.0.0.1')
      await once(s, 'connect')
      s.end(bytes)
      labelBareWrite.push((await arrived) - t0)
      s.destroy()
    }

    // Scan → commit over a pseudo-terminal, when socat is there.
    let scanToCommit: Summary | null = null
    if (existsSync('/usr/bin/socat')) {
      const a = join(dir, 'a'); const b = join(dir, 'b')
      const socat = spawn('socat', [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' })
      while (!existsSync(a) || !existsSync(b)) await new Promise(resolve => setTimeout(resolve, 20))
      const scanner = createSerialScanner({ path: a, baudRate: 115200, terminator: 'CR' })
      const stop = new AbortController()
      void runScanLoops(createScanSpool({ path: join(dir, 'spool.jsonl'), stations: app.stations }), new Map([['SHP1', scanner]]), app.log, stop.signal)
      while (scanner.status().state !== 'connected') await new Promise(resolve => setTimeout(resolve, 20))
      const { openSync, writeSync, closeSync } = await import('node:fs')
      const fd = openSync(b, 'w')
      const times: number[] = []
      for (let i = 0; i < scans; i++) {
        const committed = once(app.stations.events, 'scan')
        const t0 = performance.now()
        writeSync(fd, `]C101${GTIN}21S${i}\x1d10${lot}\r`)
        await committed
        times.push(performance.now() - t0)
      }
      closeSync(fd)
      stop.abort()
      socat.kill()
      scanToCommit = summarize(times)
    }
    // Lower bound: parse-free bare insert of a scan row through the same write queue.
    const bare: number[] = []
    for (let i = 0; i < scans; i++) {
      const t0 = performance.now()
      await db.write(tx => insertScan(tx, { id: `bare-${i}`, station: 'SHP1', source: 'serial', raw: 'x', receivedAt: new Date().toISOString(), outcome: 'added', message: 'x', result: '{}' }))
      bare.push(performance.now() - t0)
    }
    await queue.stop(); await app.close(); db.close(); sink.close()
    return { scanToCommit, scanBareWrite: summarize(bare), eventToLabel: summarize(eventToLabel), labelBareWrite: summarize(labelBareWrite) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { scans: { type: 'string', default: '200' }, labels: { type: 'string', default: '100' } } })
  const f = await hardwareFigures({ scans: Number(values.scans), labels: Number(values.labels) })
  const row = (name: string, s: Summary | null, lower: Summary, goal: number) => s
    ? `${name.padEnd(34)} median ${s.median.toFixed(2).padStart(7)} ms  p95 ${s.p95.toFixed(2).padStart(7)} ms  n ${s.n}  | lower bound median ${lower.median.toFixed(2)} ms  ratio ${(s.median / lower.median).toFixed(1)}x  | goal p95 < ${goal} ms: ${s.p95 < goal ? 'pass' : 'MISS'}`
    : `${name.padEnd(34)} skipped (socat not installed)`
  console.log(row('scan last byte -> committed + pushed', f.scanToCommit, f.scanBareWrite, 20))
  console.log(row('committed event -> label last byte', f.eventToLabel, f.labelBareWrite, 30))
  process.exit(0)
}

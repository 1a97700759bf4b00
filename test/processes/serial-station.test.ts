import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, onTestFinished, test } from 'vitest'
import { postJson, startServerProcess, authFetch } from '../helpers/server-process.ts'
import { socatInstalled, startPtyPair } from '../helpers/socat.ts'
import { poll } from '../helpers/poll.ts'

const GS = '\x1d'
const GTIN = '09521234543213'

describe.skipIf(!socatInstalled)('a real server process reading a serial scanner on a pseudo-terminal', () => {
  test('scans become station results; partial frames, noise and repeats behave; unplug and replug recover on their own', async () => {
    const pty = await startPtyPair()
    onTestFinished(() => pty.stop())
    const dir = mkdtempSync(join(tmpdir(), 'lotline-serial-'))
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
    writeFileSync(join(dir, 'lotline.config.json'), JSON.stringify({
      plant: { name: 'Serial test plant' },
      db: { url: `file:${join(dir, 'plant.db')}` },
      stations: [{ code: 'RCV1', kind: 'receiving', location: 'DOCK1', scanner: { path: pty.a, baudRate: 9600, terminator: 'CR' }, printer: { type: 'file', dir: join(dir, 'labels') } }]
    }))
    const server = await startServerProcess({}, dir)
    for (const [path, body] of [
      ['/api/v1/locations', { code: 'DOCK1', kind: 'dock', name: 'Dock 1' }],
      ['/api/v1/partners', { code: 'MILL', role: 'supplier', name: 'Prairie Mills' }],
      ['/api/v1/products', { code: 'FLOUR', name: 'Flour', unit: 'kg', gtin: GTIN }]
    ] as const) expect((await postJson(server.url + path, body)).status).toBe(201)
    const station = async () => (await authFetch(`${server.url}/api/v1/stations/RCV1`)).json() as Promise<any>
    const health = async () => (await authFetch(`${server.url}/health`)).json() as Promise<any>
    await poll(health, h => h.stations[0].scanner?.state === 'connected')

    // A scan split across two writes arrives as one.
    pty.write(Buffer.from(`]C101${GTIN}3103025000`))
    await new Promise(resolve => setTimeout(resolve, 50))
    pty.write(Buffer.from(`${GS}10PM-1\r`))
    const s1 = await poll(station, s => s.recentScans.length >= 1)
    expect(s1.recentScans[0]).toMatchObject({ outcome: 'pending', pending: { supplierLotCode: 'PM-1', quantity: 25 } })
    await postJson(`${server.url}/api/v1/stations/RCV1/answer`, { confirm: false })

    // A partial frame and then silence is dropped, never glued to the next scan.
    pty.write(Buffer.from(`]C101${GTIN}10HALF`))
    await new Promise(resolve => setTimeout(resolve, 600))
    pty.write(Buffer.from(`]C101${GTIN}10PM-2\r`))
    const s2 = await poll(station, s => s.recentScans.length >= 2)
    expect(s2.recentScans[0].pending.supplierLotCode).toBe('PM-2')
    await postJson(`${server.url}/api/v1/stations/RCV1/answer`, { confirm: false })

    // Noise is refused, and after several bad frames in a row the scanner asks to be checked.
    for (let i = 0; i < 3; i++) pty.write(Buffer.from([0x01, 0xff, 0x07, 0x0d]))
    await poll(health, h => /check/i.test(h.stations[0].scanner?.alert ?? ''))

    // The same scan twice at once counts once.
    pty.write(Buffer.from(`]C101${GTIN}10PM-3\r]C101${GTIN}10PM-3\r`))
    const s3 = await poll(station, s => s.recentScans.length >= 4)
    expect(s3.recentScans.slice(0, 2).map((r: { outcome: string }) => r.outcome).sort()).toEqual(['pending', 'repeat'])
    await postJson(`${server.url}/api/v1/stations/RCV1/answer`, { confirm: false })

    // Unplug: the station shows the scanner as disconnected within a second.
    const unplugged = Date.now()
    await pty.unplug()
    await poll(health, h => h.stations[0].scanner?.state === 'disconnected', 1000)
    expect(Date.now() - unplugged).toBeLessThan(1000)
    // Replug: the server reopens the port on its own and the next scan arrives.
    await pty.replug()
    await poll(health, h => h.stations[0].scanner?.state === 'connected', 5000)
    pty.write(Buffer.from(`]C101${GTIN}10PM-4\r`))
    const s4 = await poll(station, s => s.recentScans[0]?.pending?.supplierLotCode === 'PM-4')
    expect(s4.recentScans[0].outcome).toBe('pending')
    expect(server.child.exitCode).toBeNull()
  }, 60_000)
})

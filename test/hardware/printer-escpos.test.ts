import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HardwareError } from '../../hardware/ports.ts'
import { createEscposPrinter, parseEscposStatus } from '../../hardware/escpos-printer.ts'
import { startFakeEscpos, type FakeEscpos } from '../helpers/fake-escpos.ts'

/** A GS v 0 raster image (ESC @, 48 x 24 dots) as templates/ would render it, then a feed. */
function rasterLabel (): Buffer {
  const widthBytes = 6
  const height = 24
  const header = Buffer.from([0x1b, 0x40, 0x1d, 0x76, 0x30, 0x00, widthBytes, 0x00, height, 0x00])
  const image = randomBytes(widthBytes * height).map(b => b & 0xef) // keep DLE (0x10) out of the image
  return Buffer.concat([header, image, Buffer.from([0x1b, 0x64, 0x03])])
}

describe('ESC/POS printer', () => {
  let fake: FakeEscpos
  beforeEach(async () => { fake = await startFakeEscpos() })
  afterEach(async () => { await fake.close() })

  it('sends the raster bytes intact through node-thermal-printer', async () => {
    const label = rasterLabel()
    await createEscposPrinter({ interface: fake.uri }).print(label)
    await fake.idle()
    expect(fake.jobs).toHaveLength(1)
    expect(fake.jobs[0]!.equals(label)).toBe(true)
  })

  it('refuses a checked print when DLE EOT reports paper end, and sends no raster', async () => {
    fake.paperOut(true)
    const printer = createEscposPrinter({ interface: fake.uri })
    const error = await printer.print(rasterLabel(), { checkStatus: true }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HardwareError)
    expect(error).toMatchObject({ code: 'PAPER_OUT' })
    expect((error as Error).cause).toMatchObject({ paperOut: true })
    await fake.idle()
    expect(fake.jobs).toEqual([])
    expect(fake.sessions.map(s => s.statusRequests)).toEqual([4])
  })

  it('reports an open cover as HEAD_OPEN and a near-end roll as still printable', async () => {
    const printer = createEscposPrinter({ interface: fake.uri, checkStatus: true })
    fake.paperNearEnd(true)
    await printer.print(rasterLabel())
    fake.coverOpen(true)
    await expect(printer.print(rasterLabel())).rejects.toMatchObject({ code: 'HEAD_OPEN' })
    await fake.idle()
    expect(fake.jobs).toHaveLength(1)
  })

  it('treats a printer silent to DLE EOT past statusTimeoutMs as a fault', async () => {
    fake.silent(true)
    const printer = createEscposPrinter({ interface: fake.uri, statusTimeoutMs: 200 })
    const start = performance.now()
    await expect(printer.print(rasterLabel(), { checkStatus: true })).rejects.toMatchObject({ code: 'FAULT' })
    expect(performance.now() - start).toBeLessThan(1000)
  })

  it('fails TIMEOUT within 2 x timeoutMs when the printer accepts but never reads', async () => {
    fake.neverRead(true)
    const start = performance.now()
    const big = Buffer.alloc(8 * 1024 * 1024, 0x55) // more than localhost socket buffers hold
    await expect(createEscposPrinter({ interface: fake.uri, timeoutMs: 300 }).print(big)).rejects.toMatchObject({ code: 'TIMEOUT' })
    expect(performance.now() - start).toBeLessThan(1000)
  })

  it('fails OFFLINE when nothing listens on the port', async () => {
    await fake.close()
    const printer = createEscposPrinter({ interface: fake.uri })
    await expect(printer.print(rasterLabel())).rejects.toMatchObject({ name: 'HardwareError', code: 'OFFLINE' })
    expect(await printer.status()).toMatchObject({ online: false, fault: 'ECONNREFUSED' })
  })

  it('fails OFFLINE for an unplugged USB printer instead of creating a file in its place', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lotline-lp-'))
    try {
      const device = join(dir, 'lp0')
      const error = await createEscposPrinter({ interface: device }).print(rasterLabel()).catch((e: unknown) => e)
      expect(error).toMatchObject({ name: 'HardwareError', code: 'OFFLINE' })
      expect(existsSync(device)).toBe(false)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('writes to a character device path (here /dev/null)', async () => {
    const printer = createEscposPrinter({ interface: '/dev/null' })
    await printer.print(rasterLabel())
    expect(await printer.status()).toMatchObject({ online: true })
  })

  it('decodes the DLE EOT status bits (n = 1, 2, 3, 4)', () => {
    expect(parseEscposStatus(Uint8Array.from([0x16, 0x12, 0x12, 0x12]))).toMatchObject({ online: true, paperOut: false, headOpen: false, paused: false })
    expect(parseEscposStatus(Uint8Array.from([0x1a, 0x32, 0x12, 0x7e]))).toMatchObject({ paperOut: true, paused: false })
    expect(parseEscposStatus(Uint8Array.from([0x1a, 0x12, 0x12, 0x12]))).toMatchObject({ paused: true })
    expect(parseEscposStatus(Uint8Array.from([0x12, 0x12, 0x32, 0x12]))).toMatchObject({ fault: 'unrecoverable error' })
    expect(parseEscposStatus(Uint8Array.from([0x41, 0x42, 0x43, 0x44]))).toBeUndefined() // "ABCD" is not status
  })

  it('rejects an interface it cannot use, naming the option', () => {
    expect(() => createEscposPrinter({ interface: 'printer:auto' })).toThrow(/"interface"/)
  })
})

import { randomBytes } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HardwareError } from '../../hardware/ports.ts'
import { createZplTcpPrinter, parseHostStatus, type ZplTcpPrinterOptions } from '../../hardware/zpl-tcp-printer.ts'
import { startFakeZebra, type FakeZebra } from '../helpers/fake-zebra.ts'

const LABEL = '^XA^FO50,50^A0N,50,50^FDLOT 24-117^FS^XZ'

/** Settles `promise` and says how long it took, so a hang fails on time rather than by test timeout. */
async function timed (promise: Promise<unknown>): Promise<{ error: unknown, ms: number }> {
  const start = performance.now()
  const error = await promise.then(() => undefined, (e: unknown) => e)
  return { error, ms: performance.now() - start }
}

describe('ZPL TCP printer', () => {
  let zebra: FakeZebra
  const printer = (options: Partial<ZplTcpPrinterOptions> = {}) =>
    createZplTcpPrinter({ host: zebra.host, port: zebra.port, ...options })

  beforeEach(async () => { zebra = await startFakeZebra() })
  afterEach(async () => { await zebra.close() })

  it('delivers a label larger than 1 MB intact, in many TCP chunks', async () => {
    // A ^GFA graphic as templates/ emits it: 3 MB of hex, far beyond one socket write or read.
    const hex = randomBytes(1536 * 1024).toString('hex').toUpperCase()
    const label = Buffer.from(`^XA^FO0,0^GFA,${hex.length / 2},${hex.length / 2},96,${hex}^FS^XZ`)
    await printer().print(label)
    expect(zebra.jobs).toHaveLength(1)
    expect(zebra.jobs[0]!.equals(label)).toBe(true)
  })

  it('prints labels asked for at the same moment one job at a time, in the order asked', async () => {
    const p = printer()
    const labels = [1, 2, 3, 4, 5].map(n => LABEL.replace('117', `11${n}`))
    await Promise.all(labels.map(label => p.print(label)))
    expect(zebra.jobs.map(j => j.toString())).toEqual(labels)
  })

  it('fails OFFLINE at once when the printer is down, and prints again once it is back up', async () => {
    const p = printer()
    await zebra.down()
    const { error, ms } = await timed(p.print(LABEL))
    expect(error).toBeInstanceOf(HardwareError)
    expect(error).toMatchObject({ code: 'OFFLINE' })
    expect((error as Error).cause).toMatchObject({ code: 'ECONNREFUSED' })
    expect(ms).toBeLessThan(1000)
    expect(await p.status()).toMatchObject({ online: false })

    await zebra.up()
    await p.print(LABEL)
    expect(zebra.jobs.map(j => j.toString())).toEqual([LABEL])
  })

  it('fails TIMEOUT within writeTimeoutMs when the printer accepts but never reads, instead of hanging', async () => {
    zebra.neverRead(true)
    const label = Buffer.alloc(8 * 1024 * 1024, 'A') // more than localhost socket buffers hold
    const { error, ms } = await timed(printer({ writeTimeoutMs: 400 }).print(label))
    expect(error).toMatchObject({ name: 'HardwareError', code: 'TIMEOUT' })
    expect((error as Error).cause).toBeInstanceOf(Error)
    expect(ms).toBeGreaterThanOrEqual(350)
    expect(ms).toBeLessThan(1500)
  })

  it('refuses a checked print when ~HS says paper out, and the label never reaches the printer', async () => {
    zebra.paperOut(true)
    zebra.pause(true) // a Zebra out of paper is usually paused too: paper out must win
    const error = await printer().print(LABEL, { checkStatus: true }).catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'HardwareError', code: 'PAPER_OUT' })
    await zebra.idle()
    expect(zebra.sessions).toEqual([{ bytes: Buffer.alloc(0), statusRequests: 1 }])
    expect(zebra.jobs).toEqual([])
  })

  it('refuses a checked print when paused or when the head is open', async () => {
    zebra.pause(true)
    await expect(printer().print(LABEL, { checkStatus: true })).rejects.toMatchObject({ code: 'PAUSED' })
    zebra.pause(false)
    zebra.headOpen(true)
    await expect(printer({ checkStatus: true }).print(LABEL)).rejects.toMatchObject({ code: 'HEAD_OPEN' })
    expect(zebra.jobs).toEqual([])
  })

  it('sends the label on the same connection right after a good ~HS answer', async () => {
    await printer({ checkStatus: true }).print(LABEL)
    await zebra.idle()
    expect(zebra.sessions).toEqual([{ bytes: Buffer.from(LABEL), statusRequests: 1 }])
  })

  it('treats a printer silent to ~HS past statusTimeoutMs as a fault and sends nothing', async () => {
    zebra.silent(true)
    const { error, ms } = await timed(printer({ statusTimeoutMs: 300 }).print(LABEL, { checkStatus: true }))
    expect(error).toMatchObject({ name: 'HardwareError', code: 'FAULT' })
    expect((error as Error).message).toMatch(/no answer to ~HS within 300 ms/)
    expect(ms).toBeLessThan(1000)
    expect(await printer({ statusTimeoutMs: 100 }).status()).toMatchObject({ online: true, fault: expect.stringMatching(/~HS/) })
    await zebra.idle()
    expect(zebra.jobs).toEqual([])
  })

  it('reads the ~HS flags from their documented field positions', () => {
    const answer = '\x02030,1,0,1245,000,0,0,0,000,0,0,1\x03\r\n\x02001,0,1,1,1,2,6,0,00000000,1,000\x03\r\n\x021234,0\x03\r\n'
    expect(parseHostStatus(answer)).toMatchObject({
      paperOut: true, paused: false, headOpen: true, fault: 'ribbon out, over temperature'
    })
    expect(parseHostStatus(answer.slice(0, 40))).toBeUndefined() // not all three strings yet
  })

  it('rejects bad configuration at creation, naming the option', () => {
    expect(() => createZplTcpPrinter({ host: '' })).toThrow(/"host"/)
    expect(() => createZplTcpPrinter({ host: 'zebra-1', port: 0 })).toThrow(/"port"/)
    expect(() => createZplTcpPrinter({ host: 'zebra-1', writeTimeoutMs: -1 })).toThrow(/"writeTimeoutMs"/)
  })
})

/**
 * One contract for every Printer: the fake, the file printer, the ZPL TCP printer against the
 * fake Zebra, and a real Zebra when PRINTER_HOST (and optionally PRINTER_PORT) is set —
 * that run prints one small test label.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HardwareError } from '../../hardware/ports.ts'
import type { Printer } from '../../hardware/printer.ts'
import { createFakePrinter } from '../../hardware/fake-printer.ts'
import { createFilePrinter } from '../../hardware/file-printer.ts'
import { createZplTcpPrinter } from '../../hardware/zpl-tcp-printer.ts'
import { startFakeZebra } from '../helpers/fake-zebra.ts'

interface Target {
  printer: Printer
  /** What the printer received, oldest first; absent for a real device. */
  received?: () => Promise<Buffer[]>
  /** Makes the printer report paper out; absent when it cannot be simulated. */
  paperOut?: () => void
  close: () => Promise<void>
}

const LABEL = '^XA^CI28^FO40,40^A0N,40,40^FDLotline contract test: Käse^FS^XZ'

const targets: Array<{ name: string, simulated: { received: boolean, paperOut: boolean }, open: () => Promise<Target> }> = [
  {
    name: 'fake printer',
    simulated: { received: true, paperOut: true },
    open: async () => {
      const printer = createFakePrinter()
      return {
        printer,
        received: async () => printer.printed.map(l => Buffer.from(l)),
        paperOut: () => printer.setStatus({ paperOut: true }),
        close: async () => {}
      }
    }
  },
  {
    name: 'file printer',
    simulated: { received: true, paperOut: false },
    open: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'lotline-contract-'))
      return {
        printer: createFilePrinter({ dir }),
        received: async () => {
          const names = (await readdir(dir)).filter(n => n.endsWith('.zpl') || n.endsWith('.bin')).sort()
          return Promise.all(names.map(n => readFile(join(dir, n))))
        },
        close: () => rm(dir, { recursive: true, force: true })
      }
    }
  },
  {
    name: 'ZPL TCP printer (fake Zebra)',
    simulated: { received: true, paperOut: true },
    open: async () => {
      const zebra = await startFakeZebra()
      return {
        printer: createZplTcpPrinter({ host: zebra.host, port: zebra.port }),
        received: async () => { await zebra.idle(); return zebra.jobs },
        paperOut: () => zebra.paperOut(true),
        close: () => zebra.close()
      }
    }
  }
]

const realHost = process.env.PRINTER_HOST
if (realHost != null && realHost !== '') {
  targets.push({
    name: `real ZPL printer at ${realHost}`,
    simulated: { received: false, paperOut: false },
    open: async () => ({
      printer: createZplTcpPrinter({ host: realHost, port: Number(process.env.PRINTER_PORT ?? 9100) }),
      close: async () => {}
    })
  })
}

describe.each(targets)('Printer contract: $name', ({ simulated, open }) => {
  let target: Target
  beforeEach(async () => { target = await open() })
  afterEach(async () => { await target.close() })

  it('reports a ready printer as online, with nothing stopping it and a fresh checkedAt', async () => {
    const before = Date.now()
    const status = await target.printer.status()
    expect(status.online).toBe(true)
    expect(status.paperOut ?? false).toBe(false)
    expect(status.headOpen ?? false).toBe(false)
    expect(status.paused ?? false).toBe(false)
    expect(status.fault).toBeUndefined()
    expect(Date.parse(status.checkedAt)).toBeGreaterThanOrEqual(before - 1000)
  })

  it('prints a label, checked or not', async () => {
    await target.printer.print(LABEL)
    await target.printer.print(new TextEncoder().encode(LABEL), { checkStatus: true })
  })

  it.skipIf(!simulated.received)('delivers each label intact and in order, strings as UTF-8', async () => {
    await target.printer.print(LABEL)
    await target.printer.print(Buffer.from(LABEL.replace('test', 'second'), 'utf8'))
    const received = await target.received!()
    expect(received.map(b => b.toString('utf8'))).toEqual([LABEL, LABEL.replace('test', 'second')])
  })

  it.skipIf(!simulated.paperOut)('refuses a checked print when out of paper, and sends nothing', async () => {
    target.paperOut!()
    const error = await target.printer.print(LABEL, { checkStatus: true }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HardwareError)
    expect(error).toMatchObject({ code: 'PAPER_OUT' })
    expect((error as Error).cause).toBeDefined()
    expect(await target.received!()).toEqual([])
    expect((await target.printer.status()).paperOut).toBe(true)
  })
})

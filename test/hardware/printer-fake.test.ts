import { describe, expect, it } from 'vitest'
import { HardwareError } from '../../hardware/ports.ts'
import { createFakePrinter } from '../../hardware/fake-printer.ts'

describe('fake printer', () => {
  it('fails the next print only, with the code asked for, then prints again', async () => {
    const printer = createFakePrinter()
    printer.failNext('OFFLINE')
    const error = await printer.print('^XA^XZ').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HardwareError)
    expect(error).toMatchObject({ code: 'OFFLINE' })
    expect((error as Error).cause).toBeDefined()
    await printer.print('^XA^FDok^FS^XZ')
    expect(printer.printed).toEqual(['^XA^FDok^FS^XZ'])
  })

  it('rejects OFFLINE while set offline, and accepts a paper-out print unless asked to check, like a Zebra', async () => {
    const printer = createFakePrinter({ kind: 'escpos' })
    printer.setStatus({ online: false })
    await expect(printer.print('a')).rejects.toMatchObject({ code: 'OFFLINE' })
    printer.setStatus({ online: true, paperOut: true })
    await printer.print('b')
    await expect(printer.print('c', { checkStatus: true })).rejects.toMatchObject({ code: 'PAPER_OUT' })
    expect(printer.printed).toEqual(['b'])
    expect(await printer.status()).toMatchObject({ online: true, paperOut: true })
    expect(printer.kind).toBe('escpos')
  })

  it('keeps a copy of byte labels, so reusing the caller\'s buffer does not rewrite history', async () => {
    const printer = createFakePrinter()
    const buffer = new Uint8Array([1, 2, 3])
    await printer.print(buffer)
    buffer[0] = 9
    expect(printer.printed).toEqual([new Uint8Array([1, 2, 3])])
  })
})

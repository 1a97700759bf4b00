import { describe, expect, it } from 'vitest'
import { createScanFramer, MAX_FRAME_BYTES, type FrameEvent } from '../../hardware/scan-framer.ts'

const GS = '\x1d'
const bytes = (text: string): Uint8Array => Buffer.from(text, 'latin1')
const scans = (events: FrameEvent[]): string[] => events.flatMap(e => e.type === 'scan' ? [e.text] : [])
const rejections = (events: FrameEvent[]): string[] => events.flatMap(e => e.type === 'rejected' ? [e.kind] : [])

describe('scan framer', () => {
  it('joins a scan that arrives split across reads, keeping the GS separator', () => {
    const framer = createScanFramer()
    expect(framer.push(bytes(']C1010952123454321310LOT'), 0)).toEqual([])
    expect(framer.push(bytes(`1${GS}17270630\r`), 5)).toEqual([{ type: 'scan', text: `]C1010952123454321310LOT1${GS}17270630` }])
  })

  it.each([
    ['CR', '\r'],
    ['LF', '\n'],
    ['CRLF', '\r\n']
  ])('ends a frame on %s and never emits an empty scan for it', (_name, end) => {
    const framer = createScanFramer()
    const events = framer.push(bytes(`A1${end}B2${end}`), 0)
    expect(events).toEqual([{ type: 'scan', text: 'A1' }, { type: 'scan', text: 'B2' }])
    expect(framer.errorsInARow).toBe(0)
  })

  it('treats a CRLF split between two reads as one line end', () => {
    const framer = createScanFramer()
    expect(scans(framer.push(bytes('A1\r'), 0))).toEqual(['A1'])
    expect(framer.push(bytes('\nB2\r'), 3)).toEqual([{ type: 'scan', text: 'B2' }])
  })

  it('splits two scans that arrive in one read', () => {
    const framer = createScanFramer()
    expect(scans(framer.push(bytes('00395212345000000017\r(01)09521234543213\r'), 0)))
      .toEqual(['00395212345000000017', '(01)09521234543213'])
  })

  it('drops a partial scan that went stale and does not glue it to the next scan', () => {
    const framer = createScanFramer({ staleFrameMs: 300 })
    framer.push(bytes('0109521'), 0)
    expect(framer.staleAt()).toBe(300)
    const dropped = framer.expire(300)
    expect(dropped).toMatchObject([{ type: 'rejected', kind: 'stale', reason: expect.stringContaining('no line end within 300 ms') }])
    expect(scans(framer.push(bytes('GOOD\r'), 400))).toEqual(['GOOD'])
  })

  it('drops a stale partial even when the timer fired late and new bytes came first', () => {
    const framer = createScanFramer({ staleFrameMs: 300 })
    framer.push(bytes('PART'), 0)
    const events = framer.push(bytes('GOOD\r'), 1000)
    expect(rejections(events)).toEqual(['stale'])
    expect(scans(events)).toEqual(['GOOD'])
  })

  it('keeps a slow scan whose bytes keep coming within the stale window', () => {
    const framer = createScanFramer({ staleFrameMs: 300 })
    framer.push(bytes('AB'), 0)
    framer.push(bytes('CD'), 250)
    expect(framer.expire(500)).toEqual([])
    expect(scans(framer.push(bytes('EF\r'), 520))).toEqual(['ABCDEF'])
  })

  it.each([
    ['a NUL byte', 'AB\x00CD\r', 'NUL'],
    ['a control byte', 'AB\x07CD\r', '0x07'],
    ['invalid UTF-8', 'AB\xff\xfeCD\r', 'not valid text'],
    ['a lone line end', '\r', 'empty scan'],
    ['only separators', `${GS}${GS}\r`, 'empty scan']
  ])('refuses a frame with %s and says why', (_what, raw, why) => {
    const framer = createScanFramer()
    const [event] = framer.push(bytes(raw), 0)
    expect(event).toMatchObject({ type: 'rejected', reason: expect.stringContaining(why) })
  })

  it('accepts valid UTF-8 text beyond ASCII', () => {
    const framer = createScanFramer()
    expect(scans(framer.push(Buffer.from('Crème brûlée\r', 'utf8'), 0))).toEqual(['Crème brûlée'])
  })

  it('raises a "check scanner" alert after N bad frames in a row and clears it on the next good scan', () => {
    const framer = createScanFramer({ noiseAlertAfter: 3 })
    framer.push(bytes('\x00\r\x07\r'), 0)
    expect(framer.errorsInARow).toBe(2)
    expect(framer.alert).toBeUndefined()
    framer.push(bytes('\xff\r'), 10)
    expect(framer.alert).toMatch(/^Check scanner: 3 bad reads in a row/)
    framer.push(bytes('GOOD\r'), 20)
    expect(framer.errorsInARow).toBe(0)
    expect(framer.alert).toBeUndefined()
  })

  it('refuses a runaway frame longer than any barcode, then frames normally again', () => {
    const framer = createScanFramer()
    const events = framer.push(new Uint8Array(MAX_FRAME_BYTES + 10).fill(0x41), 0)
    expect(rejections(events)).toEqual(['too-long'])
    expect(framer.push(bytes('AAAA\r'), 1)).toEqual([]) // rest of the runaway frame
    expect(scans(framer.push(bytes('GOOD\r'), 2))).toEqual(['GOOD'])
  })

  it('suppresses an identical scan within the repeat window without counting it as a bad read', () => {
    const framer = createScanFramer({ repeatWindowMs: 500 })
    expect(scans(framer.push(bytes('SSCC1\r'), 0))).toEqual(['SSCC1'])
    expect(framer.push(bytes('SSCC1\r'), 400)).toMatchObject([{ type: 'rejected', kind: 'repeat' }])
    expect(framer.errorsInARow).toBe(0)
    expect(scans(framer.push(bytes('SSCC1\r'), 600))).toEqual(['SSCC1'])
    expect(scans(framer.push(bytes('OTHER\r'), 650))).toEqual(['OTHER'])
  })

  it('reports a partial scan cut off by a disconnect without counting it as a bad read', () => {
    const framer = createScanFramer()
    framer.push(bytes('PART'), 0)
    expect(framer.reset()).toMatchObject([{ type: 'rejected', kind: 'disconnected' }])
    expect(framer.errorsInARow).toBe(0)
    expect(framer.push(bytes('GOOD\r'), 10)).toEqual([{ type: 'scan', text: 'GOOD' }])
  })
})

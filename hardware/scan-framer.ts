/**
 * Turns the raw bytes a serial scanner sends into scans: pure (time is passed in), so every
 * framing rule is testable without a port or a timer.
 *
 * Why not ReadlineParser: it ends a line on one fixed delimiter, but scanners on a line send CR,
 * LF or CRLF depending on how (and whether) someone set them up, and a wrong guess either glues
 * two scans together or produces empty ones. Here CR, LF and the CRLF pair each end one frame.
 */

const CR = 0x0d
const LF = 0x0a
const GS = 0x1d
const DEL = 0x7f

/**
 * Longest frame kept, in bytes. A GS1 DataMatrix holds at most 2335 alphanumerics and a QR code
 * 2953 bytes, so anything longer is a runaway stream (wrong device, wrong baud rate).
 */
export const MAX_FRAME_BYTES = 4096

export interface FramerOptions {
  /** Drop a partial frame whose last byte is older than this, in ms. Default 300. */
  staleFrameMs?: number
  /** Raise the "check scanner" alert after this many bad frames in a row. Default 3. */
  noiseAlertAfter?: number
  /** Refuse a frame identical to the last accepted scan within this many ms. Default 0 (off). */
  repeatWindowMs?: number
}

/** Why a frame was refused. Only 'repeat' and 'disconnected' do not count as bad reads. */
export type RejectKind = 'noise' | 'empty' | 'stale' | 'too-long' | 'repeat' | 'disconnected'

export type FrameEvent =
  | { type: 'scan', text: string }
  | { type: 'rejected', kind: RejectKind, reason: string, bytes: Uint8Array }

export interface ScanFramer {
  /** Feeds one read; `now` in ms. Returns scans and rejections in arrival order. */
  push (chunk: Uint8Array, now: number): FrameEvent[]
  /** Drops the partial frame if it has gone stale by `now` (ms). Call it from a timer. */
  expire (now: number): FrameEvent[]
  /** Forgets the partial frame, e.g. when the port closed; reports it if there was one. */
  reset (): FrameEvent[]
  /** When the pending partial frame goes stale (ms), or undefined when nothing is pending. */
  staleAt (): number | undefined
  /** Bad frames since the last good scan. */
  readonly errorsInARow: number
  /** "Check scanner ..." while errorsInARow >= noiseAlertAfter; cleared by the next good scan. */
  readonly alert: string | undefined
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Why `bytes` is not a usable scan, in words an operator or technician can act on; undefined when it is. */
export function whyNotAScan (bytes: Uint8Array): { kind: RejectKind, reason: string } | undefined {
  if (bytes.length === 0) return { kind: 'empty', reason: 'empty scan: a line end with no data before it' }
  if (bytes.includes(0)) return { kind: 'noise', reason: 'line noise: the frame contains NUL bytes (loose cable or wrong baud rate?)' }
  const control = bytes.find(b => (b < 0x20 && b !== GS) || b === DEL)
  if (control !== undefined) {
    return { kind: 'noise', reason: `line noise: the frame contains control byte 0x${control.toString(16).padStart(2, '0')}` }
  }
  let text: string
  try {
    text = utf8.decode(bytes)
  } catch {
    return { kind: 'noise', reason: 'line noise: the frame is not valid text (wrong baud rate?)' }
  }
  // C1 controls decode as valid UTF-8 but never appear in a barcode's data
  if (/[\u0080-\u009f]/.test(text)) return { kind: 'noise', reason: 'line noise: the frame contains control characters' }
  if (/^[\x1d ]*$/.test(text)) return { kind: 'empty', reason: 'empty scan: only separators or spaces' }
  return undefined
}

/** Options are trusted here: `validateScannerConfig` (serial-scanner.ts) checks them at startup. */
export function createScanFramer (options: FramerOptions = {}): ScanFramer {
  const staleFrameMs = options.staleFrameMs ?? 300
  const noiseAlertAfter = options.noiseAlertAfter ?? 3
  const repeatWindowMs = options.repeatWindowMs ?? 0

  let partial: number[] = []
  let lastByteAt = 0
  let afterCR = false // the last byte ended a frame with CR: an LF right after it is the rest of a CRLF
  let discarding = false // dropping the rest of a too-long frame until its line end
  let errorsInARow = 0
  let alert: string | undefined
  let lastScan: { text: string, at: number } | undefined

  function bad (kind: RejectKind, reason: string, bytes: Uint8Array): FrameEvent {
    errorsInARow++
    if (errorsInARow >= noiseAlertAfter) alert = `Check scanner: ${errorsInARow} bad reads in a row (last: ${reason})`
    return { type: 'rejected', kind, reason, bytes }
  }

  function endFrame (now: number): FrameEvent | undefined {
    const bytes = Uint8Array.from(partial)
    partial = []
    if (discarding) { discarding = false; return undefined } // already reported as too long
    const wrong = whyNotAScan(bytes)
    if (wrong) return bad(wrong.kind, wrong.reason, bytes)
    const text = utf8.decode(bytes)
    if (lastScan?.text === text && now - lastScan.at < repeatWindowMs) {
      return { type: 'rejected', kind: 'repeat', reason: `repeat of the same scan within ${repeatWindowMs} ms`, bytes }
    }
    lastScan = { text, at: now }
    errorsInARow = 0
    alert = undefined
    return { type: 'scan', text }
  }

  const pending = (): boolean => partial.length > 0 || discarding

  function expire (now: number): FrameEvent[] {
    if (!pending() || now - lastByteAt < staleFrameMs) return []
    const bytes = Uint8Array.from(partial)
    partial = []
    if (discarding) { discarding = false; return [] } // already reported as too long
    return [bad('stale', `incomplete scan dropped: no line end within ${staleFrameMs} ms of its last byte`, bytes)]
  }

  function push (chunk: Uint8Array, now: number): FrameEvent[] {
    const events = expire(now) // the timer may have fired late: never glue a stale partial to new bytes
    for (const byte of chunk) {
      if (byte === CR || byte === LF) {
        const restOfCRLF = byte === LF && afterCR
        afterCR = byte === CR
        if (restOfCRLF) continue
        const event = endFrame(now)
        if (event) events.push(event)
        continue
      }
      afterCR = false
      if (discarding) continue
      partial.push(byte)
      if (partial.length > MAX_FRAME_BYTES) {
        events.push(bad('too-long', `frame longer than ${MAX_FRAME_BYTES} bytes without a line end (wrong device or baud rate?)`, Uint8Array.from(partial)))
        partial = []
        discarding = true
      }
    }
    if (pending()) lastByteAt = now
    return events
  }

  return {
    push,
    expire,
    reset () {
      const bytes = Uint8Array.from(partial)
      partial = []
      afterCR = false
      discarding = false
      if (bytes.length === 0) return []
      return [{ type: 'rejected', kind: 'disconnected', reason: 'incomplete scan dropped: the scanner disconnected mid-scan', bytes }]
    },
    staleAt: () => pending() ? lastByteAt + staleFrameMs : undefined,
    get errorsInARow () { return errorsInARow },
    get alert () { return alert }
  }
}

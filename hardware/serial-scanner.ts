import { EventEmitter } from 'node:events'
import { setTimeout as delay } from 'node:timers/promises'
import type { ScanSource } from './ports.ts'
import { createScanFramer, type FrameEvent, type RejectKind } from './scan-framer.ts'

export interface SerialScannerConfig {
  /** Prefer /dev/serial/by-id/...: a replugged scanner keeps that name, not its /dev/ttyACMn. */
  path: string
  /** Must match the scanner's setting; scanners on a line run at 9600-115200. */
  baudRate: number
  /**
   * The line end the scanner is set to send. Framing accepts CR, LF and CRLF whatever this says
   * (a scanner reset to factory defaults often changes it, and no scan should be lost for that);
   * it is validated so a config typo fails at startup.
   */
  terminator: 'CR' | 'LF' | 'CRLF'
  /** Drop a partial scan after this many ms without a line end. Default 300. */
  staleFrameMs?: number
  /** Raise the "check scanner" alert after this many bad frames in a row. Default 3. */
  noiseAlertAfter?: number
  /** Poll interval, in ms, for reopening an absent or unplugged port. Default 500. */
  reopenIntervalMs?: number
  /** Drop a scan identical to the previous one within this many ms. Default 0 (off: the station dedups). */
  repeatWindowMs?: number
}

export const BAUD_RATES = [9600, 19200, 38400, 57600, 115200] as const
const TERMINATORS = ['CR', 'LF', 'CRLF'] as const

function checkMs (name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 3_600_000) {
    throw new TypeError(`"${name}" must be a whole number from ${min} to 3600000: ${String(value)}`)
  }
  return value
}

/**
 * Checks a scanner config (it may come from a JSON file) and fills in the defaults.
 * @throws TypeError naming the bad option, e.g. '"baudRate" must be one of 9600, 19200, ...'.
 */
export function validateScannerConfig (config: SerialScannerConfig): Required<SerialScannerConfig> {
  if (typeof config !== 'object' || config === null) throw new TypeError('"config" must be an object')
  const { path, baudRate, terminator } = config
  if (typeof path !== 'string' || path.trim() === '') {
    throw new TypeError('"path" must be a non-empty string, preferably /dev/serial/by-id/...')
  }
  if (!(BAUD_RATES as readonly unknown[]).includes(baudRate)) {
    throw new TypeError(`"baudRate" must be one of ${BAUD_RATES.join(', ')}: ${String(baudRate)}`)
  }
  if (!(TERMINATORS as readonly unknown[]).includes(terminator)) {
    throw new TypeError(`"terminator" must be one of ${TERMINATORS.join(', ')}: ${String(terminator)}`)
  }
  return {
    path,
    baudRate,
    terminator,
    staleFrameMs: checkMs('staleFrameMs', config.staleFrameMs, 300, 1),
    noiseAlertAfter: checkMs('noiseAlertAfter', config.noiseAlertAfter, 3, 1),
    reopenIntervalMs: checkMs('reopenIntervalMs', config.reopenIntervalMs, 500, 1),
    repeatWindowMs: checkMs('repeatWindowMs', config.repeatWindowMs, 0, 0)
  }
}

/** The part of a serialport stream the adapter uses: `SerialPort` and `SerialPortMock` fit it. */
export interface ScannerPort {
  readonly isOpen: boolean
  on (event: 'data' | 'close' | 'end' | 'error', listener: (...args: any[]) => void): unknown
  close (callback?: (err?: Error | null) => void): void
}

/** Opens the port and resolves once it is open; rejects when it cannot be opened (absent, locked...). */
export type OpenPort = (options: { path: string, baudRate: number }) => Promise<ScannerPort>

export interface ScannerStatus {
  state: 'connected' | 'disconnected' | 'opening'
  path: string
  /** ISO 8601 time of the last good scan. */
  lastScanAt?: string
  /** Bad frames since the last good scan. */
  errorsInARow: number
  /** "Check scanner: ..." after `noiseAlertAfter` bad frames in a row; cleared by the next good scan. */
  alert?: string
  /** Last port problem (open failure, disconnect), in plain words. */
  lastError?: string
}

export interface RejectedFrame { kind: RejectKind, reason: string, bytes: Uint8Array, at: string }

/**
 * A ScanSource that also reports its health. Listeners run inside the port's data handler, so
 * they must not throw.
 */
export interface SerialScanner extends ScanSource {
  status (): ScannerStatus
  on (event: 'status', listener: (status: ScannerStatus) => void): this
  on (event: 'rejected', listener: (frame: RejectedFrame) => void): this
  on (event: 'scan', listener: (scan: { text: string, at: string }) => void): this
  off (event: 'status' | 'rejected' | 'scan', listener: (...args: any[]) => void): this
}

export interface SerialScannerDeps {
  /** Injected for testability; defaults to the real `SerialPort` (loaded on first open). */
  openPort?: OpenPort
  /** Stamps `lastScanAt` and events. Framing times use the monotonic `performance.now()` instead, so a wall-clock jump (NTP) cannot make a scan stale. */
  clock?: () => Date
}

/**
 * Wraps a serialport class (`SerialPort`, `SerialPortMock`) as an OpenPort.
 * The open error keeps the driver's message ("No such file or directory", "Port is locked").
 */
export function serialPortOpener<P extends ScannerPort> (
  Port: new (options: { path: string, baudRate: number }, openCallback: (err: Error | null) => void) => P
): (options: { path: string, baudRate: number }) => Promise<P> {
  return async (options) => await new Promise<P>((resolve, reject) => {
    const port: P = new Port({ path: options.path, baudRate: options.baudRate }, (err) => {
      if (err) reject(err)
      else resolve(port)
    })
  })
}

const openRealPort: OpenPort = async (options) => {
  const { SerialPort } = await import('serialport') // lazy: loads the native binding only when a real port is used
  return await serialPortOpener(SerialPort)(options)
}

const message = (err: unknown): string => err instanceof Error ? err.message : String(err)

/**
 * The serial (or USB-CDC) scanner adapter. Nothing is opened until `scans()` is iterated; the
 * port closes when the last iteration ends. A disconnect never ends or throws out of `scans()`:
 * status turns 'disconnected' and the port is reopened every `reopenIntervalMs` until it is back.
 * @throws TypeError naming the option when the config is invalid.
 */
export function createSerialScanner (config: SerialScannerConfig, deps: SerialScannerDeps = {}): SerialScanner {
  const options = validateScannerConfig(config)
  const openPort = deps.openPort ?? openRealPort
  const clock = deps.clock ?? (() => new Date())
  const framer = createScanFramer(options)
  const events = new EventEmitter()
  const subscribers = new Set<(text: string) => void>()
  let state: ScannerStatus['state'] = 'disconnected'
  let lastScanAt: string | undefined
  let lastError: string | undefined
  let stopper: AbortController | undefined
  let running: Promise<void> | undefined

  const status = (): ScannerStatus => ({
    state,
    path: options.path,
    ...(lastScanAt !== undefined && { lastScanAt }),
    errorsInARow: framer.errorsInARow,
    ...(framer.alert !== undefined && { alert: framer.alert }),
    ...(lastError !== undefined && { lastError })
  })
  let lastEmitted = JSON.stringify(status())
  function statusMayHaveChanged (): void {
    const now = status()
    const json = JSON.stringify(now)
    if (json === lastEmitted) return
    lastEmitted = json
    events.emit('status', now)
  }
  function setState (next: ScannerStatus['state'], error?: string): void {
    state = next
    if (error !== undefined) lastError = error
    statusMayHaveChanged()
  }

  function deliver (frameEvents: FrameEvent[]): void {
    for (const event of frameEvents) {
      const at = clock().toISOString()
      if (event.type === 'scan') {
        lastScanAt = at
        for (const subscriber of subscribers) subscriber(event.text)
        events.emit('scan', { text: event.text, at })
      } else {
        events.emit('rejected', { kind: event.kind, reason: event.reason, bytes: event.bytes, at })
      }
    }
    statusMayHaveChanged()
  }

  /** Resolves with the reason the connection ended: unplug, port error, or stop. */
  async function watch (port: ScannerPort, stop: AbortSignal): Promise<string> {
    return await new Promise<string>((resolve) => {
      let staleTimer: NodeJS.Timeout | undefined
      let reason: string | undefined // why we closed the port ourselves, reported instead of "port closed"
      let done = false
      const finish = (why: string): void => {
        if (done) return
        done = true
        clearTimeout(staleTimer)
        stop.removeEventListener('abort', onStop)
        deliver(framer.reset())
        resolve(why)
      }
      const closeAndFinish = (why: string): void => {
        reason ??= why
        if (port.isOpen) port.close(() => finish(why))
        else finish(why)
      }
      const onStop = (): void => closeAndFinish('stopped')
      const armStaleTimer = (): void => {
        clearTimeout(staleTimer)
        const staleAt = framer.staleAt()
        if (staleAt === undefined) return
        staleTimer = setTimeout(() => { deliver(framer.expire(performance.now())); armStaleTimer() }, Math.max(0, staleAt - performance.now()))
        staleTimer.unref()
      }
      port.on('data', (chunk: Buffer) => {
        if (done) return
        deliver(framer.push(chunk, performance.now()))
        armStaleTimer()
      })
      port.on('close', (err?: Error & { disconnected?: boolean } | null) => {
        finish(reason ?? (err?.disconnected === true ? `scanner disconnected (${err.message})` : 'port closed'))
      })
      // bindings report EOF as end-of-stream: nothing more will be read from this port
      port.on('end', () => closeAndFinish('port reached end of stream'))
      // an 'error' listener must always be present, or a late driver error would crash the process
      port.on('error', (err: unknown) => {
        if (!done) closeAndFinish(`port error: ${message(err)}`)
      })
      stop.addEventListener('abort', onStop, { once: true })
      setState('connected')
      if (stop.aborted) onStop() // stopped while the port was opening
    })
  }

  async function run (stop: AbortSignal): Promise<void> {
    setState('opening')
    while (!stop.aborted) {
      let port: ScannerPort
      try {
        port = await openPort({ path: options.path, baudRate: options.baudRate })
      } catch (err) {
        setState('disconnected', `cannot open ${options.path}: ${message(err)}`)
        await delay(options.reopenIntervalMs, undefined, { signal: stop }).catch(() => {})
        continue
      }
      const why = await watch(port, stop)
      if (stop.aborted) break
      setState('disconnected', why)
      await delay(options.reopenIntervalMs, undefined, { signal: stop }).catch(() => {})
    }
    setState('disconnected')
  }

  async function release (): Promise<void> {
    if (subscribers.size > 0 || !stopper) return
    stopper.abort()
    const ended = running
    stopper = undefined
    running = undefined
    await ended
  }

  const scanner = {
    status,
    async * scans (signal?: AbortSignal): AsyncGenerator<string> {
      if (signal?.aborted) return
      const queue: string[] = []
      let wake: (() => void) | undefined
      const subscriber = (text: string): void => { queue.push(text); wake?.() }
      const onAbort = (): void => wake?.()
      subscribers.add(subscriber)
      signal?.addEventListener('abort', onAbort)
      if (!stopper) {
        stopper = new AbortController()
        running = run(stopper.signal)
      }
      try {
        while (signal?.aborted !== true) {
          const next = queue.shift()
          if (next !== undefined) { yield next; continue }
          await new Promise<void>((resolve) => { wake = resolve })
          wake = undefined
        }
      } finally {
        signal?.removeEventListener('abort', onAbort)
        subscribers.delete(subscriber)
        await release()
      }
    },
    on (event: string, listener: (...args: any[]) => void) { events.on(event, listener); return scanner },
    off (event: string, listener: (...args: any[]) => void) { events.off(event, listener); return scanner }
  }
  return scanner as SerialScanner
}

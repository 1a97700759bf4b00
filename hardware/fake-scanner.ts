import { EventEmitter } from 'node:events'
import { createSerialScanner, type ScannerPort, type SerialScanner, type SerialScannerConfig } from './serial-scanner.ts'

/**
 * A scanner for tests and the demo mode. It is the real adapter (same framing, noise refusal,
 * alert and reconnect) over an in-memory port, so what works against the fake works against a
 * real scanner; only the bytes come from `scan()` instead of a cable.
 */
export interface FakeScanner extends SerialScanner {
  /**
   * Sends one scan followed by CR, as a scanner does on a trigger pull. Returns false when no
   * port is open (unplugged, or nobody iterating `scans()`): the scan is lost, as on a real line.
   */
  scan (text: string): boolean
  /** Sends raw bytes (split reads, noise, odd line ends). Same return as `scan`. */
  send (bytes: Uint8Array | string): boolean
  /** Unplugs the cable: the open port closes with `disconnected: true` and reopening fails. */
  disconnect (): void
  /** Plugs it back: the adapter reopens on its next poll (`reopenIntervalMs`, default 20 here). */
  reconnect (): void
  /** True while a port is open, i.e. a scan would be delivered. */
  readonly connected: boolean
}

export interface FakeScannerOptions extends Partial<SerialScannerConfig> {
  clock?: () => Date
}

class FakePort extends EventEmitter implements ScannerPort {
  isOpen = true
  /** Closes like serialport: 'close' gets a DisconnectedError-like error on unplug, null otherwise. */
  close (callback?: (err?: Error | null) => void, disconnected?: Error): void {
    if (!this.isOpen) {
      process.nextTick(() => callback?.(new Error('Port is not open')))
      return
    }
    this.isOpen = false
    process.nextTick(() => {
      this.emit('close', disconnected ?? null)
      callback?.(null)
    })
  }
}

export function createFakeScanner (options: FakeScannerOptions = {}): FakeScanner {
  const { clock, ...config } = options
  let plugged = true
  let port: FakePort | undefined

  const scanner = createSerialScanner({
    path: '/dev/serial/by-id/fake-scanner',
    baudRate: 9600,
    terminator: 'CR',
    reopenIntervalMs: 20,
    ...config
  }, {
    clock,
    openPort: async () => {
      await new Promise(resolve => setImmediate(resolve)) // a real open is never synchronous
      if (!plugged) throw new Error('No such file or directory')
      port = new FakePort()
      return port
    }
  })

  const send = (bytes: Uint8Array | string): boolean => {
    if (!port?.isOpen) return false
    port.emit('data', Buffer.from(bytes))
    return true
  }

  const fake = Object.assign(scanner, {
    scan: (text: string) => send(text + '\r'),
    send,
    disconnect () {
      plugged = false
      port?.close(undefined, Object.assign(new Error('device unplugged'), { disconnected: true }))
    },
    reconnect () { plugged = true }
  })
  // a getter, not a copied value: Object.assign would freeze it at its current value
  return Object.defineProperty(fake, 'connected', { get: () => port?.isOpen === true }) as FakeScanner
}

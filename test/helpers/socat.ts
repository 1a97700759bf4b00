import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { constants, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { open, rm, type FileHandle } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** True when the `socat` binary is on PATH (Debian package `socat`). */
export const socatInstalled: boolean = spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0

/**
 * Two pseudo-terminals joined by socat: `a` plays the scanner's serial port (open it with the
 * real SerialPort), `b` is the scanner's side (write scans into it).
 */
export interface PtyPair {
  readonly a: string
  readonly b: string
  /** Writes bytes into `b`, as the scanner would send them; they come out of `a`. */
  write (bytes: string | Uint8Array): Promise<void>
  /** Kills socat (SIGTERM): both ptys hang up and socat removes the links, like a USB unplug. */
  unplug (): Promise<void>
  /** Starts socat again with the same link names, like plugging the scanner back in. */
  replug (): Promise<void>
  /** Stops socat and removes the temporary folder. */
  stop (): Promise<void>
}

/**
 * Starts `socat -d -d pty,raw,echo=0,link=DIR/a pty,raw,echo=0,link=DIR/b` and resolves once
 * both links exist.
 * @throws Error with socat's stderr when it exits early or the links don't appear in `timeoutMs`.
 */
export async function startPtyPair (timeoutMs = 5000): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), 'lotline-pty-'))
  const a = join(dir, 'a')
  const b = join(dir, 'b')
  let child: ChildProcess | undefined
  let writer: FileHandle | undefined

  async function launch (): Promise<void> {
    // a link left by a SIGKILLed socat could point at a pts number that another pty now uses
    await rm(a, { force: true })
    await rm(b, { force: true })
    const proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: ['ignore', 'ignore', 'pipe'] })
    child = proc
    let stderr = ''
    proc.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
    const deadline = Date.now() + timeoutMs
    while (!(existsSync(a) && existsSync(b))) {
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`socat exited early:\n${stderr}`)
      if (Date.now() > deadline) throw new Error(`socat links did not appear within ${timeoutMs} ms:\n${stderr}`)
      await new Promise(resolve => setTimeout(resolve, 10))
    }
    // O_NOCTTY: the test process must not adopt the pty as its controlling terminal
    writer = await open(b, constants.O_WRONLY | constants.O_NOCTTY)
  }

  async function kill (): Promise<void> {
    await writer?.close().catch(() => {})
    writer = undefined
    const proc = child
    child = undefined
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return
    const exited = new Promise(resolve => proc.once('exit', resolve))
    proc.kill('SIGTERM')
    await exited
  }

  await launch()
  return {
    a,
    b,
    async write (bytes) {
      if (!writer) throw new Error('socat is not running (unplugged)')
      await writer.write(typeof bytes === 'string' ? Buffer.from(bytes) : bytes)
    },
    unplug: kill,
    replug: launch,
    async stop () {
      await kill()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

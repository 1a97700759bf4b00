import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createClient } from '@libsql/client'
import { onTestFinished } from 'vitest'
import { freePort } from './server-process.ts'

/** Where `.ci/get-sqld.sh` puts the libSQL server binary (gitignored). */
export const SQLD_BIN = fileURLToPath(new URL('../../.tools/sqld/sqld', import.meta.url))

/**
 * A real libSQL server (`sqld`) on 127.0.0.1, its data in a temporary folder. It can be stopped,
 * killed and started again on the same port and data, as a plant's database server would be
 * restarted or crash.
 */
export interface Sqld {
  /** `http://127.0.0.1:<port>`: what a kiosk server's `db.url` is set to. */
  readonly url: string
  readonly port: number
  /** Its --db-path folder. */
  readonly dir: string
  /** Everything sqld printed, across restarts. */
  output (): string
  /** SIGTERM, and waits for it to exit. */
  stop (): Promise<void>
  /** SIGKILL, as a crash or a pulled power cord: nothing is flushed. */
  kill (): Promise<void>
  /** Starts it again on the same port and the same data, and waits until it answers a query. */
  start (): Promise<void>
}

/**
 * Starts `sqld --db-path DIR --http-listen-addr 127.0.0.1:PORT` and resolves once it answers a
 * query over HTTP. Stopped and its folder removed when the test ends.
 * @throws Error naming `bash .ci/get-sqld.sh` when the binary is not installed: these tests never skip silently.
 */
export async function startSqld ({ timeoutMs = 20_000 }: { timeoutMs?: number } = {}): Promise<Sqld> {
  if (!existsSync(SQLD_BIN)) {
    throw new Error(`The libSQL server binary is not installed at ${SQLD_BIN}: run \`bash .ci/get-sqld.sh\` (CI's .ci/run does) and run the tests again.`)
  }
  const dir = mkdtempSync(join(tmpdir(), 'lotline-sqld-'))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  let child: ChildProcess | null = null
  let out = ''

  const exit = async (signal: NodeJS.Signals) => {
    const proc = child
    child = null
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return
    const exited = new Promise(resolve => proc.once('exit', resolve))
    proc.kill(signal)
    await exited
  }

  async function start (): Promise<void> {
    if (child) throw new Error('sqld is already running')
    const deadline = Date.now() + timeoutMs
    // The port was just released (or sqld was just killed): binding may need a moment.
    for (;;) {
      const proc = spawn(SQLD_BIN, ['--db-path', join(dir, 'data.sqld'), '--http-listen-addr', `127.0.0.1:${port}`, '--no-welcome'], {
        stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn' }
      })
      child = proc
      proc.stdout!.on('data', d => { out += String(d) })
      proc.stderr!.on('data', d => { out += String(d) })
      const client = createClient({ url })
      try {
        for (;;) {
          if (proc.exitCode !== null || proc.signalCode !== null) break
          try {
            await client.execute('SELECT 1')
            return
          } catch {}
          if (Date.now() > deadline) throw new Error(`sqld did not answer on ${url} within ${timeoutMs} ms:\n${out}`)
          await new Promise(resolve => setTimeout(resolve, 50))
        }
      } finally {
        client.close()
      }
      child = null
      if (Date.now() > deadline) throw new Error(`sqld exited with ${proc.exitCode ?? proc.signalCode}:\n${out}`)
      await new Promise(resolve => setTimeout(resolve, 200))
    }
  }

  onTestFinished(async () => {
    await exit('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  })
  await start()
  return {
    url, port, dir,
    output: () => out,
    stop: () => exit('SIGTERM'),
    kill: () => exit('SIGKILL'),
    start
  }
}

/**
 * A kiosk server's own folder beside the sqld data, as on its own PC: its lotline.config.json
 * (`db.url` = this sqld, plus `config`) and its own data/ (sequence ledger, scan spool).
 * Returns the folder, for startServerProcess's cwd.
 */
export function kioskFolder (sqld: Sqld, name: string, config: Record<string, unknown> = {}): string {
  const dir = join(sqld.dir, 'kiosks', name)
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'lotline.config.json'), JSON.stringify({ plant: { name: 'Shared plant', gs1CompanyPrefix: '0614141' }, db: { url: sqld.url }, ...config }))
  return dir
}

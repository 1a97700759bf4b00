import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { onTestFinished } from 'vitest'

const BIN = fileURLToPath(new URL('../../bin/lotline.mjs', import.meta.url))

/** A free TCP port on 127.0.0.1 (the OS picks it, we release it for the server to take). */
export async function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}

export interface ServerProcess { url: string, child: ChildProcess, output: () => string, stop: () => Promise<void> }

/** The admin API token of the database the tests' servers use: every request is authenticated. */
let token: string | null = null
const tokens = new Map<string, string>()

/** fetch with the tests' admin token. */
export function authFetch (url: string, init: RequestInit = {}) {
  return fetch(url, { ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers as Record<string, string> | undefined) } })
}

/** Runs the real `lotline serve` in its own process and waits until /health answers. */
export async function startServerProcess (env: Record<string, string>, cwd: string): Promise<ServerProcess> {
  // Made once per folder (one database) with the real CLI, as an admin would.
  const key = `${cwd}|${env.LOTLINE_DB_URL ?? ''}`
  if (!tokens.has(key)) {
    const out = execFileSync(process.execPath, [BIN, 'token', 'create', '--role', 'admin', '--name', 'tests'], { cwd, env: { ...process.env, ...env } }).toString().trim().split('\n')
    tokens.set(key, out[out.length - 1]!)
  }
  token = tokens.get(key)!
  const port = await freePort()
  const child = spawn(process.execPath, [BIN, 'serve'], { cwd, env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout!.on('data', d => { out += String(d) })
  child.stderr!.on('data', d => { out += String(d) })
  const url = `http://127.0.0.1:${port}`
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise(resolve => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }
  onTestFinished(stop)
  const deadline = Date.now() + 20_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${out}`)
    try {
      const res = await authFetch(`${url}/health`)
      if (res.ok) break
    } catch {}
    if (Date.now() > deadline) throw new Error(`server did not answer /health within 20 s:\n${out}`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  return { url, child, output: () => out, stop }
}

export async function postJson (url: string, body: unknown) {
  const res = await authFetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: res.status, body: await res.json() as any }
}

import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, onTestFinished, test } from 'vitest'
import { freePort } from '../helpers/server-process.ts'

const BIN = fileURLToPath(new URL('../../bin/lotline.mjs', import.meta.url))
const TLS = fileURLToPath(new URL('../fixtures/tls/', import.meta.url))
/** The test-only certificate is self-signed: it is its own CA, and the only one this client trusts. */
const CA = readFileSync(join(TLS, 'cert.pem'))

interface Answer { status: number, headers: Record<string, string | string[] | undefined>, body: string }

/** One HTTPS request that trusts only the fixture certificate (no rejectUnauthorized: false). */
function https (url: string, o: { method?: string, headers?: Record<string, string>, body?: string, ca?: Buffer | null } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method: o.method ?? 'GET', headers: o.headers, ...(o.ca === null ? {} : { ca: o.ca ?? CA }) }, res => {
      let body = ''
      res.setEncoding('utf8').on('data', d => { body += d }).on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end(o.body)
  })
}

/** Plain HTTP to the same port: resolves with the status if anything answers, rejects if the connection fails. */
function plainHttp (url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { timeout: 5000 }, res => { res.resume(); resolve(res.statusCode!) })
    req.on('timeout', () => req.destroy(new Error('timed out')))
    req.on('error', reject)
    req.end()
  })
}

const form = (fields: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() })

test('with server.https configured, pages are served over TLS, the session cookie is Secure, and plain HTTP gets nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lotline-https-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'lotline.config.json'), JSON.stringify({
    plant: { name: 'TLS Test Bakery' },
    server: { https: { cert: join(TLS, 'cert.pem'), key: join(TLS, 'key.pem') } },
    db: { url: `file:${join(dir, 'lotline.db')}` }
  }))
  const port = await freePort()
  const child = spawn(process.execPath, [BIN, 'serve'], { cwd: dir, env: { ...process.env, LOTLINE_CONFIG: 'lotline.config.json', HOST: '127.0.0.1', PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', d => { out += String(d) })
  child.stderr.on('data', d => { out += String(d) })
  onTestFinished(() => new Promise<void>(resolve => { if (child.exitCode !== null) return resolve(); child.once('exit', () => resolve()); child.kill('SIGTERM') }))

  // A fresh install prints its one-time setup link, with the https address, once it listens.
  const base = `https://127.0.0.1:${port}`
  const deadline = Date.now() + 20_000
  while (!/setup\?token=\S+/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start over https:\n${out}`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  const setupLink = /(https:\/\/\S+\/setup\?token=\S+)/.exec(out)?.[1]
  expect(setupLink, out).toBeDefined()
  expect(out).toContain(`Lotline is running at ${base}`)

  const login = await https(`${base}/login`)
  expect(login.status).toBe(200)
  expect(login.body).toContain('<form method="post" action="/login">')
  const csp = String(login.headers['content-security-policy'])
  expect(csp).toContain("script-src 'self'")
  expect(csp).toContain('upgrade-insecure-requests') // with HTTPS configured, a stray http:// subresource is upgraded
  expect(login.headers['strict-transport-security']).toMatch(/max-age=\d+/)

  const token = new URL(setupLink!).searchParams.get('token')!
  expect((await https(`${base}/setup`, form({ token, username: 'ada', password: 'a long enough password' }))).status).toBe(303)
  const loggedIn = await https(`${base}/login`, form({ username: 'ada', password: 'a long enough password' }))
  expect(loggedIn.status).toBe(303)
  const session = [loggedIn.headers['set-cookie']].flat().find(c => c?.startsWith('lotline_session='))!
  expect(session.split(/;\s*/).slice(1)).toEqual(expect.arrayContaining(['Secure', 'HttpOnly', 'SameSite=Lax']))
  const me = await https(`${base}/api/v1/session`, { headers: { cookie: session.split(';')[0]! } })
  expect(JSON.parse(me.body)).toMatchObject({ user: 'ada', role: 'admin' })

  // A client that does not trust the plant's certificate refuses it: the server really presents it.
  await expect(https(`${base}/login`, { ca: null })).rejects.toThrow(/self[- ]signed/i)
  // Plain HTTP to the HTTPS port gets no page: the TLS server hangs up on it.
  await expect(plainHttp(`http://127.0.0.1:${port}/login`)).rejects.toThrow(/socket hang up|ECONNRESET/)
}, 60_000)

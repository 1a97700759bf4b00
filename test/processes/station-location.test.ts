import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, onTestFinished, test } from 'vitest'
import { authFetch, freePort, postJson, startServerProcess } from '../helpers/server-process.ts'

const BIN = fileURLToPath(new URL('../../bin/lotline.mjs', import.meta.url))

/** Runs `lotline serve` expecting it to refuse to start: its exit code and everything it printed. */
async function serveRefused (dir: string, config: string) {
  const child = spawn(process.execPath, [BIN, 'serve'], { cwd: dir, env: { ...process.env, LOTLINE_CONFIG: config, HOST: '127.0.0.1', PORT: String(await freePort()) }, stdio: ['ignore', 'pipe', 'pipe'] })
  onTestFinished(() => { if (child.exitCode === null) child.kill('SIGTERM') })
  let out = ''
  child.stdout.on('data', d => { out += String(d) })
  child.stderr.on('data', d => { out += String(d) })
  const timer = setTimeout(() => child.kill('SIGTERM'), 20_000)
  const code = await new Promise(resolve => child.once('exit', resolve))
  clearTimeout(timer)
  return { code, out }
}

test('a station at a location the database does not have: serve refuses to start, naming the station, the location and how to add it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lotline-stloc-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  const db = { url: `file:${join(dir, 'plant.db')}` }
  const write = (name: string, stations: unknown[]) => writeFileSync(join(dir, name), JSON.stringify({ plant: { name: 'Plant' }, db, stations }))
  write('office.json', [])
  write('dock.json', [{ code: 'RCV1', kind: 'receiving', location: 'DOCK9' }])
  write('line.json', [{ code: 'PRD1', kind: 'production', location: 'DOCK1' }])

  // The plant has its locations (set up from the office server on the same database).
  const office = await startServerProcess({ LOTLINE_CONFIG: 'office.json' }, dir)
  for (const l of [{ code: 'DOCK1', kind: 'dock', name: 'Dock 1' }, { code: 'L1', kind: 'line', name: 'Line 1' }]) {
    expect((await postJson(`${office.url}/api/v1/locations`, l)).status).toBe(201)
  }

  const typo = await serveRefused(dir, 'dock.json')
  expect(typo.code, typo.out).toBe(1)
  expect(typo.out).toContain('Station RCV1 is at location "DOCK9", which is not in the database (locations: DOCK1, L1)')
  expect(typo.out).toContain('/admin/locations')
  expect(typo.out).toContain('POST /api/v1/locations {"code":"DOCK9","kind":"dock"')
  expect(typo.out).toContain(join(dir, 'dock.json'))

  const notALine = await serveRefused(dir, 'line.json')
  expect(notALine.code, notALine.out).toBe(1)
  expect(notALine.out).toContain('Station PRD1 is a production station, but its location DOCK1 is a dock, not a line')
  expect(notALine.out).toContain('(lines: L1)')

  // Adding the location, as the message says, lets the station's server start.
  expect((await postJson(`${office.url}/api/v1/locations`, { code: 'DOCK9', kind: 'dock', name: 'Dock 9' })).status).toBe(201)
  const dock = await startServerProcess({ LOTLINE_CONFIG: 'dock.json' }, dir)
  const health = await (await authFetch(`${dock.url}/health`)).json() as { status: string, stations: Array<{ code: string }> }
  expect(health).toMatchObject({ status: 'ok', stations: [{ code: 'RCV1' }] })
}, 90_000)

test('on a new database with no locations yet, serve starts and says which location to add before scanning', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lotline-stloc-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'lotline.config.json'), JSON.stringify({ plant: { name: 'New plant' }, db: { url: `file:${join(dir, 'plant.db')}` }, stations: [{ code: 'RCV1', kind: 'receiving', location: 'DOCK1' }] }))
  const server = await startServerProcess({}, dir)
  for (let i = 0; i < 50 && !server.output().includes('before scanning there'); i++) await new Promise(resolve => setTimeout(resolve, 100))
  expect(server.output()).toContain('Station RCV1 is at location "DOCK1", which is not in the database yet: add it on the admin page')
}, 60_000)

import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect, onTestFinished, test } from 'vitest'

const BIN = fileURLToPath(new URL('../bin/lotline.mjs', import.meta.url))
const run = promisify(execFile)

async function lotline (args: string[], cwd: string, env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env } })
    return { code: 0, stdout, stderr }
  } catch (e) {
    const err = e as { code: number, stdout: string, stderr: string }
    return { code: err.code, stdout: err.stdout, stderr: err.stderr }
  }
}

function workdir () {
  const dir = mkdtempSync(join(tmpdir(), 'lotline-cli-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

test('a newcomer loads the demo plant and traces a finished lot from the command line', async () => {
  const dir = workdir()
  const migrated = await lotline(['migrate'], dir)
  expect(migrated.stdout).toContain('file:data/lotline.db is up to date')
  const demo = await lotline(['demo'], dir)
  expect(demo.code).toBe(0)
  const lot = /lotline trace (\S+)/.exec(demo.stdout)?.[1]
  expect(lot, demo.stdout + demo.stderr).toMatch(/^\d{5}-L1-\d{4}$/)

  const trace = await lotline(['trace', lot!], dir)
  expect(trace.code).toBe(0)
  expect(trace.stdout).toContain('Backward (inputs):')
  expect(trace.stdout).toContain('Prairie Mills Inc.')      // the flour supplier
  expect(trace.stdout).toMatch(/supplier lot \w+/)
  expect(trace.stdout).toContain('Affected customers:')
  expect(trace.stdout).toMatch(/BOL \d+/)

  const json = await lotline(['trace', lot!, '--direction', 'backward', '--json'], dir)
  const parsed = JSON.parse(json.stdout)
  expect(parsed.lot).toBe(lot)
  expect(parsed.suppliers.length).toBeGreaterThan(2)

  const again = await lotline(['demo'], dir)
  expect(again.stdout).toContain('already has products')
}, 60_000)

test('tracing an unknown lot says so and exits non-zero', async () => {
  const dir = workdir()
  const r = await lotline(['trace', 'NOPE-1'], dir)
  expect(r.code).toBe(1)
  expect(r.stderr).toContain('Lot NOPE-1 not found')
}, 30_000)

test('a bad configuration stops the CLI with a message naming the field', async () => {
  const dir = workdir()
  writeFileSync(join(dir, 'lotline.config.json'), JSON.stringify({ plant: { name: 'X' }, server: { port: 'eighty' } }))
  const r = await lotline(['migrate'], dir)
  expect(r.code).toBe(1)
  expect(r.stderr).toMatch(/Configuration error: .*\/server\/port/)
}, 30_000)

test('LOTLINE_DB_URL chooses the database', async () => {
  const dir = workdir()
  const r = await lotline(['migrate'], dir, { LOTLINE_DB_URL: `file:${join(dir, 'elsewhere.db')}` })
  expect(r.stdout).toContain('elsewhere.db is up to date')
}, 30_000)

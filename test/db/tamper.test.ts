import { execFile } from 'node:child_process'
import { closeSync, copyFileSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { createClient } from '@libsql/client'
import { beforeAll, describe, expect, test } from 'vitest'
import { canonical, chainHash } from '../../db/audit.ts'
import { openDb } from '../../db/client.ts'
import { migrate } from '../../db/migrate.ts'
import { createSequenceLedger } from '../../db/sequences.ts'
import { buildApp } from '../../server/app.ts'
import { verifyDatabase } from '../../server/verify.ts'
import { FIXED_NOW, post, receive, seedBakery } from '../helpers/app.ts'

const BIN = fileURLToPath(new URL('../../bin/lotline.mjs', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'lotline-tamper-'))
const clean = join(dir, 'clean.db')

/** A bakery's history on a file, its WAL folded in so each test can tamper with a copy. */
beforeAll(async () => {
  const db = openDb({ url: `file:${clean}` })
  await migrate(db)
  const app = await buildApp({ db, clock: () => FIXED_NOW, ledger: createSequenceLedger(null), timeZone: 'UTC' })
  const asTest = Object.assign(app, { adminToken: '' }) as unknown as Parameters<typeof seedBakery>[0]
  await seedBakery(asTest)
  const flour = await receive(asTest, 'FLOUR', 'MILL', 500)
  await receive(asTest, 'CHOC', 'CHOCO', 50)
  const made = await post(asTest, '/api/v1/batches', { product: 'DOUGH', line: 'L1', inputs: [{ lot: flour, quantity: 100 }], output: { quantity: 95 } })
  expect(made.status).toBe(201)
  await app.close()
  await db.client.execute('PRAGMA wal_checkpoint(TRUNCATE)')
  db.close()
  return () => rmSync(dir, { recursive: true, force: true })
})

/** A copy of the clean database, tampered with as someone holding the file would: triggers dropped first. */
async function tampered (name: string, sql: string): Promise<string> {
  const path = join(dir, `${name}.db`)
  copyFileSync(clean, path)
  const c = createClient({ url: `file:${path}` })
  await c.executeMultiple(`PRAGMA foreign_keys = OFF; ${sql}`)
  c.close()
  return path
}

async function verifyFile (path: string) {
  const db = openDb({ url: `file:${path}` })
  try { return await verifyDatabase(db.client) } finally { db.close() }
}

const cli = (...args: string[]) => promisify(execFile)(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, LOTLINE_CONFIG: '' } })
  .then(r => ({ code: 0, out: r.stdout }), (e: { code: number, stdout: string }) => ({ code: e.code, out: e.stdout }))

describe('lotline verify', () => {
  test('passes an untouched database and says so (exit 0)', async () => {
    const r = await cli('verify', clean)
    expect(r.out).toMatch(/^OK\. .*: 5 events and 20 audit entries checked/)
    expect(r.code).toBe(0)
  })

  test('the triggers refuse the change itself; with them dropped, a changed event row and a deleted one are named in plain words (exit 1)', async () => {
    const refused = createClient({ url: `file:${await tampered('refused', 'SELECT 1')}` })
    await expect(refused.execute("UPDATE events SET user_name = 'mallory' WHERE id = 2")).rejects.toThrow(/append-only/)
    refused.close()

    const path = await tampered('edited', `DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;
      UPDATE events SET user_name = 'mallory' WHERE id = 2; DELETE FROM events WHERE id = 4;`)
    const r = await cli('verify', path)
    expect(r.code).toBe(1)
    expect(r.out).toContain('PROBLEMS FOUND')
    expect(r.out).toContain('event 2: content does not match its hash (changed after it was written)')
    expect(r.out).toContain('event 4: missing (deleted after it was written)')
    expect(r.out).toContain('event 5: chain broken')
  })

  test('an event changed and given a fresh hash breaks the link from the event after it', async () => {
    const db = createClient({ url: `file:${clean}`, intMode: 'number' })
    const row = (await db.execute('SELECT * FROM events WHERE id = 3')).rows[0]!
    db.close()
    const forged = chainHash(String(row.prev_hash), 'events', canonical('events', { ...row, note: 'forged' }))
    const path = await tampered('rehashed', `DROP TRIGGER events_no_update; UPDATE events SET note = 'forged', hash = '${forged}' WHERE id = 3;`)
    const r = await verifyFile(path)
    expect(r.problems).toEqual([expect.stringMatching(/^event 4: chain broken/)])
  })

  test('a changed quantity or lot, which the event row does not hold, is caught through the event\'s audit entry', async () => {
    const path = await tampered('quantity', `DROP TRIGGER movements_no_update; DROP TRIGGER lots_no_update;
      UPDATE movements SET quantity = 5000 WHERE event_id = 1; UPDATE lots SET supplier_lot_code = 'OTHER' WHERE event_id = 2;`)
    expect((await verifyFile(path)).problems).toEqual([
      'event 1: the quantities (movements) it wrote no longer match its audit entry (changed after it was recorded)',
      'event 2: the lots it wrote no longer match its audit entry (changed after it was recorded)'
    ])
  })

  test('a changed or removed audit entry is reported too', async () => {
    const path = await tampered('audit', `DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;
      UPDATE audit_log SET user_name = 'nobody' WHERE id = 3; DELETE FROM audit_log WHERE event_id = 2;`)
    const r = await verifyFile(path)
    expect(r.ok).toBe(false)
    expect(r.problems).toContain('audit entry 3: content does not match its hash (changed after it was written)')
    expect(r.problems).toContain('event 2: has no audit entry (written outside Lotline, or its entry was removed)')
    expect(r.problems.some(p => /^audit entry \d+: missing/.test(p))).toBe(true)
  })

  test('a damaged page in the file is reported (integrity check)', async () => {
    const path = await tampered('damaged', 'SELECT 1')
    const c = createClient({ url: `file:${path}`, intMode: 'number' })
    const root = Number((await c.execute("SELECT rootpage FROM sqlite_master WHERE name = 'audit_log_at'")).rows[0]!.rootpage)
    const pageSize = Number((await c.execute('PRAGMA page_size')).rows[0]!.page_size)
    c.close()
    const fd = openSync(path, 'r+')
    writeSync(fd, Buffer.alloc(8, 0x41), 0, 8, (root - 1) * pageSize) // the index's page header: a disk or copy gone wrong
    closeSync(fd)
    const r = await verifyFile(path)
    expect(r.ok).toBe(false)
    expect(r.problems[0]).toMatch(/^database file: [\s\S]*(btreeInitPage|malformed)/)
  })
})

import { mkdirSync, readFileSync, writeFileSync, openSync, fsyncSync, closeSync, renameSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Sql } from './client.ts'

/**
 * Allocates the next number in `scope` inside the caller's write transaction, never below `floor`.
 * The UPDATE runs under SQLite's write lock, so kiosks on one database never get the same number.
 */
export async function nextSequence (sql: Sql, scope: string, floor = 0): Promise<number> {
  const rs = await sql.execute({
    sql: `INSERT INTO sequences (scope, last) VALUES (?1, ?2 + 1)
          ON CONFLICT (scope) DO UPDATE SET last = max(sequences.last, ?2) + 1 RETURNING last`,
    args: [scope, floor]
  })
  return Number(rs.rows[0]!.last)
}

/**
 * A file outside the database holding the highest number this kiosk ever handed out per scope.
 * Restoring an old backup rolls the `sequences` table back; the ledger does not roll back with
 * it, so numbers already printed on labels are never issued again. Written (and fsynced) before
 * the transaction that uses the number commits: a crash leaves a gap, never a reuse.
 */
export interface SequenceLedger {
  floor (scope: string): number
  record (scope: string, value: number): void
}

export function createSequenceLedger (path: string | null): SequenceLedger {
  if (path === null) {
    const memory = new Map<string, number>()
    return { floor: s => memory.get(s) ?? 0, record: (s, v) => { memory.set(s, Math.max(v, memory.get(s) ?? 0)) } }
  }
  mkdirSync(dirname(path), { recursive: true })
  // Re-read on every use: another process on this machine may share the file. Callers hold the
  // database write lock while they record, which serialises writers across processes.
  const load = (): Record<string, number> => {
    try { return JSON.parse(readFileSync(path, 'utf8')) as Record<string, number> } catch { return {} }
  }
  return {
    floor: scope => load()[scope] ?? 0,
    record (scope, value) {
      const all = load()
      if ((all[scope] ?? 0) >= value) return
      all[scope] = value
      const tmp = `${path}.tmp`
      writeFileSync(tmp, JSON.stringify(all, null, 1))
      const fd = openSync(tmp, 'r')
      try { fsyncSync(fd) } finally { closeSync(fd) }
      renameSync(tmp, path)
    }
  }
}

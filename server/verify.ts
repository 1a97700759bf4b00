import type { Row } from '@libsql/client'
import type { Sql } from '../db/client.ts'
import { CHAINS, GENESIS, canonical, chainHash, effectDigests } from '../db/audit.ts'

export interface VerifyReport {
  ok: boolean
  /** Each problem in plain words, e.g. "event 812: content does not match its hash (changed after it was written)". */
  problems: string[]
  events: number
  auditEntries: number
  /** The last row of each chain: note it somewhere else; a later verify must still find those rows unchanged. */
  head: { events: Link | null, audit: Link | null }
}
interface Link { id: number, hash: string }

const PAGE = 2000
const MAX_PROBLEMS = 200

/**
 * Checks the database file (integrity_check, foreign_key_check), both hash chains (events and the
 * audit log: every row matches its hash and follows the one before it, no row missing), and that
 * the lots, movements, batches, shipments and voids each event wrote are still what its audit
 * entry sealed. Reads only; run it on a live database or a backup.
 */
export async function verifyDatabase (sql: Sql): Promise<VerifyReport> {
  const problems: string[] = []
  const report = (p: string) => { problems.push(p) }
  // A damaged file can make any of these fail part-way: say so and go on with the next check.
  const step = async <T>(what: string, fn: () => Promise<T>, fallback: T): Promise<T> => {
    try { return await fn() } catch (e) { report(`${what}: could not be read to the end (${(e as Error).message})`); return fallback }
  }
  const none = { count: 0, head: null }

  await step('database file', async () => {
    for (const r of (await sql.execute('PRAGMA integrity_check(100)')).rows) {
      const msg = String(Object.values(r)[0])
      if (msg !== 'ok') report(`database file: ${msg}`)
    }
    for (const r of (await sql.execute('PRAGMA foreign_key_check')).rows) {
      report(`${String(r.table)} row ${String(r.rowid)}: refers to a row of ${String(r.parent)} that does not exist (deleted?)`)
    }
  }, undefined)
  if ((await sql.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'")).rows.length === 0) {
    report('the database has no hash chain yet (migration 020): run lotline migrate, then verify again')
    return { ok: false, problems, events: 0, auditEntries: 0, head: { events: null, audit: null } }
  }
  const events = await step('events', () => walkChain(sql, 'events', 'event', report, async (first, last) => checkEffects(sql, first, last, report)), none)
  const audit = await step('audit log', () => walkChain(sql, 'audit_log', 'audit entry', report), none)
  const shown = problems.length > MAX_PROBLEMS ? [...problems.slice(0, MAX_PROBLEMS), `… and ${problems.length - MAX_PROBLEMS} more problems`] : problems
  return { ok: problems.length === 0, problems: shown, events: events.count, auditEntries: audit.count, head: { events: events.head, audit: audit.head } }
}

/** Walks a chain in id order, a page at a time (a plant's history does not fit in memory). */
async function walkChain (sql: Sql, table: keyof typeof CHAINS, noun: string, report: (p: string) => void,
  onPage?: (first: number, last: number) => Promise<void>): Promise<{ count: number, head: Link | null }> {
  const cols = CHAINS[table].columns.join(', ')
  let expectedId = 1
  let prev: string | null = GENESIS // null: the row before had no hash, so there is nothing to compare with
  let head: Link | null = null
  let count = 0
  for (;;) {
    const rows = (await sql.execute({ sql: `SELECT ${cols}, prev_hash, hash FROM ${table} WHERE id >= ? ORDER BY id LIMIT ${PAGE}`, args: [expectedId] })).rows
    if (rows.length === 0) break
    for (const r of rows) {
      const id = Number(r.id)
      if (id > expectedId) report(id - expectedId === 1 ? `${noun} ${expectedId}: missing (deleted after it was written)` : `${noun}s ${expectedId}–${id - 1}: missing (deleted after they were written)`)
      prev = checkRow(table, noun, r, prev, report)
      expectedId = id + 1
      count++
      head = r.hash === null ? head : { id, hash: String(r.hash) }
    }
    await onPage?.(Number(rows[0]!.id), Number(rows[rows.length - 1]!.id))
  }
  return { count, head }
}

/** Returns the row's hash, for the next row to follow. */
function checkRow (table: keyof typeof CHAINS, noun: string, r: Row, prev: string | null, report: (p: string) => void): string | null {
  const id = Number(r.id)
  if (r.hash === null || r.prev_hash === null) {
    report(`${noun} ${id}: has no hash (written outside Lotline, so nothing vouches for it)`)
    return null
  }
  const prevHash = String(r.prev_hash)
  if (prev !== null && prevHash !== prev) {
    report(`${noun} ${id}: chain broken (the ${noun} before it is not the one it was written after: changed and re-hashed, replaced or deleted)`)
  }
  if (chainHash(prevHash, table, canonical(table, r)) !== String(r.hash)) {
    report(`${noun} ${id}: content does not match its hash (changed after it was written)`)
  }
  return String(r.hash)
}

const TABLE_WORDS: Record<string, string> = {
  lots: 'lots', movements: 'quantities (movements)', batches: 'batch', shipments: 'shipment', voids: 'void', shipment_pallets: 'shipped pallets'
}

/** Each event in [first, last] has one audit entry, and the rows it wrote still match the digests sealed in it. */
async function checkEffects (sql: Sql, first: number, last: number, report: (p: string) => void): Promise<void> {
  const now = await effectDigests(sql, first, last)
  const sealed = new Map<number, Array<Record<string, string>>>()
  const rs = await sql.execute({ sql: "SELECT event_id, details FROM audit_log WHERE event_id BETWEEN ? AND ? AND action LIKE 'event.%' ORDER BY id", args: [first, last] })
  for (const r of rs.rows) {
    let rows: Record<string, string> = {}
    try { rows = (JSON.parse(String(r.details)) as { rows?: Record<string, string> }).rows ?? {} } catch {}
    const id = Number(r.event_id)
    sealed.set(id, [...(sealed.get(id) ?? []), rows])
  }
  const ids = (await sql.execute({ sql: 'SELECT id FROM events WHERE id BETWEEN ? AND ?', args: [first, last] })).rows.map(r => Number(r.id))
  for (const id of ids) {
    const entries = sealed.get(id) ?? []
    if (entries.length !== 1) {
      report(entries.length === 0 ? `event ${id}: has no audit entry (written outside Lotline, or its entry was removed)` : `event ${id}: has ${entries.length} audit entries`)
      continue
    }
    const was = entries[0]!
    const is = now.get(id) ?? {}
    const changed = [...new Set([...Object.keys(was), ...Object.keys(is)])].filter(t => was[t] !== is[t]).sort()
    if (changed.length > 0) report(`event ${id}: the ${changed.map(t => TABLE_WORDS[t] ?? t).join(' and ')} it wrote no longer match its audit entry (changed after it was recorded)`)
  }
}

/** The report as a person reads it at a terminal. */
export function formatVerifyReport (url: string, r: VerifyReport): string {
  const heads = [r.head.events && `event ${r.head.events.id} ${r.head.events.hash}`, r.head.audit && `audit entry ${r.head.audit.id} ${r.head.audit.hash}`].filter(Boolean)
  const summary = `${url.replace(/(authToken=)[^&]+/, '$1***')}: ${r.events} events and ${r.auditEntries} audit entries checked.`
  const headLine = heads.length ? `\nChain heads: ${heads.join(', ')}\n(keep these elsewhere: rows removed from the very end leave no gap, but these heads would no longer be found)` : ''
  if (r.ok) return `OK. ${summary} The file passes its integrity check, every row matches its hash and follows the one before it.${headLine}`
  return `PROBLEMS FOUND. ${summary}\n${r.problems.map(p => `  - ${p}`).join('\n')}${headLine}`
}

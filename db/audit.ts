import { AsyncLocalStorage } from 'node:async_hooks'
import { createHash } from 'node:crypto'
import type { Row } from '@libsql/client'
import type { Sql } from './client.ts'

/** The prev_hash of the first row of a chain. */
export const GENESIS = '0'.repeat(64)

type Value = string | number | null
interface ChainSpec { columns: string[], ints: Set<string> }

/**
 * The columns a row's hash covers, in order, and which of them are INTEGER (the rest are TEXT).
 * Fixed here: a column added later is not hashed, so it cannot change the hash of older rows.
 */
export const CHAINS: Record<'events' | 'audit_log', ChainSpec> = {
  events: {
    columns: ['id', 'kind', 'occurred_at', 'recorded_at', 'user_name', 'station', 'location_id', 'partner_id', 'ref_doc_type', 'ref_doc_number',
      'batch_id', 'shipment_id', 'corrects_event_id', 'reason', 'note', 'request_id'],
    ints: new Set(['id', 'location_id', 'partner_id', 'batch_id', 'shipment_id', 'corrects_event_id'])
  },
  audit_log: {
    columns: ['id', 'at', 'user_name', 'station', 'action', 'subject', 'event_id', 'details'],
    ints: new Set(['id', 'event_id'])
  }
}

/**
 * A row's values as they are stored (INTEGER as number, TEXT as string). Rows are inserted with
 * exactly these values, so the row read back later gives the same values and the same hash.
 */
export function canonical (table: keyof typeof CHAINS, row: Record<string, unknown>): Value[] {
  const spec = CHAINS[table]
  return spec.columns.map(c => {
    const v = row[c]
    if (v === null || v === undefined) return null
    return spec.ints.has(c) ? Number(v) : String(v)
  })
}

/** hash = sha256(prev_hash || canonical row). The table name keeps an event from passing as an audit entry. */
export function chainHash (prevHash: string, table: keyof typeof CHAINS, values: Value[]): string {
  return createHash('sha256').update(prevHash).update(JSON.stringify([table, ...values])).digest('hex')
}

/**
 * The id and prev_hash of the next row of a chain. Call it inside the write transaction that
 * inserts the row: the write lock (across processes too) keeps two writers from sharing a link.
 */
export async function nextLink (sql: Sql, table: keyof typeof CHAINS): Promise<{ id: number, prevHash: string }> {
  const last = (await sql.execute(`SELECT id, hash FROM ${table} ORDER BY id DESC LIMIT 1`)).rows[0]
  return last ? { id: Number(last.id) + 1, prevHash: last.hash === null ? GENESIS : String(last.hash) } : { id: 1, prevHash: GENESIS }
}

/** Who is acting, for entries whose caller does not say: set per request by the server, per command by the CLI. */
export const auditActor = new AsyncLocalStorage<{ user: string, station?: string | null }>()

export interface AuditEntry {
  action: string
  subject?: string | null
  user?: string
  station?: string | null
  eventId?: number | null
  details?: unknown
  /** Server clock; default now. */
  at?: string
}

/**
 * Appends an entry to the audit log. Call it with the transaction of the change it records
 * (`db.write(tx => …)`), so that both commit or neither does.
 */
export async function recordAudit (sql: Sql, e: AuditEntry): Promise<number> {
  const who = auditActor.getStore()
  const link = await nextLink(sql, 'audit_log')
  const values = canonical('audit_log', {
    id: link.id, at: e.at ?? new Date().toISOString(), user_name: e.user ?? who?.user ?? 'system',
    station: e.station !== undefined ? e.station : who?.station ?? null, action: e.action, subject: e.subject ?? null,
    event_id: e.eventId ?? null, details: JSON.stringify(e.details ?? {})
  })
  await sql.execute({
    sql: 'INSERT INTO audit_log (id, at, user_name, station, action, subject, event_id, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    args: [...values, link.prevHash, chainHash(link.prevHash, 'audit_log', values)]
  })
  return link.id
}

/**
 * The rows an event writes besides its own (in its transaction, never afterwards), by table:
 * `k` is the event's id. Column lists are fixed for the same reason as CHAINS.
 */
const EFFECTS: Record<string, string> = {
  lots: `SELECT event_id AS k, id, code, product_id, unit, origin, event_id, batch_id, supplier_id, supplier_lot_code, tlc_source, production_date,
    best_before, expiry_date, qc_status, qc_temperature_c, qc_note, created_at FROM lots WHERE event_id BETWEEN ?1 AND ?2 ORDER BY event_id, id`,
  movements: `SELECT event_id AS k, id, event_id, lot_id, kind, quantity, entered_quantity, entered_unit, batch_id, shipment_id
    FROM movements WHERE event_id BETWEEN ?1 AND ?2 ORDER BY event_id, id`,
  batches: 'SELECT open_event_id AS k, id, code, product_id, line_id, open_event_id, created_at FROM batches WHERE open_event_id BETWEEN ?1 AND ?2 ORDER BY open_event_id, id',
  shipments: 'SELECT event_id AS k, id, customer_id, ship_from_id, event_id, created_at FROM shipments WHERE event_id BETWEEN ?1 AND ?2 ORDER BY event_id, id',
  voids: 'SELECT void_event_id AS k, event_id, void_event_id FROM voids WHERE void_event_id BETWEEN ?1 AND ?2 ORDER BY void_event_id, event_id',
  shipment_pallets: `SELECT s.event_id AS k, sp.shipment_id, sp.sscc FROM shipment_pallets sp JOIN shipments s ON s.id = sp.shipment_id
    WHERE s.event_id BETWEEN ?1 AND ?2 ORDER BY s.event_id, sp.shipment_id, sp.sscc`
}

/** For each event id in [from, to]: table → sha256 of the rows it wrote there (tables it wrote nothing to are left out). */
export async function effectDigests (sql: Sql, from: number, to: number): Promise<Map<number, Record<string, string>>> {
  const out = new Map<number, Record<string, string>>()
  for (const [table, query] of Object.entries(EFFECTS)) {
    const byEvent = new Map<number, unknown[][]>()
    for (const r of (await sql.execute({ sql: query, args: [from, to] })).rows) {
      const k = Number(r.k)
      const list = byEvent.get(k) ?? []
      list.push(Object.keys(r).filter(c => c !== 'k').map(c => r[c]))
      byEvent.set(k, list)
    }
    for (const [k, rows] of byEvent) {
      const d = out.get(k) ?? {}
      d[table] = createHash('sha256').update(JSON.stringify(rows)).digest('hex')
      out.set(k, d)
    }
  }
  return out
}

/** The audit entry of an event: who, and digests of what it wrote, so a later change to its lots or movements is found. */
export async function sealEvent (sql: Sql, event: { id: number, kind: string, user: string, station: string | null, at: string }, extra: Record<string, unknown> = {}): Promise<void> {
  const rows = (await effectDigests(sql, event.id, event.id)).get(event.id) ?? {}
  const lots = (await sql.execute({ sql: 'SELECT code FROM lots WHERE event_id = ? ORDER BY id', args: [event.id] })).rows.map(r => String(r.code))
  await recordAudit(sql, {
    action: `event.${event.kind}`, subject: `event:${event.id}`, eventId: event.id, user: event.user, station: event.station, at: event.at,
    details: { ...(lots.length ? { lots } : {}), ...extra, rows }
  })
}

export interface AuditRow { id: number, at: string, user: string, station: string | null, action: string, subject: string | null, eventId: number | null, details: unknown }
const toAudit = (r: Row): AuditRow => ({
  id: Number(r.id), at: String(r.at), user: String(r.user_name), station: r.station === null ? null : String(r.station), action: String(r.action),
  subject: r.subject === null ? null : String(r.subject), eventId: r.event_id === null ? null : Number(r.event_id), details: JSON.parse(String(r.details))
})

export interface ListAuditArgs {
  /** ISO date or time, inclusive. */
  from?: string
  /** ISO date or time, inclusive at its precision (`2026-11-25` is the whole day). */
  to?: string
  /** `product:FLOUR`, `event:812`, `sscc:…`; `lot:<code>` also finds the events that moved the lot. */
  subject?: string
  afterId?: number
  limit?: number
}
const listAuditSql = `SELECT id, at, user_name, station, action, subject, event_id, details FROM audit_log
  WHERE id > ?4 AND (?1 IS NULL OR at >= ?1) AND (?2 IS NULL OR substr(at, 1, length(?2)) <= ?2)
    AND (?3 IS NULL OR subject = ?3 OR (?3 LIKE 'lot:%' AND event_id IN (
      SELECT m.event_id FROM movements m JOIN lots l ON l.id = m.lot_id WHERE l.code = substr(?3, 5))))
  ORDER BY id LIMIT ?5`
/** Oldest first; page on with `afterId` = the last id seen. */
export async function listAudit (sql: Sql, a: ListAuditArgs = {}): Promise<AuditRow[]> {
  const rs = await sql.execute({ sql: listAuditSql, args: [a.from ?? null, a.to ?? null, a.subject ?? null, a.afterId ?? 0, a.limit ?? 100] })
  return rs.rows.map(toAudit)
}

/**
 * Migration 020: chains the events written before it and gives each its audit entry, in the
 * migration's transaction. The append-only trigger is lifted for these two columns only while it
 * runs, and put back as migration 001 made it.
 */
export async function chainHistory (sql: Sql): Promise<void> {
  const rows = (await sql.execute(`SELECT ${CHAINS.events.columns.join(', ')} FROM events ORDER BY id`)).rows
  if (rows.length === 0) return
  await sql.execute('DROP TRIGGER events_no_update')
  let prev = GENESIS
  for (const r of rows) {
    const hash = chainHash(prev, 'events', canonical('events', r))
    await sql.execute({ sql: 'UPDATE events SET prev_hash = ?, hash = ? WHERE id = ?', args: [prev, hash, Number(r.id)] })
    prev = hash
  }
  await sql.execute("CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only: record a correction instead'); END")
  const at = new Date().toISOString()
  for (const r of rows) {
    await sealEvent(sql, { id: Number(r.id), kind: String(r.kind), user: String(r.user_name), station: r.station === null ? null : String(r.station), at }, { chainedAt: 'migration 020' })
  }
}

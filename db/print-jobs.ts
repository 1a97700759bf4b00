import type { Row } from '@libsql/client'
import type { Sql } from './client.ts'

export type PrintJobStatus = 'queued' | 'sending' | 'sent' | 'uncertain' | 'cancelled'

export interface PrintJobRow {
  id: number
  printer: string
  station: string | null
  lotCode: string | null
  template: string
  data: string
  status: PrintJobStatus
  attempts: number
  lastError: string | null
  nextAttemptAt: string | null
  reprintOf: number | null
  reprintNumber: number | null
  reason: string | null
  user: string
  createdAt: string
  sentAt: string | null
}

const cols = `id, printer, station, lot_code, template, data, status, attempts, last_error, next_attempt_at, reprint_of, reprint_number, reason, user_name, created_at, sent_at`
const toJob = (r: Row): PrintJobRow => ({
  id: Number(r.id), printer: String(r.printer), station: r.station === null ? null : String(r.station), lotCode: r.lot_code === null ? null : String(r.lot_code),
  template: String(r.template), data: String(r.data), status: String(r.status) as PrintJobStatus, attempts: Number(r.attempts),
  lastError: r.last_error === null ? null : String(r.last_error), nextAttemptAt: r.next_attempt_at === null ? null : String(r.next_attempt_at),
  reprintOf: r.reprint_of === null ? null : Number(r.reprint_of), reprintNumber: r.reprint_number === null ? null : Number(r.reprint_number),
  reason: r.reason === null ? null : String(r.reason), user: String(r.user_name), createdAt: String(r.created_at), sentAt: r.sent_at === null ? null : String(r.sent_at)
})

export interface InsertPrintJobArgs {
  printer: string
  station: string | null
  lotCode: string | null
  template: string
  data: string
  payload: Uint8Array
  user: string
  createdAt: string
  reprintOf?: number | null
  reprintNumber?: number | null
  reason?: string | null
}
export async function insertPrintJob (sql: Sql, a: InsertPrintJobArgs): Promise<number> {
  const rs = await sql.execute({
    sql: `INSERT INTO print_jobs (printer, station, lot_code, template, data, payload, status, user_name, created_at, reprint_of, reprint_number, reason)
      VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?) RETURNING id`,
    args: [a.printer, a.station, a.lotCode, a.template, a.data, a.payload, a.user, a.createdAt, a.reprintOf ?? null, a.reprintNumber ?? null, a.reason ?? null]
  })
  return Number(rs.rows[0]!.id)
}

export async function getPrintJob (sql: Sql, id: number): Promise<PrintJobRow | null> {
  const rs = await sql.execute({ sql: `SELECT ${cols} FROM print_jobs WHERE id = ?`, args: [id] })
  return rs.rows[0] ? toJob(rs.rows[0]) : null
}

export async function getPrintPayload (sql: Sql, id: number): Promise<Uint8Array | null> {
  const rs = await sql.execute({ sql: 'SELECT payload FROM print_jobs WHERE id = ?', args: [id] })
  const p = rs.rows[0]?.payload
  return p == null ? null : typeof p === 'string' ? new TextEncoder().encode(p) : new Uint8Array(p as ArrayBuffer)
}

/** The oldest job still waiting for this printer: labels go out in the order they were made. */
export async function getNextQueuedJob (sql: Sql, printer: string): Promise<PrintJobRow | null> {
  const rs = await sql.execute({ sql: `SELECT ${cols} FROM print_jobs WHERE printer = ? AND status = 'queued' ORDER BY id LIMIT 1`, args: [printer] })
  return rs.rows[0] ? toJob(rs.rows[0]) : null
}

export async function listPrintJobs (sql: Sql, filter: { printer?: string, lotCode?: string, statuses?: PrintJobStatus[] }, limit = 50): Promise<PrintJobRow[]> {
  const rs = await sql.execute({
    sql: `SELECT ${cols} FROM print_jobs WHERE (?1 IS NULL OR printer = ?1) AND (?2 IS NULL OR lot_code = ?2)
      AND (?3 IS NULL OR status IN (SELECT value FROM json_each(?3))) ORDER BY id DESC LIMIT ?4`,
    args: [filter.printer ?? null, filter.lotCode ?? null, filter.statuses ? JSON.stringify(filter.statuses) : null, limit]
  })
  return rs.rows.map(toJob)
}

export async function countQueuedJobs (sql: Sql, printer: string): Promise<number> {
  const rs = await sql.execute({ sql: "SELECT COUNT(*) AS n FROM print_jobs WHERE printer = ? AND status IN ('queued', 'sending')", args: [printer] })
  return Number(rs.rows[0]!.n)
}

export async function markSending (sql: Sql, id: number): Promise<boolean> {
  const rs = await sql.execute({ sql: "UPDATE print_jobs SET status = 'sending', attempts = attempts + 1 WHERE id = ? AND status = 'queued'", args: [id] })
  return rs.rowsAffected === 1
}
export async function markSent (sql: Sql, id: number, at: string): Promise<void> {
  await sql.execute({ sql: "UPDATE print_jobs SET status = 'sent', sent_at = ?, last_error = NULL WHERE id = ? AND status = 'sending'", args: [at, id] })
}
export async function markRetry (sql: Sql, id: number, error: string, nextAttemptAt: string): Promise<void> {
  await sql.execute({ sql: "UPDATE print_jobs SET status = 'queued', last_error = ?, next_attempt_at = ? WHERE id = ? AND status = 'sending'", args: [error, nextAttemptAt, id] })
}
export async function markUncertain (sql: Sql, id: number, error: string): Promise<void> {
  await sql.execute({ sql: "UPDATE print_jobs SET status = 'uncertain', last_error = ? WHERE id = ? AND status = 'sending'", args: [error, id] })
}
/** After a crash: a job that was being sent may or may not have printed. It is never resent by itself. */
export async function markInterruptedUncertain (sql: Sql, printers: string[]): Promise<number> {
  const rs = await sql.execute({
    sql: "UPDATE print_jobs SET status = 'uncertain', last_error = 'the server stopped while this label was being sent: check whether it printed' WHERE status = 'sending' AND printer IN (SELECT value FROM json_each(?))",
    args: [JSON.stringify(printers)]
  })
  return rs.rowsAffected
}
export async function countReprints (sql: Sql, originalId: number): Promise<number> {
  const rs = await sql.execute({ sql: 'SELECT COUNT(*) AS n FROM print_jobs WHERE reprint_of = ?', args: [originalId] })
  return Number(rs.rows[0]!.n)
}

import type { Row } from '@libsql/client'
import type { Sql } from './client.ts'

export interface RecallDrillRow {
  id: number
  lotCode: string
  user: string
  startedAt: string
  durationMs: number
  traceMs: number
  customers: number
  suppliers: number
  shipments: number
  lots: number
  summary: string
}

export type InsertRecallDrillArgs = Omit<RecallDrillRow, 'id'>

const cols = 'id, lot_code, user_name, started_at, duration_ms, trace_ms, customers, suppliers, shipments, lots'
const toDrill = (r: Row): RecallDrillRow => ({
  id: Number(r.id), lotCode: String(r.lot_code), user: String(r.user_name), startedAt: String(r.started_at), durationMs: Number(r.duration_ms),
  traceMs: Number(r.trace_ms), customers: Number(r.customers), suppliers: Number(r.suppliers), shipments: Number(r.shipments), lots: Number(r.lots),
  summary: r.summary === undefined || r.summary === null ? '' : String(r.summary)
})

const insertRecallDrillSql = `INSERT INTO recall_drills (lot_code, user_name, started_at, duration_ms, trace_ms, customers, suppliers, shipments, lots, summary)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`
export async function insertRecallDrill (sql: Sql, a: InsertRecallDrillArgs): Promise<number> {
  const rs = await sql.execute({ sql: insertRecallDrillSql, args: [a.lotCode, a.user, a.startedAt, a.durationMs, a.traceMs, a.customers, a.suppliers, a.shipments, a.lots, a.summary] })
  return Number(rs.rows[0]!.id)
}

const getRecallDrillSql = `SELECT ${cols}, summary FROM recall_drills WHERE id = ?`
export async function getRecallDrill (sql: Sql, id: number): Promise<RecallDrillRow | null> {
  const rs = await sql.execute({ sql: getRecallDrillSql, args: [id] })
  return rs.rows[0] ? toDrill(rs.rows[0]) : null
}

/** Newest first, without the (large) summaries. */
const listRecallDrillsSql = `SELECT ${cols} FROM recall_drills WHERE (?1 IS NULL OR lot_code = ?1) ORDER BY id DESC LIMIT ?2`
export async function listRecallDrills (sql: Sql, a: { lotCode?: string | null, limit?: number } = {}): Promise<RecallDrillRow[]> {
  const rs = await sql.execute({ sql: listRecallDrillsSql, args: [a.lotCode ?? null, a.limit ?? 100] })
  return rs.rows.map(toDrill)
}

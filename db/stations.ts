import type { Sql } from './client.ts'

export interface ScanRow { id: string, station: string, source: string, raw: string, receivedAt: string, outcome: string, message: string, result: string }

export async function getScan (sql: Sql, id: string): Promise<ScanRow | null> {
  const rs = await sql.execute({ sql: 'SELECT id, station, source, raw, received_at, outcome, message, result FROM scans WHERE id = ?', args: [id] })
  const r = rs.rows[0]
  return r ? { id: String(r.id), station: String(r.station), source: String(r.source), raw: String(r.raw), receivedAt: String(r.received_at), outcome: String(r.outcome), message: String(r.message), result: String(r.result) } : null
}

export async function insertScan (sql: Sql, s: ScanRow): Promise<void> {
  await sql.execute({
    sql: 'INSERT INTO scans (id, station, source, raw, received_at, outcome, message, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    args: [s.id, s.station, s.source, s.raw, s.receivedAt, s.outcome, s.message, s.result]
  })
}

export async function listRecentScans (sql: Sql, station: string, limit = 20): Promise<ScanRow[]> {
  const rs = await sql.execute({ sql: 'SELECT id, station, source, raw, received_at, outcome, message, result FROM scans WHERE station = ? ORDER BY received_at DESC, rowid DESC LIMIT ?', args: [station, limit] })
  return rs.rows.map(r => ({ id: String(r.id), station: String(r.station), source: String(r.source), raw: String(r.raw), receivedAt: String(r.received_at), outcome: String(r.outcome), message: String(r.message), result: String(r.result) }))
}

export async function getStationState (sql: Sql, station: string): Promise<string | null> {
  const rs = await sql.execute({ sql: 'SELECT state FROM station_state WHERE station = ?', args: [station] })
  return rs.rows[0] ? String(rs.rows[0].state) : null
}

/** What a scan reads before its rules run, in one statement: the station's saved state and the answer already given to this scan id, if any. */
export async function getStateAndScanResult (sql: Sql, station: string, scanId: string): Promise<{ state: string | null, result: string | null }> {
  const r = (await sql.execute({ sql: 'SELECT (SELECT state FROM station_state WHERE station = ?1) AS state, (SELECT result FROM scans WHERE id = ?2) AS result', args: [station, scanId] })).rows[0]!
  return { state: r.state === null ? null : String(r.state), result: r.result === null ? null : String(r.result) }
}

export async function putStationState (sql: Sql, station: string, state: string, at: string): Promise<void> {
  await sql.execute({
    sql: 'INSERT INTO station_state (station, state, updated_at) VALUES (?, ?, ?) ON CONFLICT (station) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at',
    args: [station, state, at]
  })
}

/** Scans recorded after `afterRowid` at a station, by any server sharing the database. */
export async function listScansSince (sql: Sql, station: string, afterRowid: number): Promise<Array<{ rowid: number, id: string, result: string }>> {
  const rs = await sql.execute({ sql: 'SELECT rowid, id, result FROM scans WHERE station = ? AND rowid > ? ORDER BY rowid LIMIT 200', args: [station, afterRowid] })
  return rs.rows.map(r => ({ rowid: Number(r.rowid), id: String(r.id), result: String(r.result) }))
}
export async function lastScanRowid (sql: Sql): Promise<number> {
  return Number((await sql.execute('SELECT COALESCE(MAX(rowid), 0) AS n FROM scans')).rows[0]!.n)
}
export async function stationKnown (sql: Sql, station: string): Promise<boolean> {
  const rs = await sql.execute({ sql: 'SELECT 1 FROM station_state WHERE station = ?1 UNION ALL SELECT 1 FROM scans WHERE station = ?1 LIMIT 1', args: [station] })
  return rs.rows.length > 0
}

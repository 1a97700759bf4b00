import type { Row } from '@libsql/client'
import type { Sql } from './client.ts'

export type Role = 'operator' | 'supervisor' | 'admin' | 'integration'

export interface UserRow { id: number, username: string, displayName: string, role: Exclude<Role, 'integration'>, passwordHash: string | null, pinHash: string | null, demo: boolean, disabled: boolean }
const toUser = (r: Row): UserRow => ({
  id: Number(r.id), username: String(r.username), displayName: String(r.display_name), role: String(r.role) as UserRow['role'],
  passwordHash: r.password_hash === null ? null : String(r.password_hash), pinHash: r.pin_hash === null ? null : String(r.pin_hash),
  demo: Number(r.demo) === 1, disabled: Number(r.disabled) === 1
})
const userCols = 'id, username, display_name, role, password_hash, pin_hash, demo, disabled'

export async function countUsers (sql: Sql): Promise<number> {
  return Number((await sql.execute('SELECT COUNT(*) AS n FROM users')).rows[0]!.n)
}
export async function insertUser (sql: Sql, u: { username: string, displayName: string, role: string, passwordHash: string | null, pinHash: string | null, badgeHash: string | null, demo: boolean, createdAt: string }): Promise<number> {
  const rs = await sql.execute({
    sql: 'INSERT INTO users (username, display_name, role, password_hash, pin_hash, badge_hash, demo, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id',
    args: [u.username, u.displayName, u.role, u.passwordHash, u.pinHash, u.badgeHash, u.demo ? 1 : 0, u.createdAt]
  })
  return Number(rs.rows[0]!.id)
}
export async function getUserByName (sql: Sql, username: string): Promise<UserRow | null> {
  const rs = await sql.execute({ sql: `SELECT ${userCols} FROM users WHERE username = ?`, args: [username] })
  return rs.rows[0] ? toUser(rs.rows[0]) : null
}
export async function getUserByBadge (sql: Sql, badgeHash: string): Promise<UserRow | null> {
  const rs = await sql.execute({ sql: `SELECT ${userCols} FROM users WHERE badge_hash = ?`, args: [badgeHash] })
  return rs.rows[0] ? toUser(rs.rows[0]) : null
}
export async function listOperatorsWithPin (sql: Sql): Promise<UserRow[]> {
  const rs = await sql.execute(`SELECT ${userCols} FROM users WHERE role = 'operator' AND pin_hash IS NOT NULL AND disabled = 0`)
  return rs.rows.map(toUser)
}
export async function listUsers (sql: Sql): Promise<UserRow[]> {
  return (await sql.execute(`SELECT ${userCols} FROM users ORDER BY username`)).rows.map(toUser)
}

export interface CredentialRow { id: number, kind: 'kiosk' | 'api', name: string, role: Role, station: string | null }
export async function insertCredential (sql: Sql, c: { kind: 'kiosk' | 'api', name: string, role: Role, station: string | null, tokenHash: string, createdBy: string, createdAt: string }): Promise<number> {
  const rs = await sql.execute({
    sql: 'INSERT INTO credentials (kind, name, role, station, token_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id',
    args: [c.kind, c.name, c.role, c.station, c.tokenHash, c.createdBy, c.createdAt]
  })
  return Number(rs.rows[0]!.id)
}
export async function getCredential (sql: Sql, tokenHash: string): Promise<CredentialRow | null> {
  const rs = await sql.execute({ sql: 'SELECT id, kind, name, role, station FROM credentials WHERE token_hash = ? AND revoked_at IS NULL', args: [tokenHash] })
  const r = rs.rows[0]
  return r ? { id: Number(r.id), kind: String(r.kind) as 'kiosk' | 'api', name: String(r.name), role: String(r.role) as Role, station: r.station === null ? null : String(r.station) } : null
}

export interface SessionRow { user: UserRow, kioskId: number | null, csrfSecret: string, expiresAt: string }
export async function insertSession (sql: Sql, s: { idHash: string, userId: number, kioskId: number | null, csrfSecret: string, createdAt: string, expiresAt: string }): Promise<void> {
  await sql.execute({ sql: 'INSERT INTO sessions (id_hash, user_id, kiosk_id, csrf_secret, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)', args: [s.idHash, s.userId, s.kioskId, s.csrfSecret, s.createdAt, s.expiresAt] })
}
export async function getSession (sql: Sql, idHash: string, now: string): Promise<SessionRow | null> {
  const rs = await sql.execute({
    sql: `SELECT s.kiosk_id, s.csrf_secret, s.expires_at, ${userCols.split(', ').map(c => 'u.' + c).join(', ')}
      FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ? AND s.expires_at > ? AND u.disabled = 0`,
    args: [idHash, now]
  })
  const r = rs.rows[0]
  return r ? { user: toUser(r), kioskId: r.kiosk_id === null ? null : Number(r.kiosk_id), csrfSecret: String(r.csrf_secret), expiresAt: String(r.expires_at) } : null
}
export async function deleteSession (sql: Sql, idHash: string): Promise<void> {
  await sql.execute({ sql: 'DELETE FROM sessions WHERE id_hash = ?', args: [idHash] })
}

export async function getFailures (sql: Sql, key: string): Promise<{ failures: number, lockedUntil: string | null } | null> {
  const rs = await sql.execute({ sql: 'SELECT failures, locked_until FROM login_failures WHERE key = ?', args: [key] })
  const r = rs.rows[0]
  return r ? { failures: Number(r.failures), lockedUntil: r.locked_until === null ? null : String(r.locked_until) } : null
}
export async function putFailures (sql: Sql, key: string, failures: number, lockedUntil: string | null, at: string): Promise<void> {
  await sql.execute({
    sql: `INSERT INTO login_failures (key, failures, locked_until, last_at) VALUES (?1, ?2, ?3, ?4)
      ON CONFLICT (key) DO UPDATE SET failures = ?2, locked_until = ?3, last_at = ?4`,
    args: [key, failures, lockedUntil, at]
  })
}
export async function clearFailures (sql: Sql, key: string): Promise<void> {
  await sql.execute({ sql: 'DELETE FROM login_failures WHERE key = ?', args: [key] })
}

export async function getSetting (sql: Sql, key: string): Promise<string | null> {
  const rs = await sql.execute({ sql: 'SELECT value FROM settings WHERE key = ?', args: [key] })
  return rs.rows[0] ? String(rs.rows[0].value) : null
}
export async function putSetting (sql: Sql, key: string, value: string): Promise<void> {
  await sql.execute({ sql: 'INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2', args: [key, value] })
}
export async function deleteSetting (sql: Sql, key: string): Promise<void> {
  await sql.execute({ sql: 'DELETE FROM settings WHERE key = ?', args: [key] })
}

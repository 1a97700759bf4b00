import { closeSync, copyFileSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { createClient } from '@libsql/client'
import { isBusy, openDb, type Db } from '../db/client.ts'
import { migrate } from '../db/migrate.ts'
import { recordAudit } from '../db/audit.ts'

/** A refusal the user can act on (the CLI prints it without a stack). */
export class BackupError extends Error {
  constructor (message: string) { super(message); this.name = 'BackupError' }
}

/** The file behind a `file:` URL. A libSQL server (sqld, Turso) is backed up with its own tools. */
export function databaseFile (url: string): string {
  if (!url.startsWith('file:') || url.includes(':memory:')) throw new BackupError(`${url} is not a database file: back up a libSQL server with its own tools`)
  return resolve(url.slice('file:'.length).split('?')[0]!)
}

const fsyncPath = (path: string) => {
  const fd = openSync(path, 'r')
  try { fsyncSync(fd) } finally { closeSync(fd) }
}

export interface BackupResult { file: string, bytes: number, integrity: string[], events: number, lastEvent: { id: number, hash: string } | null }

/**
 * A consistent copy of the database while the server keeps running: VACUUM INTO reads one snapshot
 * on a client of its own (WAL readers do not block writers). The copy is written beside the target,
 * synced and renamed, so a crash leaves the old file or the new one, never half a backup. Refuses
 * to replace an existing file unless `force`.
 */
export async function backupDatabase (url: string, file: string, { force = false, user = 'cli', db }: { force?: boolean, user?: string, db?: Db } = {}): Promise<BackupResult> {
  databaseFile(url)
  const target = resolve(file)
  if (existsSync(target) && !force) throw new BackupError(`${target} already exists: pass --force to replace it`)
  const partial = `${target}.partial-${process.pid}`
  rmSync(partial, { force: true })
  const source = createClient({ url, intMode: 'number' })
  try {
    await source.execute({ sql: 'VACUUM INTO ?', args: [partial] })
  } finally {
    source.close()
  }
  fsyncPath(partial)
  renameSync(partial, target)
  fsyncPath(dirname(target))

  const copy = createClient({ url: `file:${target}`, intMode: 'number' })
  let result: BackupResult
  try {
    const integrity = (await copy.execute('PRAGMA integrity_check(20)')).rows.map(r => String(Object.values(r)[0]))
    const events = Number((await copy.execute('SELECT COUNT(*) AS n FROM events')).rows[0]!.n)
    const last = (await copy.execute('SELECT id, hash FROM events ORDER BY id DESC LIMIT 1')).rows[0]
    result = { file: target, bytes: statSync(target).size, integrity, events, lastEvent: last ? { id: Number(last.id), hash: String(last.hash) } : null }
  } finally {
    copy.close()
  }
  // Who took a copy of every record is itself worth recording. Through this process's own write
  // queue when it has one: a second client here would wait for the lock in a blocking sleep.
  const writer = db ?? openDb({ url })
  try {
    await writer.write(tx => recordAudit(tx, { action: 'database.backup', subject: 'database', user, details: { file: target, bytes: result.bytes, events: result.events } }))
  } finally {
    if (!db) writer.close()
  }
  return result
}

/**
 * True when another connection has the database open (a running server holds a shared lock on a
 * WAL database for as long as it is open): an exclusive lock is then refused at once.
 */
export async function databaseInUse (path: string): Promise<boolean> {
  if (!existsSync(path)) return false
  const probe = createClient({ url: `file:${path}`, timeout: 1, concurrency: 1 })
  try {
    await probe.executeMultiple('PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;')
    return false
  } catch (e) {
    if (isBusy(e)) return true
    throw e
  } finally {
    probe.close()
  }
}

export interface RestoreOptions {
  /** The sequence ledger (config.ts ledgerPath): read, never replaced. */
  ledgerPath: string | null
  /** Restore even though the ledger is missing: only when no label was printed after the backup. */
  withoutLedger?: boolean
  user?: string
  now?: () => Date
}
export interface RestoreResult { keptAs: string | null, raisedScopes: number }

/**
 * Replaces the database file with a backup, with the server stopped. The sequence ledger beside
 * the database is left as it is, and its high-water marks are also written into the restored
 * `sequences` table: lot numbers and SSCCs handed out after the backup are never issued again.
 * The replaced database is kept as `<db>.before-restore-<time>` (with its -wal), never deleted.
 */
export async function restoreDatabase (url: string, backupFile: string, opts: RestoreOptions): Promise<RestoreResult> {
  const path = databaseFile(url)
  const backup = resolve(backupFile)
  if (!existsSync(backup)) throw new BackupError(`${backup} does not exist`)
  const ledger = opts.ledgerPath !== null && existsSync(opts.ledgerPath) ? readLedger(opts.ledgerPath) : null
  if (!ledger && !opts.withoutLedger) {
    throw new BackupError(`No sequence ledger at ${opts.ledgerPath}: without it, lot numbers and SSCCs handed out after this backup would be issued again. ` +
      'Put the ledger file back (from the old disk or its copy) and run again, or pass --without-ledger if no label was printed after the backup was taken.')
  }
  const check = createClient({ url: `file:${backup}`, intMode: 'number' })
  try {
    const integrity = (await check.execute('PRAGMA integrity_check(5)')).rows.map(r => String(Object.values(r)[0]))
    if (integrity.join() !== 'ok') throw new BackupError(`${backup} fails its integrity check: ${integrity.join('; ')}`)
  } finally {
    check.close()
  }

  // Last before the files move: a probe that got its lock keeps it until its connection is
  // garbage-collected (libsql closes lazily), which only matters for the file about to be moved.
  if (await databaseInUse(path)) throw new BackupError(`${path} is in use (a lotline server or command has it open): stop it, then restore`)

  let keptAs: string | null = null
  if (existsSync(path)) {
    keptAs = `${path}.before-restore-${(opts.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-')}`
    for (const suffix of ['', '-wal', '-shm', '-journal']) if (existsSync(path + suffix)) renameSync(path + suffix, keptAs + suffix)
  }
  const restoring = `${path}.restoring`
  copyFileSync(backup, restoring)
  fsyncPath(restoring)
  renameSync(restoring, path)
  fsyncPath(dirname(path))

  const db = openDb({ url })
  try {
    await migrate(db)
    return await db.write(async tx => {
      for (const [scope, last] of Object.entries(ledger ?? {})) {
        await tx.execute({ sql: 'INSERT INTO sequences (scope, last) VALUES (?1, ?2) ON CONFLICT (scope) DO UPDATE SET last = max(last, ?2)', args: [scope, last] })
      }
      await recordAudit(tx, { action: 'database.restore', subject: 'database', user: opts.user ?? 'cli', details: { from: backup, keptAs, ledger: opts.ledgerPath, withoutLedger: !ledger } })
      return { keptAs, raisedScopes: Object.keys(ledger ?? {}).length }
    })
  } finally {
    db.close()
  }
}

function readLedger (path: string): Record<string, number> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, number>
  } catch (e) {
    throw new BackupError(`The sequence ledger ${path} cannot be read (${(e as Error).message}): fix or replace it before restoring`)
  }
}

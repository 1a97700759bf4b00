import { readdir, readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Db, Sql } from './client.ts'
import { chainHistory } from './audit.ts'

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url))

/** Steps SQL cannot do, run right after a migration in its transaction. */
const AFTER: Record<number, (tx: Sql) => Promise<void>> = { 20: chainHistory }

export interface MigrationResult { applied: string[], current: number }

/**
 * Applies every numbered `db/migrations/NNN-name.sql` not yet applied, each in its own write
 * transaction. Safe to run from several processes at once: the version is re-read under the lock.
 */
export async function migrate (db: Db): Promise<MigrationResult> {
  if (db.url.startsWith('file:')) {
    // WAL lets traces read while a kiosk writes; it is a property of the file, so once is enough.
    await db.client.execute('PRAGMA journal_mode = WAL')
  }
  await db.client.execute(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`)
  const files = (await readdir(MIGRATIONS_DIR)).filter(f => /^\d+-.*\.sql$/.test(f)).sort()
  const applied: string[] = []
  let current = 0
  for (const file of files) {
    const version = Number.parseInt(file, 10)
    const sql = await readFile(MIGRATIONS_DIR + file, 'utf8')
    const didApply = await db.write(async tx => {
      const done = await tx.execute({ sql: 'SELECT 1 FROM schema_migrations WHERE version = ?', args: [version] })
      if (done.rows.length > 0) return false
      await tx.executeMultiple(sql)
      await AFTER[version]?.(tx)
      await tx.execute({ sql: 'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', args: [version, file, new Date().toISOString()] })
      return true
    })
    if (didApply) applied.push(file)
    current = version
  }
  return { applied, current }
}

import { execFile } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { createClient, type InStatement } from '@libsql/client'
import { generatePlant, type HistoryOptions, type HistoryStats } from './plant-history.ts'
import { COLUMNS, type RowSink, type Table, type Value } from './plant-rows.ts'

/** Rows per INSERT: events have 15 columns, so 500 rows (7,500 parameters) stay below SQLite's 32,766. */
const ROWS_PER_INSERT = 500
/** Rows per write transaction: amortises the commit's fsync, keeps the WAL to tens of MB. */
const ROWS_PER_TRANSACTION = 50_000

export interface LoadResult {
  stats: HistoryStats
  rows: Record<Table, number>
  totalRows: number
  /** Wall time of generating and inserting, in s; `sqlSeconds` of it was spent in the INSERTs. */
  seconds: number
  sqlSeconds: number
  rowsPerSecond: number
}

/**
 * Generates a plant history into an empty, migrated database (`url`, a `file:` URL) with multi-row
 * INSERTs, on a connection of its own with foreign keys off: an event and its batch point at each
 * other, and deferred checks make SQLite scan unindexed child columns (lots.event_id...) on every
 * parent insert. test/bench/generator.test.ts checks the keys afterwards (PRAGMA foreign_key_check).
 */
export async function loadPlant (url: string, opts: Omit<HistoryOptions, 'onDayEnd'>): Promise<LoadResult> {
  // One connection, so the PRAGMA holds for every transaction below.
  const client = createClient({ url, concurrency: 1, intMode: 'number' })
  await client.execute('PRAGMA foreign_keys = OFF')
  const buffers = new Map<Table, Value[][]>()
  const statements: InStatement[] = []
  const rows = Object.fromEntries(Object.keys(COLUMNS).map(t => [t, 0])) as Record<Table, number>
  const sqlText = new Map<string, string>()
  let pendingRows = 0
  let sqlMs = 0

  const insert = (table: Table, batch: Value[][]): InStatement => {
    const key = `${table}:${batch.length}`
    let sql = sqlText.get(key)
    if (sql === undefined) {
      const cols = COLUMNS[table]
      const one = `(${cols.map(() => '?').join(',')})`
      sql = `INSERT INTO ${table} (${cols.join(', ')}) VALUES ${Array<string>(batch.length).fill(one).join(',')}`
      sqlText.set(key, sql)
    }
    return { sql, args: batch.flat() }
  }
  const sink: RowSink = {
    row (table, values) {
      let b = buffers.get(table)
      if (!b) buffers.set(table, b = [])
      b.push(values)
      rows[table]++
      pendingRows++
      if (b.length >= ROWS_PER_INSERT) { statements.push(insert(table, b)); buffers.set(table, []) }
    }
  }
  const flush = async () => {
    for (const [table, b] of buffers) if (b.length > 0) { statements.push(insert(table, b)); buffers.set(table, []) }
    const todo = statements.splice(0)
    pendingRows = 0
    const t0 = performance.now()
    const tx = await client.transaction('write')
    try {
      for (const s of todo) await tx.execute(s)
      await tx.commit()
    } finally {
      tx.close()
    }
    sqlMs += performance.now() - t0
  }

  const t0 = performance.now()
  const stats = await generatePlant(sink, { ...opts, onDayEnd: async () => { if (pendingRows >= ROWS_PER_TRANSACTION) await flush() } })
  await flush()
  // What a plant's file looks like after SQLite's automatic checkpoints: the WAL folded in.
  await client.execute('PRAGMA wal_checkpoint(TRUNCATE)')
  client.close()
  const seconds = (performance.now() - t0) / 1000
  const totalRows = Object.values(rows).reduce((a, b) => a + b, 0)
  return { stats, rows, totalRows, seconds, sqlSeconds: sqlMs / 1000, rowsPerSecond: totalRows / seconds }
}

const self = fileURLToPath(import.meta.url)
if (process.argv[1] === self) {
  const [url, opts] = process.argv.slice(2)
  process.stdout.write(JSON.stringify(await loadPlant(url!, JSON.parse(opts!) as Omit<HistoryOptions, 'onDayEnd'>)))
}

/**
 * loadPlant in a child process: the server measured afterwards starts with none of the
 * generator's memory, as a kiosk server opening a plant's database would. `--import tsx` is
 * resolved from the project root, so it works however the bench itself was started.
 */
export function loadPlantInChild (url: string, opts: Omit<HistoryOptions, 'onDayEnd'>): Promise<LoadResult> {
  const root = fileURLToPath(new URL('..', import.meta.url))
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', self, url, JSON.stringify(opts)], { cwd: root, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`loading the plant failed: ${stderr || err.message}`, { cause: err }))
      else resolve(JSON.parse(stdout) as LoadResult)
    })
  })
}

import { expect, test } from 'vitest'
import { testDb } from '../helpers/app.ts'

test('a write started inside another write fails at once instead of hanging the server', async () => {
  const db = await testDb()
  await expect(db.write(async () => db.write(async () => 1))).rejects.toThrow(/inside another db.write/)
  // The queue is still usable afterwards.
  expect(await db.write(async tx => Number((await tx.execute('SELECT 41 + 1 AS n')).rows[0]!.n))).toBe(42)
})

test('writes from one process run one at a time, in order', async () => {
  const db = await testDb({ file: true })
  await db.client.execute('CREATE TABLE t (n INTEGER)')
  await Promise.all(Array.from({ length: 20 }, (_, i) => db.write(async tx => { await tx.execute({ sql: 'INSERT INTO t VALUES (?)', args: [i] }) })))
  const rows = (await db.client.execute('SELECT n FROM t ORDER BY rowid')).rows.map(r => Number(r.n))
  expect(rows).toEqual(Array.from({ length: 20 }, (_, i) => i))
})

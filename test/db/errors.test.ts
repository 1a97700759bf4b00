import { mkdtempSync, rmSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient } from '@libsql/client'
import { describe, expect, onTestFinished, test } from 'vitest'
import { openDb } from '../../db/client.ts'
import { dbErrorDetail, isDbUnavailable } from '../../db/errors.ts'
import { DomainError } from '../../server/domain/errors.ts'
import { freePort } from '../helpers/server-process.ts'

/** The error a promise rejects with (fails the test when it resolves). */
async function failure (p: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof p === 'function' ? p() : p)
  } catch (e) {
    return e
  }
  throw new Error('expected a failure')
}

function tempDir () {
  const dir = mkdtempSync(join(tmpdir(), 'lotline-dberr-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

function client (url: string, timeout?: number) {
  const c = createClient({ url, ...(timeout ? { timeout } : {}) })
  onTestFinished(() => c.close())
  return c
}

describe('the database cannot be reached or used: recognised', () => {
  test('a libSQL server that takes the connection and never answers is given up after the request deadline, not waited on for ever', async () => {
    const { createServer } = await import('node:net')
    const silent = createServer(() => {}).listen(0, '127.0.0.1')
    await new Promise(resolve => silent.once('listening', resolve))
    onTestFinished(() => { silent.close() })
    const db = openDb({ url: `http://127.0.0.1:${(silent.address() as { port: number }).port}`, requestTimeoutMs: 300 })
    onTestFinished(() => db.close())
    // Without the deadline this waits for ever and the test fails on vitest's own timeout.
    const e = await failure(db.client.execute('SELECT 1'))
    expect(isDbUnavailable(e)).toBe(true)
    expect(dbErrorDetail(e)).toMatch(/timeout/i)
  })

  test('a libSQL server over HTTP with nothing listening (fetch failed, ECONNREFUSED)', async () => {
    const e = await failure(client(`http://127.0.0.1:${await freePort()}`).execute('SELECT 1'))
    expect(e).toBeInstanceOf(TypeError)
    expect(isDbUnavailable(e)).toBe(true)
    expect(dbErrorDetail(e)).toMatch(/fetch failed: connect ECONNREFUSED 127\.0\.0\.1:\d+/)
  })

  test('a libsql:// URL over HTTP, inside db.write()', async () => {
    const db = openDb({ url: `libsql://127.0.0.1:${await freePort()}?tls=0` })
    onTestFinished(() => db.close())
    const e = await failure(db.write(tx => tx.execute('SELECT 1')))
    expect(isDbUnavailable(e)).toBe(true)
  })

  test('a host name that does not resolve (ENOTFOUND)', async () => {
    const e = await failure(client('http://lotline-db.invalid:8080').execute('SELECT 1'))
    expect(isDbUnavailable(e)).toBe(true)
  })

  test('a libSQL server over WebSocket with nothing listening (HRANA_WEBSOCKET_ERROR)', async () => {
    const e = await failure(client(`ws://127.0.0.1:${await freePort()}`).execute('SELECT 1'))
    expect(e).toMatchObject({ name: 'LibsqlError', code: 'HRANA_WEBSOCKET_ERROR' })
    expect(isDbUnavailable(e)).toBe(true)
  })

  test('a proxy in front of the libSQL server answering 502 (SERVER_ERROR)', async () => {
    const proxy = createHttpServer((_req, res) => { res.writeHead(502); res.end('Bad gateway') })
    await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve))
    onTestFinished(() => { proxy.close() })
    const e = await failure(client(`http://127.0.0.1:${(proxy.address() as { port: number }).port}`).execute('SELECT 1'))
    expect(e).toMatchObject({ code: 'SERVER_ERROR' })
    expect(isDbUnavailable(e)).toBe(true)
  })

  test('a database file whose write lock another process holds past the busy timeout (SQLITE_BUSY), also after db.write() gives up', async () => {
    const path = join(tempDir(), 'plant.db')
    await client(`file:${path}`).execute('CREATE TABLE t (x)')
    const other = client(`file:${path}`)
    const held = await other.transaction('write')
    await held.execute('INSERT INTO t VALUES (1)')
    const e = await failure(client(`file:${path}`, 100).execute('INSERT INTO t VALUES (2)'))
    expect(e).toMatchObject({ code: 'SQLITE_BUSY' })
    expect(isDbUnavailable(e)).toBe(true)

    const db = openDb({ url: `file:${path}`, timeoutMs: 100 })
    onTestFinished(() => db.close())
    const afterRetries = await failure(db.write(tx => tx.execute('INSERT INTO t VALUES (3)')))
    expect(isDbUnavailable(afterRetries)).toBe(true)
    await held.rollback()
    expect((await db.client.execute('SELECT COUNT(*) AS n FROM t')).rows[0]!.n).toBe(0)
  })

  test('a database file that cannot be opened, and a client already closed (shutting down)', async () => {
    const dir = tempDir()
    const cannotOpen = await failure(() => createClient({ url: `file:${join(dir, 'no-such-folder', 'plant.db')}` }))
    expect(isDbUnavailable(cannotOpen)).toBe(true)
    const closed = createClient({ url: `file:${join(dir, 'plant.db')}` })
    closed.close()
    const e = await failure(closed.execute('SELECT 1'))
    expect(e).toMatchObject({ code: 'CLIENT_CLOSED' })
    expect(isDbUnavailable(e)).toBe(true)
  })

  test('wrapped as the cause of another error', async () => {
    const e = await failure(client(`http://127.0.0.1:${await freePort()}`).execute('SELECT 1'))
    expect(isDbUnavailable(new Error('could not load the station', { cause: e }))).toBe(true)
  })
})

describe('anything else is not taken for an outage', () => {
  test('SQL the database refused: a syntax error, a constraint', async () => {
    const c = client(`file:${join(tempDir(), 'plant.db')}`)
    await c.execute('CREATE TABLE t (x UNIQUE)')
    await c.execute('INSERT INTO t VALUES (1)')
    for (const sql of ['SELEC 1', 'INSERT INTO t VALUES (1)', 'SELECT * FROM missing']) {
      const e = await failure(c.execute(sql))
      expect(e).toMatchObject({ name: 'LibsqlError' })
      expect(isDbUnavailable(e), sql).toBe(false)
    }
  })

  test('a printer that refuses the connection is not the database', async () => {
    const port = await freePort()
    const e = await new Promise<Error>(resolve => connect(port, '127.0.0.1').once('error', resolve))
    expect(e).toMatchObject({ code: 'ECONNREFUSED' })
    expect(isDbUnavailable(e)).toBe(false)
    expect(isDbUnavailable(new Error('printer offline', { cause: e }))).toBe(false)
  })

  test('domain refusals, programming errors and non-errors', async () => {
    expect(isDbUnavailable(new DomainError('NOT_FOUND', 'No lot X'))).toBe(false)
    expect(isDbUnavailable(await failure(() => (null as unknown as { x: number }).x))).toBe(false)
    for (const v of [null, undefined, 'fetch failed', { code: 'SQLITE_BUSY' }]) expect(isDbUnavailable(v)).toBe(false)
  })
})

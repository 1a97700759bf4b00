import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { onTestFinished, describe, expect, test } from 'vitest'
import { openDb } from '../../db/client.ts'
import { migrate } from '../../db/migrate.ts'
import { buildTestApp, countRows, get, post, receive, seedBakery, testDb } from '../helpers/app.ts'

type App = Awaited<ReturnType<typeof buildTestApp>>
const ROOT = fileURLToPath(new URL('../../', import.meta.url))

async function onHand (app: App, lot: string): Promise<number> {
  const r = await get(app, `/api/v1/lots/${lot}`)
  expect(r.status).toBe(200)
  return r.body.balance.onHand as number
}

/** Lowest on-hand the lot ever had, replaying its live movements in the order they were written. */
async function lowestEverOnHand (app: App, lot: string): Promise<number> {
  const rs = await app.db.client.execute({
    sql: 'SELECT m.quantity FROM live_movements m JOIN lots l ON l.id = m.lot_id WHERE l.code = ? ORDER BY m.id',
    args: [lot]
  })
  let level = 0
  let lowest = Infinity
  for (const r of rs.rows) {
    level += Number(r.quantity)
    lowest = Math.min(lowest, level)
  }
  return lowest
}

/** Five requests of 30 kg each from one lot: three batches and two shipments, all at once. */
function thirtyKgFiveTimes (apps: App[], lot: string) {
  const batch = (app: App) => app.inject({ method: 'POST', url: '/api/v1/batches', payload: { product: 'DOUGH', line: 'L1', inputs: [{ lot, quantity: 30 }], output: { quantity: 30 } } })
  const ship = (app: App) => app.inject({ method: 'POST', url: '/api/v1/shipments', payload: { customer: 'CORNER', shipFrom: 'DOCK2', lines: [{ lot, quantity: 30 }] } })
  const app = (i: number) => apps[i % apps.length]!
  return Promise.all([batch(app(0)), ship(app(1)), batch(app(2)), ship(app(3)), batch(app(4))])
}

describe('taking more than is left', () => {
  test('a batch input larger than the lot is refused with 409 saying how much is left', async () => {
    const app = await buildTestApp()
    await seedBakery(app)
    const flour = await receive(app, 'FLOUR', 'MILL', 100)
    expect((await post(app, '/api/v1/batches', { product: 'DOUGH', line: 'L1', inputs: [{ lot: flour, quantity: 60 }], output: { quantity: 60 } })).status).toBe(201)
    const events = await countRows(app.db, 'events')

    const r = await post(app, '/api/v1/batches', { product: 'DOUGH', line: 'L1', inputs: [{ lot: flour, quantity: 45 }], output: { quantity: 45 } })
    expect(r.status).toBe(409)
    expect(r.body.error.code).toBe('INSUFFICIENT_QUANTITY')
    expect(r.body.error.message).toContain(`${flour} has 40 kg left`)
    expect(r.body.error.message).toContain('45 kg requested')
    expect(r.body.error.details).toMatchObject({ lot: flour, onHand: 40, unit: 'kg', requested: 45 })
    expect(await countRows(app.db, 'events')).toBe(events)
    expect(await onHand(app, flour)).toBe(40)
  })

  test('a shipment line larger than the lot is refused with 409, naming the line and what is left', async () => {
    const app = await buildTestApp()
    await seedBakery(app)
    const flour = await receive(app, 'FLOUR', 'MILL', 100)
    const choc = await receive(app, 'CHOC', 'CHOCO', 50)
    const r = await post(app, '/api/v1/shipments', { customer: 'CORNER', shipFrom: 'DOCK2', lines: [{ lot: flour, quantity: 10 }, { lot: choc, quantity: 50.5 }] })
    expect(r.status).toBe(409)
    expect(r.body.error.message).toMatch(/^lines\[1\]: /)
    expect(r.body.error.message).toContain('has 50 kg left')
    expect(await onHand(app, flour)).toBe(100)
    expect(await countRows(app.db, 'shipments')).toBe(0)
  })

  test('a request in another unit is compared after conversion: 221 lb from a 100 kg lot is too much, 220 lb is not', async () => {
    const app = await buildTestApp()
    await seedBakery(app)
    const flour = await receive(app, 'FLOUR', 'MILL', 100)
    const tooMuch = await post(app, '/api/v1/shipments', { customer: 'CORNER', shipFrom: 'DOCK2', lines: [{ lot: flour, quantity: 221, unit: 'lb' }] })
    expect(tooMuch.status).toBe(409)
    expect(tooMuch.body.error.message).toContain('has 100 kg left; 221 lb requested')
    const fits = await post(app, '/api/v1/shipments', { customer: 'CORNER', shipFrom: 'DOCK2', lines: [{ lot: flour, quantity: 220, unit: 'lb' }] })
    expect(fits.status, JSON.stringify(fits.body)).toBe(201)
  })

  test('the very last kilogram can be taken, and then nothing more', async () => {
    const app = await buildTestApp()
    await seedBakery(app)
    const flour = await receive(app, 'FLOUR', 'MILL', 100)
    expect((await post(app, '/api/v1/shipments', { customer: 'CORNER', shipFrom: 'DOCK2', lines: [{ lot: flour, quantity: 100 }] })).status).toBe(201)
    const r = await post(app, '/api/v1/shipments', { customer: 'CORNER', shipFrom: 'DOCK2', lines: [{ lot: flour, quantity: 0.001 }] })
    expect(r.status).toBe(409)
    expect(r.body.error.message).toContain('has 0 kg left')
  })
})

describe('concurrent requests on one lot', () => {
  test('five 30 kg requests at once on a 100 kg lot: exactly three succeed, two get 409, 10 kg stays', async () => {
    const app = await buildTestApp({ file: true })
    await seedBakery(app)
    const flour = await receive(app, 'FLOUR', 'MILL', 100)

    const results = await thirtyKgFiveTimes([app], flour)
    const statuses = results.map(r => r.statusCode)
    expect(statuses.filter(s => s === 201)).toHaveLength(3)
    expect(statuses.filter(s => s === 409)).toHaveLength(2)
    for (const r of results.filter(r => r.statusCode === 409)) expect(r.json().error.code).toBe('INSUFFICIENT_QUANTITY')
    expect(await onHand(app, flour)).toBe(10)
    expect(await lowestEverOnHand(app, flour)).toBe(10)
  })

  test('reads during the race never see a negative on-hand', async () => {
    const app = await buildTestApp({ file: true })
    await seedBakery(app)
    const flour = await receive(app, 'FLOUR', 'MILL', 100)
    const seen: number[] = []
    let racing = true
    const watcher = (async () => {
      // Yield to the event loop between reads (a real kiosk's requests arrive as I/O), and stop after 200 reads at most.
      while (racing && seen.length < 200) {
        seen.push(await onHand(app, flour))
        await new Promise(resolve => setImmediate(resolve))
      }
    })()
    await thirtyKgFiveTimes([app], flour)
    racing = false
    await watcher
    expect(seen.length).toBeGreaterThan(0)
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(10)
  })

  test('two app instances on the same database file (two write queues) still let only three through', async () => {
    const first = await testDb({ file: true })
    const second = openDb({ url: `file:${first.path!}` })
    onTestFinished(() => second.close())
    await migrate(second) // already applied: must be a no-op on the shared file
    const a = await buildTestApp({ db: first })
    const b = await buildTestApp({ db: second })
    await seedBakery(a)
    const flour = await receive(b, 'FLOUR', 'MILL', 100)

    const results = await thirtyKgFiveTimes([a, b], flour)
    const statuses = results.map(r => r.statusCode)
    expect(statuses.filter(s => s === 201), JSON.stringify(results.map(r => r.json()))).toHaveLength(3)
    expect(statuses.filter(s => s === 409)).toHaveLength(2)
    expect(await onHand(a, flour)).toBe(10)
    expect(await onHand(b, flour)).toBe(10)
    expect(await lowestEverOnHand(a, flour)).toBe(10)
  })

  // In one process the libSQL driver runs each transaction to its end without yielding to the
  // other client, so the test above never has two transactions open at once. Two processes do:
  // only SQLite's write lock (BEGIN IMMEDIATE) keeps them from both spending the same kilograms.
  test('two server processes on the same database file, racing 24 × 10 kg on a 100 kg lot, let exactly ten through', async () => {
    const app = await buildTestApp({ file: true })
    await seedBakery(app)
    const flour = await receive(app, 'FLOUR', 'MILL', 100)
    const path = app.db.url.replace(/^file:/, '')
    const worker = join(dirname(path), 'race-worker.mts')
    writeFileSync(worker, raceWorker())
    const kids = [0, 1].map(() => spawn(process.execPath, ['--import', 'tsx', worker, path, flour, '12'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] }))
    onTestFinished(() => { for (const k of kids) if (k.exitCode === null) k.kill() })
    const outputs = kids.map(k => {
      let text = ''
      k.stdout.on('data', d => { text += String(d) })
      const line = (n: number) => new Promise<string>((resolve, reject) => {
        k.on('exit', code => reject(new Error(`worker exited with ${code}: ${text}`)))
        const poll = setInterval(() => { const l = text.split('\n'); if (l.length > n) { clearInterval(poll); resolve(l[n - 1]!) } }, 5)
      })
      return { ready: line(1), statuses: line(2) }
    })
    expect(await Promise.all(outputs.map(o => o.ready))).toEqual(['ready', 'ready'])
    for (const k of kids) k.stdin.end('go\n') // both start together
    const statuses = (await Promise.all(outputs.map(o => o.statuses))).flatMap(l => JSON.parse(l) as number[])

    expect(statuses).toHaveLength(24)
    expect(statuses.filter(s => s === 201)).toHaveLength(10)
    expect(statuses.filter(s => s === 409)).toHaveLength(14)
    expect(await onHand(app, flour)).toBe(0)
    expect(await lowestEverOnHand(app, flour)).toBe(0)
  })
})

/** A second server process: builds the real app on the file, waits for "go" on stdin, fires n requests of 10 kg, prints the statuses. */
function raceWorker (): string {
  const src = (f: string) => JSON.stringify(pathToFileURL(join(ROOT, f)).href)
  return `
import { openDb } from ${src('db/client.ts')}
import { buildApp } from ${src('server/app.ts')}
const [path, lot, n] = process.argv.slice(2)
const db = openDb({ url: 'file:' + path })
const app = await buildApp({ db, clock: () => new Date('2026-11-25T10:00:00Z'), timeZone: 'UTC' })
await app.ready()
process.stdout.write('ready\\n')
await new Promise(resolve => process.stdin.once('data', resolve))
const res = await Promise.all(Array.from({ length: Number(n) }, (_, i) => i % 2
  ? app.inject({ method: 'POST', url: '/api/v1/shipments', payload: { customer: 'CORNER', shipFrom: 'DOCK2', lines: [{ lot, quantity: 10 }] } })
  : app.inject({ method: 'POST', url: '/api/v1/batches', payload: { product: 'DOUGH', line: 'L1', inputs: [{ lot, quantity: 10 }], output: { quantity: 10 } } })))
process.stdout.write(JSON.stringify(res.map(r => r.statusCode)) + '\\n')
await app.close()
db.close()
`
}

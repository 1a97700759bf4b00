import type { InStatement } from '@libsql/client'
import { describe, expect, test } from 'vitest'
import * as x from '../../db/exports.ts'
import { buildTestApp, post, receive, seedBakery, testDb } from '../helpers/app.ts'
import { PLANT } from './helpers.ts'

const CHICAGO = 'America/Chicago'

/**
 * Receipts written in every form the domain accepts (dates.ts checkDate): a bare date, a UTC
 * date-time, an offset with and without its colon, and minutes only. The supplier lot code says
 * whether the receipt is on the plant's (Chicago's) 22nd or 23rd of November, and which day it is.
 */
const RECEIPTS: Array<[tlc: string, receivedAt: string]> = [
  ['IN 22 bare date', '2026-11-22'],
  ['IN 23 bare date on the last day', '2026-11-23'],
  ['IN 22 first minute, UTC', '2026-11-22T06:00:00Z'],
  ['IN 22 last minute, Chicago offset', '2026-11-22T23:59:00-06:00'],
  ['IN 22 written as the 23rd in UTC', '2026-11-23T05:59:00Z'],
  ['IN 23 written as the 24th at +05:30', '2026-11-24T01:00:00+05:30'],
  ['IN 23 offset without colon', '2026-11-23T12:00:00-0600'],
  ['IN 23 minutes only', '2026-11-23T12:00-06:00'],
  ['OUT 21 bare date', '2026-11-21'],
  ['OUT 24 bare date', '2026-11-24'],
  ['OUT 21 written as the 22nd in UTC', '2026-11-22T05:59:00Z'],
  ['OUT 24 midnight, Chicago offset', '2026-11-24T00:00:00-06:00'],
  ['OUT 24 midnight, UTC', '2026-11-24T06:00:00Z'],
  ['OUT 21 written as the 22nd at +14:00', '2026-11-22T00:30:00+14:00']
]

async function plant () {
  const db = await testDb()
  const app = await buildTestApp({ db, timeZone: CHICAGO, plant: { ...PLANT, timeZone: CHICAGO } })
  await seedBakery(app)
  for (const [tlc, receivedAt] of RECEIPTS) await receive(app, 'FLOUR', 'MILL', 100, { supplierLotCode: tlc, receivedAt })
  return { app, db }
}

describe('a date range export and the form its dates were written in', () => {
  test('holds every event of the plant\'s days, bare dates on the first and last day included, and nothing of the days around', async () => {
    const { app } = await plant()
    const flour = await receive(app, 'FLOUR', 'MILL', 1000, { supplierLotCode: 'IN 23 flour for the batches', receivedAt: '2026-11-23' })
    const batch = async (completedAt: string) => {
      const r = await post(app, '/api/v1/batches', { product: 'DOUGH', line: 'L1', inputs: [{ lot: flour, quantity: 10 }], output: { quantity: 10, completedAt } })
      expect(r.status, JSON.stringify(r.body)).toBe(201)
      return r.body.lot.code as string
    }
    const doughIn = [await batch('2026-11-23'), await batch('2026-11-24T05:00:00Z')]   // the 23rd, bare; 23:00 on the 23rd in Chicago
    const doughOut = await batch('2026-11-24')
    const ship = async (shippedAt: string, lot: string) => {
      const r = await post(app, '/api/v1/shipments', { customer: 'CORNER', shipFrom: 'DOCK2', shippedAt, lines: [{ lot, quantity: 1 }] })
      expect(r.status, JSON.stringify(r.body)).toBe(201)
      return r.body.shipment.id as number
    }
    const shippedIn = [await ship('2026-11-22', doughIn[0]!), await ship('2026-11-23T23:30:00-06:00', doughIn[1]!)]
    await ship('2026-11-21T23:30:00-06:00', doughOut)
    await ship('2026-11-24', doughOut)

    const d = await app.exporter.data({ from: '2026-11-22', to: '2026-11-23' })
    expect(d.receipts.map(r => r.lot.tlc).sort()).toEqual([...RECEIPTS.map(([tlc]) => tlc).filter(t => t.startsWith('IN')), 'IN 23 flour for the batches'].sort())
    expect(d.transformations.map(t => t.output.code)).toEqual(doughIn)
    expect(d.shipments.map(s => s.shipmentId)).toEqual(shippedIn)

    // One day: the four receipts on Chicago's 22nd, whatever date they were written with.
    const wb = await app.exporter.fdaXlsx({ from: '2026-11-22', to: '2026-11-22' })
    expect(wb.summary).toContain('4 receiving rows')
  })

  test('the SQL range matches the written calendar date exactly as substr(occurred_at, 1, 10) BETWEEN did, through the index', async () => {
    const { db } = await plant()
    const statements: InStatement[] = []
    const sql = { execute: async (s: InStatement) => { statements.push(s); return db.client.execute(s) } }
    const windows: Array<[string, string]> = [['2026-11-22', '2026-11-22'], ['2026-11-21', '2026-11-23'], ['2026-11-24', '2026-11-24'], ['2026-11-23', '2026-11-30'], ['2026-11-01', '2026-11-21']]
    for (const [from, to] of windows) {
      const old = await db.client.execute({
        sql: "SELECT id FROM events WHERE kind = 'receiving' AND substr(occurred_at, 1, 10) BETWEEN ? AND ? ORDER BY occurred_at, id", args: [from, to]
      })
      const rows = await x.listReceivingEvents(sql, { from, to })
      expect(rows.map(r => r.eventId), `${from}..${to}`).toEqual(old.rows.map(r => Number(r.id)))
    }
    expect((await x.listReceivingEvents(db.client, { from: '2026-11-22', to: '2026-11-22' })).map(r => r.occurredAt))
      .toEqual(['2026-11-22', '2026-11-22T00:30:00+14:00', '2026-11-22T05:59:00Z', '2026-11-22T06:00:00Z', '2026-11-22T23:59:00-06:00'])

    // A range starts from events_kind_occurred; a trace still starts from its lots.
    const plan = async (s: InStatement) => {
      const { sql: text, args } = s as { sql: string, args: Array<string | number> }
      return (await db.client.execute({ sql: `EXPLAIN QUERY PLAN ${text}`, args })).rows.map(r => String(r.detail)).join('\n')
    }
    const range = { from: '2026-11-22', to: '2026-11-23' }
    for (const list of [x.listReceivingEvents, x.listBatchCloses, x.listShippedLines]) {
      statements.length = 0
      await list(sql, range)
      expect(await plan(statements[0]!), list.name).toContain('USING INDEX events_kind_occurred (kind=? AND occurred_at>? AND occurred_at<?)')
    }
    statements.length = 0
    await x.listPallets(sql, range)
    expect(await plan(statements[0]!)).toContain('USING INDEX pallets_created')
    statements.length = 0
    await x.listReceivingEvents(sql, { lotIds: [1, 2] })
    expect(await plan(statements[0]!)).not.toContain('events_kind_occurred')
  })
})

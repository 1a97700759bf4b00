import { expect, onTestFinished, test } from 'vitest'
import * as q from '../../db/print-jobs.ts'
import { createZplTcpPrinter } from '../../hardware/zpl-tcp-printer.ts'
import { createPrintQueue, type RenderLabel } from '../../server/print-queue.ts'
import { startFakeZebra } from '../helpers/fake-zebra.ts'
import { testDb } from '../helpers/app.ts'

/** A minimal ZPL label: the queue is about delivery; templates are tested on their own. */
const render: RenderLabel = (_t, data, { reprint }) => `^XA^FO40,40^A0N,40,40^FD${(data as { lot: string }).lot}${reprint ? ` REPRINT ${reprint}` : ''}^FS^XZ`

async function setup ({ writeTimeoutMs = 3000 } = {}) {
  const zebra = await startFakeZebra()
  onTestFinished(() => zebra.close())
  const db = await testDb({ file: true })
  const printer = createZplTcpPrinter({ host: zebra.host, port: zebra.port, connectTimeoutMs: 500, writeTimeoutMs, statusTimeoutMs: 500 })
  const queue = createPrintQueue({ db, printers: new Map([['RCV1', printer]]), render, backoffMs: () => 50 })
  onTestFinished(() => queue.stop())
  return { zebra, db, queue }
}

const labels = (jobs: Buffer[]) => jobs.map(b => /\^FD([^^]*)\^FS/.exec(b.toString())?.[1])
const until = async (what: () => boolean | Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms
  while (!(await what())) {
    if (Date.now() > end) throw new Error('timed out waiting')
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

test('labels made while the printer is down wait, then print in order, each exactly once', async () => {
  const { zebra, queue } = await setup()
  await zebra.down()
  await queue.start()
  for (const lot of ['LOT-1', 'LOT-2', 'LOT-3']) await queue.enqueue({ printer: 'RCV1', template: 'receiving', data: { lot }, lotCode: lot, user: 'ana' })
  await until(async () => (await queue.state('RCV1')).state === 'offline')
  expect((await queue.state('RCV1')).waiting).toBe(3)
  expect(zebra.jobs).toHaveLength(0)

  await zebra.up()
  await until(async () => (await queue.state('RCV1')).waiting === 0)
  await zebra.idle()
  expect(labels(zebra.jobs)).toEqual(['LOT-1', 'LOT-2', 'LOT-3'])
  const jobs = await queue.listJobs({ printer: 'RCV1' })
  expect(jobs.map(j => j.status)).toEqual(['sent', 'sent', 'sent'])
  expect(jobs.every(j => j.attempts >= 1)).toBe(true)
  expect((await queue.state('RCV1')).state).toBe('ready')
}, 30_000)

test('a printer out of paper receives nothing; the label prints once paper is back', async () => {
  const { zebra, queue } = await setup()
  zebra.paperOut(true)
  await queue.start()
  const id = await queue.enqueue({ printer: 'RCV1', template: 'receiving', data: { lot: 'LOT-P' }, user: 'ana' })
  await until(async () => (await queue.state('RCV1')).state === 'paper out')
  expect(zebra.jobs).toHaveLength(0)
  expect((await queue.getJob(id))!.lastError).toMatch(/paper/)
  zebra.paperOut(false)
  await until(async () => (await queue.getJob(id))!.status === 'sent')
  await zebra.idle()
  expect(labels(zebra.jobs)).toEqual(['LOT-P'])
}, 30_000)

test('a printer that accepts and never reads gets no label and holds the queue; once it reads again each label prints once, in order', async () => {
  const { zebra, queue } = await setup({ writeTimeoutMs: 300 })
  zebra.neverRead(true)
  await queue.start()
  const first = await queue.enqueue({ printer: 'RCV1', template: 'receiving', data: { lot: 'LOT-A' }, user: 'ana' })
  const second = await queue.enqueue({ printer: 'RCV1', template: 'receiving', data: { lot: 'LOT-B' }, user: 'ana' })
  await until(async () => (await queue.getJob(first))!.attempts >= 2)
  const stuck = await queue.state('RCV1')
  expect(stuck.state).toBe('fault')
  expect(stuck.waiting).toBe(2)
  expect(['queued', 'sending']).toContain((await queue.getJob(first))!.status) // between retries, or in one
  zebra.neverRead(false)
  await until(async () => (await queue.getJob(second))!.status === 'sent')
  // The stalled connections stay open on the printer's side (it never reads their reset), so
  // wait for the two labels rather than for every connection to close.
  await until(() => zebra.jobs.length >= 2)
  await new Promise(resolve => setTimeout(resolve, 300))
  expect(labels(zebra.jobs)).toEqual(['LOT-A', 'LOT-B'])
}, 30_000)

test('a job that was sending when the server died becomes uncertain at restart and is not resent', async () => {
  const { zebra, db, queue } = await setup()
  // The previous server process stored a job and had started sending it when it was killed.
  const id = await db.write(tx => q.insertPrintJob(tx, { printer: 'RCV1', station: 'RCV1', lotCode: 'LOT-K', template: 'receiving', data: '{"lot":"LOT-K"}', payload: new TextEncoder().encode(String(render('receiving', { lot: 'LOT-K' }, { printer: 'RCV1' }))), user: 'ana', createdAt: new Date().toISOString() }))
  await db.write(tx => q.markSending(tx, id))
  const waiting = await db.write(tx => q.insertPrintJob(tx, { printer: 'RCV1', station: 'RCV1', lotCode: 'LOT-W', template: 'receiving', data: '{"lot":"LOT-W"}', payload: new TextEncoder().encode(String(render('receiving', { lot: 'LOT-W' }, { printer: 'RCV1' }))), user: 'ana', createdAt: new Date().toISOString() }))

  await queue.start()
  await until(async () => (await queue.getJob(waiting))!.status === 'sent')
  await zebra.idle()
  expect((await queue.getJob(id))!).toMatchObject({ status: 'uncertain', lastError: expect.stringMatching(/server stopped/) })
  expect(labels(zebra.jobs)).toEqual(['LOT-W'])
}, 30_000)

test('a reprint is a new job by a user with a reason, and the label says REPRINT n', async () => {
  const { zebra, queue } = await setup()
  await queue.start()
  const first = await queue.enqueue({ printer: 'RCV1', template: 'receiving', data: { lot: 'LOT-R' }, lotCode: 'LOT-R', user: 'ana' })
  await expect(queue.reprint(first, { user: 'ana', reason: '' })).rejects.toThrow(/reason/)
  const r1 = await queue.reprint(first, { user: 'bo', reason: 'label torn' })
  const r2 = await queue.reprint(r1, { user: 'bo', reason: 'smudged' })
  await until(async () => (await queue.getJob(r2))!.status === 'sent')
  await zebra.idle()
  expect(labels(zebra.jobs)).toEqual(['LOT-R', 'LOT-R REPRINT 1', 'LOT-R REPRINT 2'])
  expect(await queue.getJob(r2)).toMatchObject({ reprintOf: first, reprintNumber: 2, reason: 'smudged', user: 'bo' })
  expect(await queue.listJobs({ lotCode: 'LOT-R' })).toHaveLength(3)
}, 30_000)

test('a stored label cannot be changed afterwards', async () => {
  const { db, queue } = await setup()
  const id = await queue.enqueue({ printer: 'RCV1', template: 'receiving', data: { lot: 'LOT-X' }, user: 'ana' })
  await expect(db.client.execute({ sql: 'UPDATE print_jobs SET payload = ? WHERE id = ?', args: ['^XA^XZ', id] })).rejects.toThrow(/cannot change/)
  await expect(db.client.execute('DELETE FROM print_jobs')).rejects.toThrow(/kept/)
})

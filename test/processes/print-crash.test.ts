import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, onTestFinished, test } from 'vitest'
import { startFakeZebra } from '../helpers/fake-zebra.ts'
import { postJson, startServerProcess, authFetch } from '../helpers/server-process.ts'
import { poll } from '../helpers/poll.ts'

test('a server killed while sending a label: after restart the label is "uncertain", never resent by itself, and nothing is lost', async () => {
  const zebra = await startFakeZebra()
  onTestFinished(() => zebra.close())
  const dir = mkdtempSync(join(tmpdir(), 'lotline-printcrash-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'lotline.config.json'), JSON.stringify({
    plant: { name: 'Crash plant', address: '1 Main St', city: 'Town', state: 'IL', zip: '60000' },
    db: { url: `file:${join(dir, 'plant.db')}` },
    stations: [{ code: 'RCV1', kind: 'receiving', location: 'DOCK1', printer: { type: 'zpl', host: zebra.host, port: zebra.port, labelSize: '4x6in' } }]
  }))
  let server = await startServerProcess({}, dir)
  for (const [path, body] of [
    ['/api/v1/locations', { code: 'DOCK1', kind: 'dock', name: 'Dock 1' }],
    ['/api/v1/partners', { code: 'MILL', role: 'supplier', name: 'Prairie Mills' }],
    ['/api/v1/products', { code: 'FLOUR', name: 'Flour', unit: 'kg' }]
  ] as const) expect((await postJson(server.url + path, body)).status).toBe(201)
  const lot = (await postJson(`${server.url}/api/v1/receipts`, { product: 'FLOUR', supplier: 'MILL', supplierLotCode: 'PM-1', quantity: 100, location: 'DOCK1' })).body.lot.code

  // The printer accepts the connection but does not answer: the job sits in "sending".
  zebra.neverRead(true)
  const job = (await postJson(`${server.url}/api/v1/lots/${lot}/labels`, { station: 'RCV1', user: 'ana' })).body.job
  const jobUrl = () => `${server.url}/api/v1/print-jobs/${job.id}`
  await poll(async () => (await (await authFetch(jobUrl())).json() as any).job.status, s => s === 'sending')
  server.child.kill('SIGKILL')
  await new Promise(resolve => server.child.once('exit', resolve))

  zebra.neverRead(false)
  server = await startServerProcess({}, dir)
  const after = await poll(async () => (await (await authFetch(jobUrl())).json() as any).job, j => j.status !== 'sending' && j.status !== 'queued')
  expect(after).toMatchObject({ status: 'uncertain', lastError: expect.stringMatching(/server stopped/) })
  // The lot itself is safe, and a reprint (a person's decision) prints once.
  expect((await (await authFetch(`${server.url}/api/v1/lots/${lot}`)).json() as any).balance.onHand).toBe(100)
  const reprint = (await postJson(`${jobUrl()}/reprint`, { user: 'ana', reason: 'check after power cut: not printed' })).body.job
  await poll(async () => (await (await authFetch(`${server.url}/api/v1/print-jobs/${reprint.id}`)).json() as any).job.status, s => s === 'sent')
  await new Promise(resolve => setTimeout(resolve, 300))
  expect(zebra.jobs.map(b => b.toString())).toEqual([expect.stringContaining('REPRINT 1')])
}, 90_000)

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, onTestFinished, test } from 'vitest'
import { authFetch, postJson, startServerProcess, type ServerProcess } from '../helpers/server-process.ts'
import { kioskFolder, startSqld } from '../helpers/sqld.ts'

/**
 * Live station updates across kiosk servers sharing one database: the station's event stream on a
 * server without that station (the office) follows the shared scans table, and shows only what
 * happened after the page opened.
 */
async function expectLiveAcross (dock: ServerProcess, office: ServerProcess) {
  expect((await postJson(`${dock.url}/api/v1/stations/RCV1/scans`, { data: ']C0FIRST' })).status).toBe(200)
  const res = await authFetch(`${office.url}/api/v1/stations/RCV1/events`)
  expect(res.status).toBe(200)
  const reader = res.body!.getReader()
  let text = ''
  const seen = (async () => {
    while (!text.includes('SECOND')) {
      const { value, done } = await reader.read()
      if (done) break
      text += new TextDecoder().decode(value)
    }
  })()
  await new Promise(resolve => setTimeout(resolve, 300))
  expect((await postJson(`${dock.url}/api/v1/stations/RCV1/scans`, { data: ']C0SECOND' })).status).toBe(200)
  await Promise.race([seen, new Promise((_, reject) => setTimeout(() => reject(new Error(`no live scan; got: ${text}`)), 10_000))])
  await reader.cancel()
  expect(text).toMatch(/event: hello\ndata: \{"station":"RCV1","local":false/)
  expect(text).toContain('"raw":"]C0SECOND"')
  expect(text).not.toContain(']C0FIRST')
  expect((await authFetch(`${office.url}/api/v1/stations/NOPE/events`)).status).toBe(404)
}

const RCV1 = { code: 'RCV1', kind: 'receiving', location: 'DOCK1' }

test('a station scanned at one kiosk server shows live on another server sharing the database file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lotline-live-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  const db = { url: `file:${join(dir, 'plant.db')}` }
  writeFileSync(join(dir, 'dock.json'), JSON.stringify({ plant: { name: 'Plant' }, db, stations: [{ ...RCV1, printer: { type: 'file', dir: join(dir, 'labels') } }] }))
  writeFileSync(join(dir, 'office.json'), JSON.stringify({ plant: { name: 'Plant' }, db }))
  await expectLiveAcross(await startServerProcess({ LOTLINE_CONFIG: 'dock.json' }, dir), await startServerProcess({ LOTLINE_CONFIG: 'office.json' }, dir))
}, 60_000)

test('a station scanned at one kiosk server shows live on another server on the same libSQL server (sqld)', async () => {
  const sqld = await startSqld()
  const dock = await startServerProcess({}, kioskFolder(sqld, 'dock', { stations: [{ ...RCV1, printer: { type: 'file', dir: 'labels' } }] }))
  await expectLiveAcross(dock, await startServerProcess({}, kioskFolder(sqld, 'office')))
}, 60_000)

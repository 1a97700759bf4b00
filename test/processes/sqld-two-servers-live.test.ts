import { expect, test } from 'vitest'
import { authFetch, postJson, startServerProcess } from '../helpers/server-process.ts'
import { kioskFolder, startSqld } from '../helpers/sqld.ts'

// Live station updates across kiosk servers that share one real libSQL server (sqld): the station's
// event stream on a server without that station follows the shared scans table.

test('a scan at one kiosk server\'s station shows live on another server on the same sqld', async () => {
  const sqld = await startSqld()
  const dock = await startServerProcess({}, kioskFolder(sqld, 'dock', { stations: [{ code: 'RCV1', kind: 'receiving', location: 'DOCK1', printer: { type: 'file', dir: 'labels' } }] }))
  const office = await startServerProcess({}, kioskFolder(sqld, 'office'))
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
  const t0 = Date.now()
  expect((await postJson(`${dock.url}/api/v1/stations/RCV1/scans`, { data: ']C0SECOND' })).status).toBe(200)
  await Promise.race([seen, new Promise((_, reject) => setTimeout(() => reject(new Error(`no live scan; got: ${text}`)), 10_000))])
  await reader.cancel()
  expect(Date.now() - t0).toBeLessThan(3000) // polled twice a second
  expect(text).toMatch(/event: hello\ndata: \{"station":"RCV1","local":false/)
  expect(text).toContain('"raw":"]C0SECOND"')
  expect(text).not.toContain(']C0FIRST')
  expect((await authFetch(`${office.url}/api/v1/stations/NOPE/events`)).status).toBe(404)
}, 60_000)

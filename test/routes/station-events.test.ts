import { EventEmitter } from 'node:events'
import { expect, test } from 'vitest'
import { buildTestApp, seedBakery } from '../helpers/app.ts'

/** Reads server-sent events from a live stream until `want` has seen what it waits for. */
async function readEvents (res: Response, want: (events: Array<{ event: string, data: any }>) => boolean, ms = 5000) {
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  const events: Array<{ event: string, data: any }> = []
  let buffer = ''
  const deadline = Date.now() + ms
  while (!want(events)) {
    if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(events)}`)
    const { value, done } = await reader.read()
    if (done) break
    buffer += decoder.decode(value, { stream: true })
    let i: number
    while ((i = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, i); buffer = buffer.slice(i + 2)
      const event = /^event: (.*)$/m.exec(block)?.[1]
      const data = /^data: (.*)$/m.exec(block)?.[1]
      if (event && data) events.push({ event, data: JSON.parse(data) })
    }
  }
  await reader.cancel()
  return events
}

test('every scan result reaches the station page at once over server-sent events, with hardware changes', async () => {
  const hardwareEvents = new EventEmitter()
  const app = await buildTestApp({ stations: [{ code: 'RCV1', kind: 'receiving', location: 'DOCK1' }, { code: 'SHP1', kind: 'shipping', location: 'DOCK2' }], hardwareEvents, file: true })
  await seedBakery(app)
  const base = await app.listen({ host: '127.0.0.1', port: 0 })
  const res = await fetch(`${base}/api/v1/stations/RCV1/events`, { headers: { authorization: `Bearer ${app.adminToken}` } })
  expect(res.headers.get('content-type')).toBe('text/event-stream')
  const reading = readEvents(res, evs => evs.some(e => e.event === 'scan') && evs.some(e => e.event === 'hardware'))
  await new Promise(resolve => setTimeout(resolve, 100))
  // A scan at another station must not show here; this station's scans must.
  await app.stations.handleScan('SHP1', ']C0NOT-HERE', { source: 'serial' })
  await app.stations.handleScan('RCV1', ']C1010952123454321410LOT1', { source: 'serial' })
  hardwareEvents.emit('hardware', { station: 'RCV1', scanner: { state: 'disconnected' } })
  const events = await reading
  expect(events[0]).toMatchObject({ event: 'hello', data: { station: 'RCV1' } })
  const scans = events.filter(e => e.event === 'scan')
  expect(scans).toHaveLength(1)
  expect(scans[0]!.data).toMatchObject({ station: 'RCV1', signal: 'bad', message: expect.stringMatching(/\(01\) check digit/) })
  expect(events.find(e => e.event === 'hardware')!.data).toMatchObject({ scanner: { state: 'disconnected' } })
})

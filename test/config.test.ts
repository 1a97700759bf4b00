import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, onTestFinished, test } from 'vitest'
import { loadConfig, parseConfig } from '../server/config.ts'

const minimal = { plant: { name: 'Test plant' } }

describe('configuration', () => {
  test('a minimal file gets defaults: port 3000, embedded database file, default lot format', () => {
    const c = parseConfig(minimal, 'test')
    expect(c.server.port).toBe(3000)
    expect(c.db.url).toBe('file:data/lotline.db')
    expect(c.lotNumbers.format).toBe('{YY}{DDD}-{STATION}-{SEQ:4}')
    expect(c.demo).toBe(false)
  })

  test('PORT, LOTLINE_DB_URL and LOTLINE_DB_AUTH_TOKEN override the file', () => {
    const c = parseConfig(minimal, 'test', { PORT: '8080', LOTLINE_DB_URL: 'libsql://plant.example', LOTLINE_DB_AUTH_TOKEN: 'secret' })
    expect(c.server.port).toBe(8080)
    expect(c.db).toMatchObject({ url: 'libsql://plant.example', authToken: 'secret' })
  })

  test.each([
    [{ ...minimal, server: { port: 70000 } }, /\/server\/port/],
    [{ plant: {} }, /\/plant .*name/],
    [{ ...minimal, colour: 'red' }, /additional properties \(colour\)/],
    [{ ...minimal, stations: [{ code: 'R 1', kind: 'receiving', location: 'DOCK1' }] }, /\/stations\/0\/code/],
    [{ ...minimal, stations: [{ code: 'R1', kind: 'baking', location: 'L1' }] }, /\/stations\/0\/kind/],
    [{ ...minimal, stations: [{ code: 'R1', kind: 'receiving', location: 'D1' }, { code: 'r1', kind: 'shipping', location: 'D2' }] }, /\/stations\/1\/code "r1" is used by two stations/],
    [{ ...minimal, lotNumbers: { format: '{YYYY}{DDD}-{STATION}-LOT-{SEQ:6}' } }, /lotNumbers.format.*GS1 \(10\) allows 20/],
    [{ ...minimal, lotNumbers: { format: '{YY}{DDD}' } }, /lotNumbers.format.*\{SEQ\}/],
    [{ ...minimal, lotNumbers: { format: '{YY} {SEQ}' } }, /lotNumbers.format.*characters GS1 does not allow/]
  ])('a bad field is refused with a message naming it (%#)', (raw, message) => {
    expect(() => parseConfig(raw, 'lotline.config.json')).toThrow(message)
    expect(() => parseConfig(raw, 'lotline.config.json')).toThrow(TypeError)
  })

  test('reads lotline.config.json from the working folder, or the file named by LOTLINE_CONFIG', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lotline-cfg-'))
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
    writeFileSync(join(dir, 'lotline.config.json'), JSON.stringify({ plant: { name: 'Here' } }))
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ plant: { name: 'There' } }))
    expect(loadConfig({}, dir).config.plant.name).toBe('Here')
    expect(loadConfig({ LOTLINE_CONFIG: 'other.json' }, dir).config.plant.name).toBe('There')
    expect(() => loadConfig({ LOTLINE_CONFIG: 'missing.json' }, dir)).toThrow(/does not exist/)
    writeFileSync(join(dir, 'broken.json'), '{ "plant": ')
    expect(() => loadConfig({ LOTLINE_CONFIG: 'broken.json' }, dir)).toThrow(/not valid JSON/)
  })

  test('with no file at all the server runs the demo plant with simulated hardware', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lotline-cfg-'))
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
    const { config, source } = loadConfig({}, dir)
    expect(source).toBeNull()
    expect(config.demo).toBe(true)
  })
})

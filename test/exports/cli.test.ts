import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect, onTestFinished, test } from 'vitest'
import { csvRecords, epcisSchemaValidator, readWorkbook, sheetRecords } from './helpers.ts'

const BIN = fileURLToPath(new URL('../../bin/lotline.mjs', import.meta.url))
const run = promisify(execFile)

async function lotline (args: string[], cwd: string) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd })
    return { code: 0, stdout, stderr }
  } catch (e) {
    const err = e as { code: number, stdout: string, stderr: string }
    return { code: err.code, stdout: err.stdout, stderr: err.stderr }
  }
}

test('lotline export writes each file, prints its path and a one-line summary', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lotline-export-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  const demo = await lotline(['demo'], dir)
  const lot = /lotline trace (\S+)/.exec(demo.stdout)?.[1]
  expect(lot, demo.stdout + demo.stderr).toBeTruthy()

  const fda = await lotline(['export', 'fda', '--lot', lot!, '--direction', 'both', '--out', 'recall.xlsx'], dir)
  expect(fda.code, fda.stderr).toBe(0)
  const [path, summary] = fda.stdout.trim().split('\n')
  expect(path).toBe(join(dir, 'recall.xlsx'))
  expect(summary).toMatch(/^FDA spreadsheet, lot \S+ \(both\): \d+ receiving rows, \d+ transformation rows \(\d+ batch(es)?\), \d+ shipping rows?; \d+ missing KDEs?$/)
  const wb = await readWorkbook(path!)
  expect(wb.worksheets.map(w => w.name)).toEqual(['Receiving', 'Transformation', 'Shipping', 'Missing KDEs'])
  expect(sheetRecords(wb.getWorksheet('Transformation')!).some(r => r['New TLC'] === lot)).toBe(true)
  // The demo configuration describes the plant, so the location of transformation is filled in.
  expect(sheetRecords(wb.getWorksheet('Transformation')!)[0]!['Location of transformation: business name']).toBe('Demo Bakery (sample data)')

  const epcis = await lotline(['export', 'epcis', '--from', '2000-01-01', '--to', '2100-12-31', '--out', 'all.jsonld'], dir)
  expect(epcis.code, epcis.stderr).toBe(0)
  expect(epcis.stdout).toMatch(/EPCIS 2\.0 document, 2000-01-01 to 2100-12-31: \d+ events/)
  const doc = JSON.parse(readFileSync(join(dir, 'all.jsonld'), 'utf8'))
  const validate = epcisSchemaValidator()
  expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true)
  expect(doc.epcisBody.eventList.length).toBeGreaterThan(10)

  const csv = await lotline(['export', 'csv', '--lot', lot!], dir)
  expect(csv.code, csv.stderr).toBe(0)
  const csvPath = csv.stdout.trim().split('\n')[0]!
  expect(csvPath).toBe(join(dir, `trace-${lot}-both.csv`))
  expect(csvRecords(readFileSync(csvPath, 'utf8')).some(r => r.Record === 'supplier lot')).toBe(true)

  const kdes = await lotline(['export', 'kdes', '--shipment', '1'], dir)
  expect(kdes.code, kdes.stderr).toBe(0)
  expect(existsSync(join(dir, 'shipment-1-kdes.csv'))).toBe(true)

  const bad = await lotline(['export', 'fda'], dir)
  expect(bad.code).toBe(2)
  expect(bad.stderr).toContain('needs --lot, or --from and --to')
  const missing = await lotline(['export', 'fda', '--lot', 'NOPE-1'], dir)
  expect(missing.code).toBe(1)
  expect(missing.stderr).toContain('Lot NOPE-1 not found')
}, 120_000)

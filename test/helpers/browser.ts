import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { EventEmitter } from 'node:events'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { InjectOptions } from 'fastify'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { openDb } from '../../db/client.ts'
import { migrate } from '../../db/migrate.ts'
import { createSequenceLedger } from '../../db/sequences.ts'
import { createFakePrinter, type FakePrinter } from '../../hardware/fake-printer.ts'
import { buildApp } from '../../server/app.ts'
import { createAuth } from '../../server/domain/auth.ts'
import type { StationDef } from '../../server/domain/stations.ts'
import { createLabelService } from '../../server/labels.ts'
import { createPrintQueue } from '../../server/print-queue.ts'
import { seedBakery } from './app.ts'

/** Debian's chromium (CI installs it in .ci/run). CHROMIUM_PATH points elsewhere on a developer's machine. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const hasChromium = existsSync(CHROMIUM_PATH)
/** Said once per skipped file, so a missing browser is never mistaken for a pass. */
export const NO_CHROMIUM = `end-to-end page tests skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`

export const SCREENSHOTS = resolve('test-artifacts/screenshots')
/** Generous: CI machines have two cores shared with the rest of the suite. */
export const UI_TIMEOUT = 15_000

export async function launchBrowser (): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      // A station page beeps without a tap first, as a kiosk browser is set up to.
      '--autoplay-policy=no-user-gesture-required']
  })
}

/**
 * Collects what the browser refused under the Content Security Policy (the auth plugin sends a
 * strict one: scripts and styles from this server only, no inline code). Pages must cause none.
 */
export function watchCsp (page: Page): string[] {
  const refused: string[] = []
  page.on('console', m => { if (/Content Security Policy|Refused to (apply|execute|load)/i.test(m.text())) refused.push(m.text()) })
  return refused
}

/** Saves a full-page PNG under test-artifacts/screenshots/ (kept by CI as an artifact). */
export async function screenshot (page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  const path = join(SCREENSHOTS, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}

export const STATIONS: StationDef[] = [
  { code: 'RCV1', kind: 'receiving', location: 'DOCK1' },
  { code: 'PRD1', kind: 'production', location: 'L1' },
  { code: 'SHP1', kind: 'shipping', location: 'DOCK2' }
]
export const SUPERVISOR = { username: 'sam', password: 'supervisor-password-1' }
export const OPERATOR_PIN = '4321'

/**
 * The real app on a real libSQL file, listening on 127.0.0.1, with the bakery's master data,
 * real accounts (a supervisor, an operator), fake printers behind the real print queue and label
 * service (so previews, waiting labels and reprints are real), and a hardware event bus the test
 * can drive. Not tied to one test: call close() in afterAll.
 */
export async function startPlant () {
  const dir = mkdtempSync(join(tmpdir(), 'lotline-pages-'))
  const db = openDb({ url: `file:${join(dir, 'plant.db')}` })
  await migrate(db)
  const auth = createAuth({ db })
  const plant = { name: 'Oven Street Bakery', address: '100 Oven Street', city: 'Springfield', state: 'IL', zip: '62701' }
  const printers = new Map<string, FakePrinter>(STATIONS.map(s => [s.code, createFakePrinter()]))
  const labels = createLabelService({ db, plant, media: new Map(STATIONS.map(s => [s.code, { size: '4x6', dpi: 203 as const }])), printerKinds: new Map(STATIONS.map(s => [s.code, 'zpl' as const])), publicUrl: 'http://lotline.plant.lan' })
  const printQueue = createPrintQueue({ db, printers, render: labels.render, backoffMs: () => 200 })
  await printQueue.start()
  const hardwareEvents = new EventEmitter()
  // RCV1 has a serial scanner the test can unplug; the other stations have keyboard-wedge scanners only.
  const scanners = new Map<string, { state: string, path: string, errorsInARow: number, alert?: string }>([['RCV1', { state: 'connected', path: '/dev/serial/by-id/usb-scanner', errorsInARow: 0 }]])
  const token = await auth.createToken({ role: 'admin', name: 'tests', createdBy: 'tests' })
  const app = await buildApp({
    db, auth, stations: STATIONS, printQueue, labels, requestLabel: labels.requester(printQueue), hardwareEvents, companyPrefix: '0614141',
    repeatWindowMs: 0, ledger: createSequenceLedger(null), timeZone: 'UTC',
    hardwareStatus: code => ({ scanner: scanners.get(code) ?? null })
  })
  // seedBakery posts through the API as the admin token.
  const inject = app.inject.bind(app) as (o: InjectOptions) => ReturnType<typeof app.inject>
  await seedBakery(Object.assign(Object.create(app), {
    inject: (o: InjectOptions) => inject({ ...o, headers: { ...(o.headers ?? {}), authorization: `Bearer ${token}` } })
  }))
  await auth.createUser({ username: SUPERVISOR.username, displayName: 'Sam Supervisor', role: 'supervisor', password: SUPERVISOR.password })
  await auth.createUser({ username: 'olga', displayName: 'Olga Operator', role: 'operator', pin: OPERATOR_PIN })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  return {
    app, url, db, auth, token, printers, printQueue, hardwareEvents,
    /** Changes a serial scanner's state as the scanner adapter would report it. */
    setScanner (station: string, status: { state: string, alert?: string }) {
      scanners.set(station, { path: '/dev/serial/by-id/usb-scanner', errorsInARow: 0, ...status })
      hardwareEvents.emit('hardware', { station, scanner: scanners.get(station) })
    },
    async close () {
      await app.close()
      await printQueue.stop()
      db.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
export type Plant = Awaited<ReturnType<typeof startPlant>>

/** A supervisor logged in through the real login form (cookie session, CSRF token on posts). */
export async function supervisorContext (browser: Browser, plant: Plant, viewport = { width: 1280, height: 800 }): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, acceptDownloads: true })
  const page = await context.newPage()
  page.setDefaultTimeout(UI_TIMEOUT)
  await page.goto(`${plant.url}/login`)
  await page.fill('input[name=username]', SUPERVISOR.username)
  await page.fill('input[name=password]', SUPERVISOR.password)
  await Promise.all([page.waitForURL(u => !u.pathname.startsWith('/login')), page.click('button[type=submit]')])
  await page.close()
  return context
}

/** An operator at a registered kiosk of `station`, logged in with the PIN, as on the floor. */
export async function kioskPage (browser: Browser, plant: Plant, station: string, viewport = { width: 1024, height: 768 }): Promise<Page> {
  const context = await browser.newContext({ viewport, hasTouch: true })
  const page = await context.newPage()
  page.setDefaultTimeout(UI_TIMEOUT)
  const kioskToken = await plant.auth.registerKiosk({ name: `kiosk ${station}`, station, createdBy: 'tests' })
  await page.goto(`${plant.url}/kiosk/register?token=${encodeURIComponent(kioskToken)}`)
  await page.fill('input[name=pin]', OPERATOR_PIN)
  await Promise.all([page.waitForURL(`**/stations/${station}`), page.click('button[type=submit]')])
  // The live stream is up once the first push has drawn the page.
  await page.waitForFunction(() => document.getElementById('conn')?.textContent === 'Live', null, { timeout: UI_TIMEOUT })
  return page
}

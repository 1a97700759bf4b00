import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient } from '@libsql/client'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest'
import { openDb, type Db } from '../../db/client.ts'
import { migrate } from '../../db/migrate.ts'
import { createSequenceLedger } from '../../db/sequences.ts'
import { buildApp } from '../../server/app.ts'
import { createAuth } from '../../server/domain/auth.ts'
import { hasChromium, launchBrowser, NO_CHROMIUM, screenshot, UI_TIMEOUT, watchCsp } from '../helpers/browser.ts'
import { startSqld, type Sqld } from '../helpers/sqld.ts'

// A kiosk browser on a station page while the plant's libSQL server (a real sqld) and then the
// kiosk server itself go away and come back: what the operator sees, and that every scan typed
// there is recorded once.

const GTIN = '09521234543213'
const STATIONS = [{ code: 'RCV1', kind: 'receiving' as const, location: 'DOCK1' }]

/** The kiosk server, in this process, on the sqld; listening on `port` (0: any). Its scan spool lives in `dir`. */
async function kioskServer (db: Db, dir: string, port = 0) {
  const app = await buildApp({ db, auth: createAuth({ db }), stations: STATIONS, ledger: createSequenceLedger(null), timeZone: 'UTC', spoolPath: join(dir, 'scan-spool.jsonl'), repeatWindowMs: 0 })
  const url = await app.listen({ host: '127.0.0.1', port })
  return { app, url, port: Number(new URL(url).port) }
}

/** Types a scan as a keyboard-wedge scanner does, Enter at the end. */
async function wedge (page: Page, data: string) {
  await page.keyboard.type(data, { delay: 2 })
  await page.keyboard.press('Enter')
}
const banner = (page: Page) => page.locator('#signal [data-signal-id]')
const bannerText = async (page: Page) => ((await banner(page).textContent().catch(() => '')) ?? '').replace(/\s+/g, ' ')

describe.skipIf(!hasChromium)('a station page while the database, then the kiosk server, are away', { timeout: 90_000 }, () => {
  let browser: Browser
  beforeAll(async () => { browser = await launchBrowser() })
  afterAll(async () => { await browser?.close() })

  test('a scan is kept on the kiosk and the banner says so; a scan the server could not take waits on the screen and is sent again; each is recorded once, in order', async () => {
    const sqld: Sqld = await startSqld()
    const dir = mkdtempSync(join(tmpdir(), 'lotline-page-outage-'))
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
    const db = openDb({ url: sqld.url, requestTimeoutMs: 5000 })
    onTestFinished(() => db.close())
    await migrate(db)
    let server = await kioskServer(db, dir)
    onTestFinished(() => server.app.close())
    const auth = createAuth({ db })
    const token = await auth.createToken({ role: 'admin', name: 'tests', createdBy: 'tests' })
    for (const [url, payload] of [
      ['/api/v1/locations', { code: 'DOCK1', kind: 'dock', name: 'Dock 1' }],
      ['/api/v1/partners', { code: 'MILL', role: 'supplier', name: 'Prairie Mills' }],
      ['/api/v1/products', { code: 'FLOUR', name: 'Flour', unit: 'kg', gtin: GTIN }]
    ] as const) expect((await server.app.inject({ method: 'POST', url, payload, headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(201)
    await auth.createUser({ username: 'olga', displayName: 'Olga Operator', role: 'operator', pin: '4321' })
    const kioskToken = await auth.registerKiosk({ name: 'dock kiosk', station: 'RCV1', createdBy: 'tests' })

    const context = await browser.newContext({ viewport: { width: 1024, height: 768 }, hasTouch: true })
    onTestFinished(() => context.close())
    const page = await context.newPage()
    page.setDefaultTimeout(UI_TIMEOUT)
    const blocked = watchCsp(page)
    await page.goto(`${server.url}/kiosk/register?token=${encodeURIComponent(kioskToken)}`)
    await page.fill('input[name=pin]', '4321')
    await Promise.all([page.waitForURL('**/stations/RCV1'), page.click('button[type=submit]')])
    await page.waitForFunction(() => document.getElementById('conn')?.textContent === 'Live', null, { timeout: UI_TIMEOUT })
    await page.locator('#scan-input').focus()

    // 1. The database server dies. Scans typed at the station are kept on the kiosk, and the banner says so.
    await sqld.kill()
    await wedge(page, `]C101${GTIN}10OUT-1`)
    await expect.poll(() => bannerText(page), { timeout: UI_TIMEOUT }).toContain('this scan is kept on this kiosk (1 waiting) and will be recorded when it is back')
    expect(await banner(page).getAttribute('data-beep')).toBe('kept')
    await wedge(page, `]C101${GTIN}10OUT-2`)
    await expect.poll(() => bannerText(page), { timeout: UI_TIMEOUT }).toContain('kept on this kiosk (2 waiting)')
    expect(await page.evaluate(() => document.body.dataset.lastBeep)).toBe('kept')
    await screenshot(page, 'station-db-outage-kept-1024x768')

    // 2. It comes back: the kept scans are recorded, and the page shows them with their answers.
    await sqld.start()
    await expect.poll(() => page.locator('#feed').textContent(), { timeout: UI_TIMEOUT }).toMatch(/OUT-2[\s\S]*OUT-1/)
    expect(await bannerText(page)).not.toContain('kept on this kiosk')

    // 3. The kiosk server itself goes away (restarted). A scan typed now waits on the screen.
    const port = server.port
    await server.app.close()
    await wedge(page, `]C101${GTIN}10OUT-3`)
    const waiting = page.locator('#scan-waiting')
    await expect.poll(() => waiting.textContent(), { timeout: UI_TIMEOUT }).toMatch(/^1 scan waiting on this screen: not recorded yet, sending again… \(the server does not answer\)/)
    expect(await waiting.isVisible()).toBe(true)
    // It starts again while the database is still away: this new process has not checked Olga's
    // session yet, so it cannot let her in and answers 503; the screen says why and keeps both scans.
    await sqld.kill()
    server = await kioskServer(db, dir, port)
    await expect.poll(() => waiting.textContent(), { timeout: UI_TIMEOUT }).toMatch(/^1 scan waiting on this screen: not recorded yet, sending again… \(the lot database cannot be reached\)$/)
    await wedge(page, `]C101${GTIN}10OUT-4`)
    await expect.poll(() => waiting.textContent(), { timeout: UI_TIMEOUT }).toMatch(/^2 scans waiting on this screen/)
    await screenshot(page, 'station-scans-waiting-on-screen-1024x768')

    // 4. The database is back: the screen sends both, with their own scan ids, and they are taken.
    await sqld.start()
    await expect.poll(() => waiting.isVisible(), { timeout: 20_000 }).toBe(false)
    await expect.poll(() => page.locator('#feed').textContent(), { timeout: UI_TIMEOUT }).toMatch(/OUT-4[\s\S]*OUT-3[\s\S]*OUT-2[\s\S]*OUT-1/)

    const check = createClient({ url: sqld.url })
    onTestFinished(() => check.close())
    const rows = (await check.execute("SELECT id, raw, source FROM scans WHERE station = 'RCV1' ORDER BY rowid")).rows
    expect(rows.map(r => String(r.raw).slice(-5))).toEqual(['OUT-1', 'OUT-2', 'OUT-3', 'OUT-4'])
    expect(rows.map(r => String(r.source))).toEqual(['keyboard', 'keyboard', 'keyboard', 'keyboard'])
    expect(new Set(rows.map(r => String(r.id))).size).toBe(4)
    expect(blocked).toEqual([])
  })
})

if (!hasChromium) console.warn(NO_CHROMIUM)

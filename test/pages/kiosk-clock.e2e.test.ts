import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { listAudit } from '../../db/audit.ts'
import { hasChromium, kioskPage, launchBrowser, NO_CHROMIUM, screenshot, startPlant, UI_TIMEOUT, watchCsp, type Plant } from '../helpers/browser.ts'

describe.skipIf(!hasChromium)('a kiosk with a wrong clock', { timeout: 60_000 }, () => {
  let browser: Browser
  let plant: Plant
  beforeAll(async () => { browser = await launchBrowser(); plant = await startPlant() })
  afterAll(async () => { await browser?.close(); await plant?.close() })

  test('the station page says the kiosk\'s clock is 7 minutes behind, and the audit trail has it', async () => {
    const page = await kioskPage(browser, plant, 'RCV1')
    const blocked = watchCsp(page)
    expect(await page.locator('#clock-warning').textContent()).toBe('')
    // The kiosk PC's clock runs 7 minutes slow (Date.now() in the page; the server keeps its own).
    await page.clock.setFixedTime(Date.now() - 7 * 60_000)
    await page.reload()
    const banner = page.locator('#clock-warning .clock-off')
    await banner.waitFor({ timeout: UI_TIMEOUT })
    expect((await banner.textContent())!.replace(/\s+/g, ' ')).toContain("This kiosk's clock is 7 min behind the server's: events use the server's time. Ask IT to fix the clock.")
    await screenshot(page, 'station-clock-behind-1024x768')
    const flags = (await listAudit(plant.db.client, { limit: 1000 })).filter(e => e.action === 'kiosk.clock')
    expect(flags).toMatchObject([{ user: 'olga', station: 'RCV1', details: { flagged: true } }])
    expect(blocked).toEqual([])
  })
})

if (!hasChromium) console.warn(NO_CHROMIUM)

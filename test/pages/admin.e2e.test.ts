import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { hasChromium, launchBrowser, NO_CHROMIUM, screenshot, UI_TIMEOUT, startPlant, type Plant } from '../helpers/browser.ts'

describe.skipIf(!hasChromium)('an admin keeps master data', { timeout: 120_000 }, () => {
  let browser: Browser
  let plant: Plant
  let page: Page
  beforeAll(async () => {
    browser = await launchBrowser()
    plant = await startPlant()
    await plant.auth.createUser({ username: 'ada', displayName: 'Ada Admin', role: 'admin', password: 'admin-password-12' })
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage()
    page.setDefaultTimeout(UI_TIMEOUT)
    await page.goto(`${plant.url}/login?next=/admin/products`)
    await page.fill('input[name=username]', 'ada')
    await page.fill('input[name=password]', 'admin-password-12')
    await Promise.all([page.waitForURL('**/admin/products'), page.click('button[type=submit]')])
  })
  afterAll(async () => { await browser?.close(); await plant?.close() })

  test('a bad product form comes back with the error next to the field and every value kept', async () => {
    await page.fill('#f-code', 'OATS')
    await page.fill('#f-name', 'Rolled oats')
    await page.fill('#f-unit', 'kg')
    await page.fill('#f-gtin', '10614141000034')
    await page.fill('#f-brand', 'Prairie')
    await page.getByRole('button', { name: 'Add product' }).click()
    await page.locator('#add .field-error').waitFor()
    expect(await page.locator('#add .has-error .field-error').textContent()).toContain('wrong check digit')
    expect(await page.locator('#f-gtin').getAttribute('aria-invalid')).toBe('true')
    expect(await page.inputValue('#f-brand')).toBe('Prairie')
    await screenshot(page, 'admin-product-refused')
    await page.fill('#f-gtin', '')
    await page.getByRole('button', { name: 'Add product' }).click()
    await page.waitForURL('**/admin/products?added=OATS')
    expect(await page.locator('.notice.ok').textContent()).toContain('Added OATS')
  })

  test('a CSV file with a bad row imports nothing and lists the row; fixed, it imports every row', async () => {
    await page.goto(`${plant.url}/admin/partners`)
    const bad = 'code,role,name,phone\nGULF,supplier,Gulf Sugar Co.,+1 225 555 0120\nSHOP,shopper,Corner Shop,\n'
    await page.setInputFiles('#csv-file', { name: 'partners.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) })
    await page.waitForFunction(() => (document.getElementById('csv-text') as HTMLTextAreaElement).value.includes('GULF'))
    await page.getByRole('button', { name: 'Check and import' }).click()
    await page.locator('#import .notice.error').waitFor()
    expect(await page.locator('#import .notice.error').textContent()).toMatch(/Nothing was imported: 1 problem.*row 3: role: "shopper" is not one of supplier, customer, both/s)
    expect(await plant.app.masterData.getPartner('GULF')).toBeNull()
    await screenshot(page, 'admin-csv-refused')
    await page.fill('#csv-text', bad.replace('shopper', 'customer'))
    await page.getByRole('button', { name: 'Check and import' }).click()
    await page.waitForURL('**/admin/partners?imported=2')
    expect((await plant.app.masterData.getPartner('SHOP'))!.role).toBe('customer')
  })
})
if (!hasChromium) console.warn(NO_CHROMIUM)

import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { countRows } from '../helpers/app.ts'
import { hasChromium, kioskPage, launchBrowser, NO_CHROMIUM, screenshot, UI_TIMEOUT, startPlant, watchCsp, type Plant } from '../helpers/browser.ts'

const GS = '\x1d'
const SUPPLIER_GTIN = '09521234543213'   // a supplier's flour sacks: not known to the plant yet
const CHOC_GTIN = '10614141000033'
const COOKIE_GTIN = '10614141000040'

/** Types a scan as a keyboard-wedge scanner does: characters, GS as Ctrl+], then Enter. */
async function wedge (page: Page, data: string) {
  for (const [i, part] of data.split(GS).entries()) {
    if (i > 0) await page.keyboard.press('Control+BracketRight')
    await page.keyboard.type(part, { delay: 5 })
  }
  await page.keyboard.press('Enter')
}

/** Waits for the banner to show a new signal, and returns its kind and words. */
async function nextSignal (page: Page, before: string | null) {
  await page.waitForFunction(prev => {
    const s = document.querySelector('#signal [data-signal-id]')
    return s !== null && s.getAttribute('data-signal-id') !== prev
  }, before)
  const s = page.locator('#signal [data-signal-id]')
  const words = `${await s.locator('.sig-word').textContent()} ${await s.locator('.sig-msg').textContent()}`
  return { kind: await s.getAttribute('data-beep'), text: words.replace(/\s+/g, ' ').trim() }
}
const signalId = (page: Page) => page.locator('#signal [data-signal-id]').getAttribute('data-signal-id').catch(() => null)

/** Scans and waits for its answer on the banner. */
async function scan (page: Page, data: string) {
  const before = await signalId(page)
  await wedge(page, data)
  return nextSignal(page, before)
}
async function tap (page: Page, name: string | RegExp) {
  const before = await signalId(page)
  await page.getByRole('button', { name }).click()
  return before
}
async function keypad (page: Page, digits: string) {
  await page.locator('.keypad [data-key="clear"]').first().click()
  for (const d of digits) await page.locator(`.keypad [data-key="${d}"]`).first().click()
}

describe.skipIf(!hasChromium)('an operator works through the station pages', { timeout: 120_000 }, () => {
  let browser: Browser
  let plant: Plant
  const lots: Record<string, string> = {}
  beforeAll(async () => { browser = await launchBrowser(); plant = await startPlant() })
  afterAll(async () => { await browser?.close(); await plant?.close() })

  test('receives: a new GTIN is mapped, the keypad sets the quantity, QC and supplier are tapped; a bad scan says why', async () => {
    const page = await kioskPage(browser, plant, 'RCV1')
    const blocked = watchCsp(page)
    await page.reload()
    await page.waitForFunction(() => document.getElementById('conn')?.textContent === 'Live')
    await expect.poll(() => page.locator('#status').textContent(), { timeout: UI_TIMEOUT }).toContain('Scanner: connected')
    // A GS1-128 sack label typed by the wedge, GS as Ctrl+]: the GTIN is unknown, so the station asks.
    const flourLabel = `]C101${SUPPLIER_GTIN}3103025000${GS}10PM-2611-A${GS}15270630`
    const asked = await scan(page, flourLabel)
    expect(asked.kind).toBe('ask')
    expect(asked.text).toMatch(/Unknown GTIN 09521234543213/)
    expect(await page.evaluate(() => document.body.dataset.lastBeep)).toBe('ask')
    await page.locator('.pending label.tile', { hasText: 'Wheat flour' }).click()
    let before = await tap(page, /This is the product/)
    expect((await nextSignal(page, before)).text).toMatch(/now Wheat flour: scan the label again/)

    const pending = await scan(page, flourLabel)
    expect(pending.kind).toBe('good')
    await expect.poll(() => page.locator('.pending input[name=quantity]').inputValue(), { timeout: UI_TIMEOUT }).toBe('25')
    await screenshot(page, 'station-receiving-confirm-1024x768')
    // Confirm without a supplier: refused in plain words, next to the field, nothing typed is lost.
    await keypad(page, '500')
    await page.locator('.pending label.tile', { hasText: 'Accepted' }).click()
    await page.locator('.pending input[name=temperatureC]').click()
    await keypad(page, '18')
    before = await tap(page, /Receive/)
    const refused = await nextSignal(page, before)
    expect(refused).toMatchObject({ kind: 'bad' })
    expect(refused.text).toMatch(/Choose the supplier/)
    await expect.poll(() => page.locator('.pending .field-error').textContent(), { timeout: UI_TIMEOUT }).toContain('Choose the supplier')
    await expect.poll(() => page.locator('.pending input[name=quantity]').inputValue(), { timeout: UI_TIMEOUT }).toBe('500')
    await expect.poll(() => page.locator('.pending input[name=temperatureC]').inputValue(), { timeout: UI_TIMEOUT }).toBe('18')
    expect(await page.locator('.pending input[name=qc][value=accepted]').isChecked()).toBe(true)
    await screenshot(page, 'station-receiving-refused')
    await page.locator('.pending label.tile', { hasText: 'Prairie Mills' }).click()
    before = await tap(page, /Receive/)
    const received = await nextSignal(page, before)
    expect(received.kind).toBe('good')
    lots.flour = /Received as lot (\S+)/.exec(received.text)![1]!
    const flour = (await plant.app.lots.getLot(lots.flour))!
    expect(flour.lot).toMatchObject({ supplierLotCode: 'PM-2611-A', supplier: { code: 'MILL' }, qc: { status: 'accepted', temperatureC: 18 } })
    expect(flour.balance.received).toBe(500)
    // The receiving label's preview is on the page.
    await page.locator('#side .label-preview svg').waitFor({ state: 'visible' })

    // A truck from Cacao Works: the delivery is set once, its cases carry their weight (3103).
    await page.locator('label.tile', { hasText: 'Cacao Works' }).click()
    await page.fill('#ref-number', 'BOL-5521')
    await page.getByRole('button', { name: 'Start unloading' }).click()
    await expect.poll(() => page.locator('#work h2').textContent(), { timeout: UI_TIMEOUT }).toContain('Delivery from Cacao Works LLC')
    const choc = `]C101${CHOC_GTIN}3103018000${GS}10CW-77812`
    await scan(page, choc)
    expect((await scan(page, choc)).text).toMatch(/another case\? \(would make 2\)/)
    await page.getByRole('button', { name: /Yes, another case/ }).click()
    await expect.poll(() => page.locator('.pending input[name=quantity]').inputValue(), { timeout: UI_TIMEOUT }).toBe('36')
    before = await tap(page, /Receive/)
    lots.choc = /Received as lot (\S+)/.exec((await nextSignal(page, before)).text)![1]!
    expect((await plant.app.lots.getLot(lots.choc))!.lot.referenceDocument).toEqual({ type: 'BOL', number: 'BOL-5521' })

    // A bad scan: big STOP, the low buzz, and the reason in plain words. Keys typed with nothing focused still scan.
    await page.locator('#signal').click()
    const bad = await scan(page, `]C1010952123454321410LOT1`)
    expect(bad.kind).toBe('bad')
    expect(bad.text).toMatch(/STOP.*\(01\) check digit is wrong/)
    expect(await page.evaluate(() => document.body.dataset.lastBeep)).toBe('bad')
    await screenshot(page, 'station-receiving-bad-scan')
    expect(blocked, 'nothing blocked by the strict CSP').toEqual([])
  })

  test('a scan from the serial scanner and an unplugged scanner show at once over the live stream', async () => {
    const page = await kioskPage(browser, plant, 'RCV1')
    const before = await signalId(page)
    await plant.app.stations.handleScan('RCV1', ']C0NOT A LABEL !!', { source: 'serial' })
    const s = await nextSignal(page, before)
    expect(s.kind).toBe('bad')
    await expect.poll(() => page.locator('#feed li').first().textContent(), { timeout: UI_TIMEOUT }).toContain('serial')
    plant.setScanner('RCV1', { state: 'disconnected' })
    await expect.poll(() => page.locator('#status').textContent(), { timeout: UI_TIMEOUT }).toContain('Scanner: disconnected')
    await screenshot(page, 'station-receiving-scanner-unplugged')
    plant.setScanner('RCV1', { state: 'connected' })
    await expect.poll(() => page.locator('#status').textContent(), { timeout: UI_TIMEOUT }).toContain('Scanner: connected')
  })

  test('a wedge scan posted twice with the same scanId is recorded once', async () => {
    const page = await kioskPage(browser, plant, 'RCV1')
    const rows = await countRows(plant.db, 'scans')
    const statuses = await page.evaluate(async () => {
      const body = new URLSearchParams({ data: ']C0RETRIED', scanId: 'retry-0000-0001' }).toString()
      const headers = { 'content-type': 'application/x-www-form-urlencoded', 'HX-Request': 'true', 'x-csrf-token': document.querySelector('meta[name=csrf-token]')!.getAttribute('content')! }
      const a = await fetch('/stations/RCV1/scan', { method: 'POST', headers, body })
      const b = await fetch('/stations/RCV1/scan', { method: 'POST', headers, body })
      return [a.status, b.status]
    })
    expect(statuses).toEqual([200, 200])
    expect(await countRows(plant.db, 'scans')).toBe(rows + 1)
  })

  test('produces: starts a batch, scans inputs, keys the quantities, closes the batch; the printer runs out of paper and recovers', async () => {
    const page = await kioskPage(browser, plant, 'PRD1')
    await page.locator('label.tile', { hasText: 'Chocolate chip cookies' }).click()
    const started = await tap(page, /Start batch/)
    const batchCode = /Batch (\S+) started/.exec((await nextSignal(page, started)).text)![1]!
    // Our own lot number typed by the wedge (a plain Code 128 on our receiving label).
    const s1 = await scan(page, lots.flour!)
    expect(s1.text).toMatch(/enter the quantity used/)
    await keypad(page, '60')
    await screenshot(page, 'station-production-input-1024x768')
    let before = await tap(page, /Add to batch/)
    expect((await nextSignal(page, before)).text).toMatch(new RegExp(`60 kg of lot ${lots.flour} added to batch ${batchCode}`))
    // The supplier's own case label finds the lot we received.
    await scan(page, `]C101${CHOC_GTIN}10CW-77812`)
    await keypad(page, '18')
    before = await tap(page, /Add to batch/)
    await nextSignal(page, before)
    await expect.poll(() => page.locator('#work table.lines tbody tr').count(), { timeout: UI_TIMEOUT }).toBe(2)

    plant.printers.get('PRD1')!.setStatus({ paperOut: true })
    await page.locator('.close-box input[name=quantity]').click()
    await keypad(page, '120')
    before = await tap(page, /Close batch and print label/)
    const closed = await nextSignal(page, before)
    lots.cookies = /lot (\S+)/.exec(closed.text)![1]!
    await expect.poll(() => page.locator('#status').textContent(), { timeout: UI_TIMEOUT }).toContain('Printer: paper out')
    await expect.poll(() => page.locator('#status').textContent(), { timeout: UI_TIMEOUT }).toContain('1 label waiting')
    await page.locator('#side .label-preview svg').waitFor({ state: 'visible' })
    await screenshot(page, 'station-production-paper-out')
    plant.printers.get('PRD1')!.setStatus({ paperOut: false })
    await expect.poll(() => page.locator('#status').textContent(), { timeout: UI_TIMEOUT }).toContain('Printer: ready')
    expect(plant.printers.get('PRD1')!.printed).toHaveLength(1)

    // A label got torn: reprint it, with a reason tapped from the list.
    await page.locator('#side details.reprint summary').first().click()
    await page.locator('#side label.tile', { hasText: 'Label damaged' }).click()
    before = await tap(page, /Reprint label/)
    expect((await nextSignal(page, before)).text).toMatch(/sent again/)
    await expect.poll(() => plant.printers.get('PRD1')!.printed.length, { timeout: UI_TIMEOUT }).toBe(2)
    const reprinted = plant.printers.get('PRD1')!.printed[1]!
    expect(typeof reprinted === 'string' ? reprinted : new TextDecoder().decode(reprinted)).toContain('REPRINT')
  })

  test('ships: picks the customer, scans cases, answers "another case?", records the shipment', async () => {
    const page = await kioskPage(browser, plant, 'SHP1')
    await page.locator('label.tile', { hasText: 'FRESHMART Inc.' }).click()
    await page.fill('#ref-number', 'BOL-9001')
    let before = await tap(page, /Start loading/)
    expect((await nextSignal(page, before)).text).toMatch(/Loading for FRESHMART Inc./)
    const caseLabel = `]C101${COOKIE_GTIN}10${lots.cookies}`
    expect((await scan(page, caseLabel)).text).toMatch(/1 case added/)
    const again = await scan(page, caseLabel)
    expect(again.kind).toBe('ask')
    await screenshot(page, 'station-shipping-another-case')
    await page.getByRole('button', { name: /Yes, another case/ }).click()
    await expect.poll(() => page.locator('#work table.lines').textContent(), { timeout: UI_TIMEOUT }).toContain('2 case')
    before = await tap(page, /Truck leaves/)
    expect((await nextSignal(page, before)).text).toMatch(/Shipment \d+ recorded: 1 lot\(s\) to FRESHMART/)
    const cookies = (await plant.app.lots.getLot(lots.cookies!))!
    expect(cookies.balance.shipped).toBe(2)
    await screenshot(page, 'station-shipping-done')
  })
})
if (!hasChromium) console.warn(NO_CHROMIUM)

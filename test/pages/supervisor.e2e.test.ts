import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { countRows } from '../helpers/app.ts'
import { hasChromium, launchBrowser, NO_CHROMIUM, screenshot, UI_TIMEOUT, startPlant, supervisorContext, watchCsp, type Plant } from '../helpers/browser.ts'

/** What each export link must answer with, when its route exists. */
const EXPORT_TYPES: Record<string, RegExp> = {
  csv: /^text\/csv/,
  fda: /^application\/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet/,
  'fda-range': /^application\/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet/,
  epcis: /^application\/(ld\+json|json)/,
  kdes: /^(application\/(json|ld\+json|vnd\.openxmlformats)|text\/(csv|html))/
}

/** A small history: two ingredient lots into dough, dough and film into cookies, cookies to two customers. */
async function history (plant: Plant) {
  const L = plant.app.lots
  const flour = (await L.receive({ product: 'FLOUR', supplier: 'MILL', supplierLotCode: 'PM-2611-A', quantity: 1000, location: 'DOCK1', station: 'RCV1', referenceDocument: { type: 'BOL', number: 'T-77' }, receivedAt: '2026-11-20' })).lot.code
  const choc = (await L.receive({ product: 'CHOC', supplier: 'CHOCO', supplierLotCode: 'CW-77812', quantity: 400, location: 'DOCK1', station: 'RCV1', receivedAt: '2026-11-20' })).lot.code
  const film = (await L.receive({ product: 'FILM', supplier: 'PACK', supplierLotCode: 'FP-9', quantity: 50, location: 'DOCK1', station: 'RCV1', receivedAt: '2026-11-21' })).lot.code
  const dough = (await L.produce({ product: 'DOUGH', line: 'L1', station: 'PRD1', inputs: [{ lot: flour, quantity: 100 }, { lot: choc, quantity: 40 }], output: { quantity: 140 } })).lot!.code
  const cookies = (await L.produce({ product: 'CCC-12', line: 'L1', station: 'PRD1', inputs: [{ lot: dough, quantity: 120 }, { lot: film, quantity: 10 }], output: { quantity: 100 } })).lot!.code
  const s1 = await L.ship({ customer: 'FRESHMART', shipFrom: 'DOCK2', station: 'SHP1', lines: [{ lot: cookies, quantity: 40 }], referenceDocument: { type: 'BOL', number: 'S-1001' } })
  await L.ship({ customer: 'CORNER', shipFrom: 'DOCK2', station: 'SHP1', lines: [{ lot: cookies, quantity: 20 }] })
  return { flour, choc, film, dough, cookies, shipment: s1.id }
}

describe.skipIf(!hasChromium)('a supervisor searches, traces and runs a mock recall', { timeout: 120_000 }, () => {
  let browser: Browser
  let plant: Plant
  let context: BrowserContext
  let page: Page
  let lots: Awaited<ReturnType<typeof history>>
  let refused: string[] = []
  beforeAll(async () => {
    browser = await launchBrowser()
    plant = await startPlant()
    lots = await history(plant)
    context = await supervisorContext(browser, plant)
    page = await context.newPage()
    page.setDefaultTimeout(UI_TIMEOUT)
    refused = watchCsp(page)
  })
  afterAll(async () => { await browser?.close(); await plant?.close() })

  test('searches by supplier lot, GTIN, customer and dates', async () => {
    await page.goto(`${plant.url}/`)
    await page.fill('#f-q', 'PM-2611')
    await page.getByRole('button', { name: 'Search' }).click()
    await page.locator('#results table').waitFor()
    expect(await page.locator('#results tbody tr').count()).toBe(1)
    expect(page.url()).toContain('q=PM-2611')    // hx-push-url: a reload or a bookmark shows the same
    await screenshot(page, 'supervisor-search')
    const rows = async (query: string) => { await page.goto(`${plant.url}/?${query}`); return page.locator('#results tbody tr').allTextContents() }
    expect((await rows('q=10614141000040')).join()).toContain(lots.cookies)
    expect((await rows('customer=corner')).map(r => r.includes(lots.cookies))).toEqual([true])
    expect(await rows('from=2026-11-21&to=2026-11-21')).toHaveLength(1)
  })

  test('opens a lot: events, mass balance, the trace tree expands, the SVG graph has every step', async () => {
    await page.goto(`${plant.url}/?q=${lots.flour}`)
    await page.locator(`#results a:text("${lots.flour}")`).click()
    await page.waitForURL(`**/lots/${lots.flour}`)
    expect(await page.locator('.balance').textContent()).toMatch(/Consumed\s*100 kg.*On hand\s*900 kg/s)
    // Deeper levels start closed; "Open all" shows every step down to the customers.
    const forward = page.locator('#tree-forward')
    expect(await forward.locator('details:not([open])').count()).toBeGreaterThan(0)
    await page.locator('[data-action=expand][data-target=tree-forward]').click()
    expect(await forward.locator('details:not([open])').count()).toBe(0)
    const text = (await forward.textContent())!.replace(/\s+/g, ' ')
    expect(text).toContain('100 kg used in batch')
    expect(text).toMatch(/shipped 40 case on \d{4}-\d\d-\d\d to FRESHMART Inc\., BOL S-1001/)
    expect(text).toContain('CORNER Inc.')
    const graph = page.locator('svg.graph')
    expect(await graph.locator('g.box').count()).toBe(5)      // flour, dough, cookies, two customers
    expect((await graph.locator('g.edge text').allTextContents()).join(' | ')).toMatch(/100 kg · \d{4}-\d\d-\d\d.*120 kg · .*40 case · /)
    await screenshot(page, 'supervisor-lot-page')
    // The graph's boxes are links.
    await graph.locator(`a[href="/lots/${lots.dough}"]`).click()
    await page.waitForURL(`**/lots/${lots.dough}`)
  })

  test('runs a mock recall in one click: customers with contacts, suppliers with their lot codes, the time it took, kept as a record', async () => {
    await page.goto(`${plant.url}/lots/${lots.choc}`)
    await page.getByRole('button', { name: /Run a mock recall/ }).click()
    await page.waitForURL(/\/recalls\/\d+$/)
    const report = (await page.locator('main').textContent())!.replace(/\s+/g, ' ')
    expect(report).toMatch(/FRESHMART Inc\..*FRESHMART QA · \+1 312 555 0100 · qa@freshmart\.example/)
    expect(report).toContain('CORNER Inc.')
    expect(report).toMatch(/Cacao Works LLC.*CW-77812/)
    expect(report).toMatch(/Time to trace ?\d+(\.\d+)? (ms|s) from the click/)
    await screenshot(page, 'supervisor-recall-report')
    await page.emulateMedia({ media: 'print' })
    expect(await page.locator('header.top').isVisible()).toBe(false)
    expect(await page.locator('.exports').first().isVisible()).toBe(false)
    await screenshot(page, 'supervisor-recall-report-print')
    await page.emulateMedia({ media: 'screen' })
    expect(await countRows(plant.db, 'recall_drills')).toBe(1)
    await page.goto(`${plant.url}/recalls`)
    expect(await page.locator('table tbody tr').first().textContent()).toContain(lots.choc)
  })

  test('downloads each export that exists', async () => {
    await page.goto(`${plant.url}/lots/${lots.cookies}`)
    const links = await page.locator('a[data-export]').evaluateAll(as => as.map(a => ({ kind: a.getAttribute('data-export')!, href: (a as HTMLAnchorElement).href })))
    links.push({ kind: 'fda-range', href: `${plant.url}/api/v1/exports/fda.xlsx?from=2026-11-01&to=2026-11-30` })
    expect(links.map(l => l.kind)).toEqual(expect.arrayContaining(['csv', 'fda', 'epcis', 'kdes', 'fda-range']))
    const missing: string[] = []
    for (const l of links) {
      const res = await context.request.get(l.href)
      if (res.status() === 404 && /No route/.test(await res.text())) { missing.push(l.kind); continue }
      expect(res.status(), `${l.kind} ${l.href}`).toBe(200)
      expect(res.headers()['content-type'], l.kind).toMatch(EXPORT_TYPES[l.kind]!)
      expect((await res.body()).length).toBeGreaterThan(0)
    }
    // The exports are built in parallel (issue 5, server/routes/api/exports.ts): a route not there yet is noted, not failed.
    if (missing.length) console.warn(`export routes not there yet, skipped: ${missing.join(', ')}`)
  })

  test('the GS1 Digital Link on a label opens the lot page', async () => {
    await page.goto(`${plant.url}/01/10614141000040/10/${lots.cookies}?17=270524`)
    expect(new URL(page.url()).pathname).toBe(`/lots/${lots.cookies}`)
  })

  test('no page did anything the strict CSP refuses', () => {
    expect(refused).toEqual([])
  })
})
if (!hasChromium) console.warn(NO_CHROMIUM)

import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { hasChromium, kioskPage, launchBrowser, NO_CHROMIUM, screenshot, startPlant, type Plant } from '../helpers/browser.ts'

const VIEWPORTS = [{ width: 1024, height: 768 }, { width: 1280, height: 800 }]
const GS = '\x1d'

/** What a gloved hand needs: no sideways scrolling, every button and tile at least 64 px tall. */
async function measure (page: Page) {
  return page.evaluate(() => {
    const small = [...document.querySelectorAll<HTMLElement>('button, .btn, .tile span, summary, .key, #scan-input')]
      .map(el => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.width > 0 && r.height > 0 && r.height < 63.5)
      .map(({ el, r }) => `${Math.round(r.height)}px ${el.outerHTML.slice(0, 70)}`)
    const confirm = document.querySelector<HTMLElement>('.pending .btn.good, .close-box .btn.good')
    return {
      overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      small,
      confirmBottom: confirm ? confirm.getBoundingClientRect().bottom : null,
      viewportHeight: window.innerHeight
    }
  })
}

describe.skipIf(!hasChromium)('station pages at kiosk screen sizes', { timeout: 120_000 }, () => {
  let browser: Browser
  let plant: Plant
  beforeAll(async () => { browser = await launchBrowser(); plant = await startPlant() })
  afterAll(async () => { await browser?.close(); await plant?.close() })

  for (const vp of VIEWPORTS) {
    test(`${vp.width}x${vp.height}: no horizontal scroll, buttons at least 64 px, the confirm button on screen`, async () => {
      const s = plant.app.stations
      const states: Array<{ station: string, name: string, setup: () => Promise<unknown> }> = [
        { station: 'RCV1', name: 'idle', setup: async () => s.answer('RCV1', { confirm: false }).catch(() => {}) },
        { station: 'RCV1', name: 'receipt', setup: () => s.handleScan('RCV1', `]C101${'10614141000033'}3103018000${GS}10CW-${vp.width}`) },
        { station: 'PRD1', name: 'batch', setup: async () => { if (!(await s.state('PRD1')).batch) await s.openBatch('PRD1', { product: 'CCC-12' }) } },
        { station: 'SHP1', name: 'shipment', setup: async () => { if (!(await s.state('SHP1')).shipment) await s.openShipment('SHP1', { customer: 'FRESHMART' }) } }
      ]
      for (const st of states) {
        await st.setup()
        const page = await kioskPage(browser, plant, st.station, vp)
        const m = await measure(page)
        await screenshot(page, `layout-${st.station}-${st.name}-${vp.width}x${vp.height}`)
        expect(m.overflow, `${st.station} ${st.name}: page wider than the screen`).toBeLessThanOrEqual(0)
        expect(m.small, `${st.station} ${st.name}: targets under 64 px`).toEqual([])
        if (m.confirmBottom !== null) expect(m.confirmBottom, `${st.station} ${st.name}: confirm button below the fold`).toBeLessThanOrEqual(m.viewportHeight)
        await page.context().close()
      }
    })
  }
})
if (!hasChromium) console.warn(NO_CHROMIUM)

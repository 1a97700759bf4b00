// Shared by every Lotline page. No inline scripts: this file is what a strict CSP allows.
'use strict'

/** The CSRF token of a logged-in browser (a meta tag); posts without it are refused by the server. */
window.lotlineCsrf = function () {
  const m = document.querySelector('meta[name="csrf-token"]')
  return m ? m.getAttribute('content') : null
}

// htmx 4: every request htmx makes carries the token in the x-csrf-token header, and this
// browser's clock (a kiosk whose clock is far from the server's is flagged: server/domain/audit.ts).
document.addEventListener('htmx:config:request', function (evt) {
  if (!evt.detail || !evt.detail.ctx) return
  const headers = evt.detail.ctx.request.headers
  const token = window.lotlineCsrf()
  if (token) headers['x-csrf-token'] = token
  headers['x-kiosk-clock'] = String(Date.now())
})

/**
 * A random UUID. crypto.randomUUID exists only in secure contexts (HTTPS or localhost); a kiosk on
 * plain HTTP inside a plant gets a v4 UUID from getRandomValues instead, which works everywhere.
 */
window.lotlineUuid = function () {
  if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID()
  const b = new Uint8Array(16)
  window.crypto.getRandomValues(b)
  b[6] = (b[6] & 0x0f) | 0x40
  b[8] = (b[8] & 0x3f) | 0x80
  const h = Array.from(b, x => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

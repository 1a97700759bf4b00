// Station page: keyboard-wedge scans, the on-screen keypad, beeps, focus, the live connection.
'use strict'
;(function () {
  const GS = '\x1d'
  const form = document.getElementById('scan-form')
  const input = document.getElementById('scan-input')
  if (!form || !input) return
  const url = form.getAttribute('data-scan-url')

  // ---------- Scans typed by a keyboard-wedge scanner ----------
  // A wedge "types" the barcode and ends it with Enter (or Tab). GS (FNC1 separator, 0x1D) has no
  // key: scanners send it as Ctrl+] (the ASCII control key for 0x1D), which we turn back into GS.
  // A scanner that drops GS entirely sends data the server refuses in plain words, never guesses.
  const isGsKey = e => e.ctrlKey && !e.altKey && (e.key === ']' || e.code === 'BracketRight' || e.key === GS)
  const editable = el => el && (el.isContentEditable || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' ||
    (el.tagName === 'INPUT' && !['button', 'submit', 'radio', 'checkbox', 'hidden', 'reset'].includes(el.type)))

  input.addEventListener('keydown', e => {
    if (isGsKey(e)) { e.preventDefault(); insertAtCaret(input, GS); return }
    if (e.key === 'Enter' || e.key === 'Tab') { e.preventDefault(); takeScan() }
  })
  form.addEventListener('submit', e => { e.preventDefault(); takeScan() })

  // Keys typed while nothing editable has focus (after a tap on a button, say) go to the scan field.
  document.addEventListener('keydown', e => {
    const t = e.target
    if (t === input) return
    if (t && t.matches && t.matches('input.num')) return numFieldKey(e, t)
    if (editable(t)) return
    if (isGsKey(e)) { e.preventDefault(); input.value += GS; return }
    if (e.ctrlKey || e.altKey || e.metaKey) return
    if (e.key === 'Enter' || e.key === 'Tab') {
      if (input.value) { e.preventDefault(); takeScan() }
      return
    }
    if (e.key.length === 1) { e.preventDefault(); input.value += e.key; input.focus({ preventScroll: true }) }
  }, true)

  // A scanner firing while a quantity field has focus: its keys come 4+ at a time, under 40 ms apart,
  // ending in Enter. Such a burst is a scan: the field gets back what it held and the scan is sent.
  let burst = null
  function numFieldKey (e, el) {
    const now = performance.now()
    if (isGsKey(e) || (e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey)) {
      const ch = isGsKey(e) ? GS : e.key
      if (ch === GS) e.preventDefault()
      if (!burst || burst.el !== el || now - burst.last > 80) burst = { el, before: el.value, chars: '', last: now, fast: true }
      else if (now - burst.last > 40) burst.fast = false
      burst.chars += ch
      burst.last = now
      return
    }
    if ((e.key === 'Enter' || e.key === 'Tab') && burst && burst.el === el && burst.fast && burst.chars.length >= 4 && now - burst.last < 100) {
      e.preventDefault()
      el.value = burst.before
      queue.push({ data: burst.chars, scanId: window.lotlineUuid() })
      burst = null
      if (failures) showWaiting()
      pump()
    }
  }

  function insertAtCaret (el, text) {
    const s = el.selectionStart ?? el.value.length
    const end = el.selectionEnd ?? s
    el.value = el.value.slice(0, s) + text + el.value.slice(end)
    el.setSelectionRange(s + text.length, s + text.length)
  }

  // ---------- Sending: in order, one at a time, retried with the same scanId ----------
  // The server records a scanId once; a retry after a lost answer gets the first answer back.
  // A scan the server could not take (no answer at all, or a 5xx such as 503 "database cannot be
  // reached") stays first in the queue and is sent again, with the same scanId, until it is taken:
  // it is never dropped, and the screen says how many are waiting here. (A kiosk server that keeps
  // scans itself answers 202 "kept on this kiosk" instead: that scan is done here.)
  const queue = []
  let sending = false
  let failures = 0
  const waitBox = document.createElement('p')
  waitBox.id = 'scan-waiting'
  waitBox.className = 'notice error'
  waitBox.setAttribute('role', 'status')
  waitBox.hidden = true
  form.insertAdjacentElement('afterend', waitBox)
  function showWaiting (why) {
    const n = queue.length
    waitBox.hidden = n === 0
    waitBox.textContent = n === 0 ? '' : `${n} scan${n === 1 ? '' : 's'} waiting on this screen: not recorded yet, sending again…${why ? ` (${why})` : ''}`
  }
  function takeScan () {
    const data = input.value.replace(/[\r\n]+$/, '')
    input.value = ''
    if (!data.trim()) return
    queue.push({ data, scanId: window.lotlineUuid() })
    if (failures) showWaiting()
    pump()
  }
  async function pump () {
    if (sending || queue.length === 0) return
    sending = true
    const item = queue[0]
    let retry = false
    try {
      const headers = { 'content-type': 'application/x-www-form-urlencoded', 'HX-Request': 'true', 'x-kiosk-clock': String(Date.now()) }
      const token = window.lotlineCsrf()
      if (token) headers['x-csrf-token'] = token
      let res, text
      try {
        res = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(item).toString(), credentials: 'same-origin' })
        text = await res.text()
      } catch (err) {
        retry = true
        setConn(false, `Offline: ${queue.length} scan${queue.length === 1 ? '' : 's'} waiting`)
        showWaiting('the server does not answer')
        return
      }
      setConn(true)
      if (res.status >= 500) {
        retry = true
        // The server's own sentence for a database outage ends "Try again…": this screen does that itself.
        showWaiting(res.status === 503 ? 'the lot database cannot be reached' : plainText(text) || `server answered ${res.status}`)
        return
      }
      queue.shift()
      failures = 0
      showWaiting()
      if (window.htmx && text) await window.htmx.swap({ sourceElement: form, text, swap: 'none' })
    } finally {
      sending = false
      if (retry) {
        failures++
        setTimeout(pump, Math.min(5000, 1000 * 2 ** Math.min(failures - 1, 3)))
      } else pump()
    }
  }
  /** The words of an error fragment or JSON error (the server's own sentence), without its markup. */
  function plainText (markup) {
    try { const j = JSON.parse(markup); if (j && j.error && j.error.message) return String(j.error.message) } catch (e) {}
    const t = document.createElement('template')
    t.innerHTML = markup || ''
    return (t.content.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 200)
  }

  // ---------- This kiosk's clock ----------
  // The server stamps every event with its own time; it compares this kiosk's clock with it and
  // answers with the warning box (empty while the clocks agree), on load and every minute.
  const clockUrl = form.getAttribute('data-clock-url')
  async function checkClock () {
    try {
      const res = await fetch(clockUrl, { headers: { 'x-kiosk-clock': String(Date.now()) }, credentials: 'same-origin' })
      const box = document.getElementById('clock-warning')
      if (res.ok && box) box.outerHTML = await res.text()
    } catch (err) {}
  }
  if (clockUrl) { checkClock(); setInterval(checkClock, 60000) }

  // ---------- On-screen keypad ----------
  document.addEventListener('click', e => {
    const key = e.target.closest && e.target.closest('[data-key]')
    if (!key) return
    const box = key.closest('form')
    const field = box && (box.querySelector('input.num.active') || box.querySelector('input.num'))
    if (!field) return
    const k = key.getAttribute('data-key')
    let v = field.value
    if (k === 'back') v = v.slice(0, -1)
    else if (k === 'clear') v = ''
    else if (k === 'sign') v = v.startsWith('-') ? v.slice(1) : '-' + v
    else if (k === '.') { if (!v.includes('.')) v = (v || '0') + '.' }
    else if (v.replace(/[^0-9]/g, '').length < 9) v = v === '0' ? k : v + k
    field.value = v
    field.dispatchEvent(new Event('input', { bubbles: true }))
    markActive(field)
  })
  document.addEventListener('focusin', e => { if (e.target.matches && e.target.matches('input.num')) markActive(e.target) })
  function markActive (field) {
    const box = field.closest('form')
    if (box) box.querySelectorAll('input.num.active').forEach(f => f.classList.remove('active'))
    field.classList.add('active')
  }
  function settle () {
    document.querySelectorAll('form').forEach(f => {
      if (!f.querySelector('input.num.active')) { const first = f.querySelector('input.num'); if (first) first.classList.add('active') }
    })
    const a = document.activeElement
    if (!a || a === document.body || !a.isConnected) input.focus({ preventScroll: true })
  }

  // ---------- Beeps: high for good, low buzz for bad, two tones for a question ----------
  let audio = null
  const soundBtn = document.getElementById('sound')
  function ctx () {
    const AC = window.AudioContext || window.webkitAudioContext
    if (!AC) return null
    if (!audio) audio = new AC()
    if (audio.state === 'suspended') audio.resume().catch(() => {})
    return audio
  }
  function tone (ac, freq, at, dur, type, vol) {
    const o = ac.createOscillator(); const g = ac.createGain()
    o.type = type; o.frequency.value = freq
    g.gain.setValueAtTime(vol, ac.currentTime + at)
    g.gain.exponentialRampToValueAtTime(0.0001, ac.currentTime + at + dur)
    o.connect(g).connect(ac.destination)
    o.start(ac.currentTime + at); o.stop(ac.currentTime + at + dur + 0.02)
  }
  function beep (kind) {
    document.body.dataset.lastBeep = kind
    document.body.dataset.beeps = String(Number(document.body.dataset.beeps || 0) + 1)
    const ac = ctx()
    if (!ac) return
    if (kind === 'good') tone(ac, 1320, 0, 0.12, 'sine', 0.4)
    else if (kind === 'bad') { tone(ac, 120, 0, 0.35, 'square', 0.35); tone(ac, 95, 0.42, 0.45, 'square', 0.35) }
    else if (kind === 'ask') { tone(ac, 660, 0, 0.12, 'sine', 0.35); tone(ac, 990, 0.16, 0.14, 'sine', 0.35) }
    // Kept on this kiosk: not refused, not recorded yet; a falling pair, unlike the rising question.
    else if (kind === 'kept') { tone(ac, 990, 0, 0.12, 'sine', 0.35); tone(ac, 660, 0.16, 0.14, 'sine', 0.35) }
    showSoundButton()
  }
  // Browsers start audio only after a touch or key: until then a button says so.
  function showSoundButton () { if (soundBtn) soundBtn.hidden = !!audio && audio.state === 'running' }
  const unlock = () => { ctx(); setTimeout(showSoundButton, 50) }
  document.addEventListener('pointerdown', unlock, { passive: true })
  document.addEventListener('keydown', unlock, { passive: true })
  if (soundBtn) soundBtn.addEventListener('click', () => { unlock(); beep('good') })
  // Where the browser allows it (a kiosk started with --autoplay-policy=no-user-gesture-required), sound works at once.
  try { ctx() } catch (e) {}
  setTimeout(showSoundButton, 100)

  const seen = new Set()
  const signal = document.getElementById('signal')
  function checkSignal (initial) {
    const s = signal && signal.querySelector('[data-signal-id]')
    if (!s) return
    const id = s.getAttribute('data-signal-id')
    if (seen.has(id)) return
    seen.add(id)
    if (!initial) beep(s.getAttribute('data-beep'))
  }
  checkSignal(true)
  if (signal) new MutationObserver(() => checkSignal(false)).observe(signal, { childList: true, subtree: true })

  // ---------- Live connection (hx-sse) ----------
  const conn = document.getElementById('conn')
  function setConn (ok, text) {
    if (!conn) return
    conn.classList.toggle('ok', ok); conn.classList.toggle('bad', !ok); conn.classList.remove('warn')
    conn.textContent = ok ? 'Live' : (text || 'Reconnecting…')
  }
  document.addEventListener('htmx:sse:after:connection', () => setConn(true))
  document.addEventListener('htmx:sse:error', () => setConn(false))
  document.addEventListener('htmx:sse:close', () => setConn(false))
  document.addEventListener('htmx:after:swap', settle)
  document.addEventListener('htmx:finally:swap', settle)
  settle()
})()

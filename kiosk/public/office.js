// Supervisor pages: small helpers only; every page works without them.
'use strict'
;(function () {
  // CSV import: a chosen file is read into the text box, so the form posts plain text (no upload plugin).
  document.addEventListener('change', e => {
    const input = e.target
    if (!input.matches || !input.matches('input[type=file][data-into]')) return
    const box = document.getElementById(input.getAttribute('data-into'))
    const file = input.files && input.files[0]
    if (!box || !file) return
    file.text().then(text => { box.value = text })
  })

  document.addEventListener('click', e => {
    const t = e.target.closest && e.target.closest('[data-action]')
    if (!t) return
    const action = t.getAttribute('data-action')
    if (action === 'print') { e.preventDefault(); window.print() }
    if (action === 'expand' || action === 'collapse') {
      e.preventDefault()
      const root = document.getElementById(t.getAttribute('data-target'))
      if (root) root.querySelectorAll('details').forEach(d => { d.open = action === 'expand' })
    }
  })
})()

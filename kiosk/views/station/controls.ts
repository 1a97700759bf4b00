import { html, type Html } from '../html.ts'

/**
 * An on-screen number pad for gloved hands. It types into the form's active number field
 * (`input.num`, the first one until another is tapped); station.js does the typing.
 */
export function keypad ({ sign = false }: { sign?: boolean } = {}): Html {
  const key = (k: string, label = k, cls = '') => html`<button type="button" class="key${cls}" data-key="${k}" aria-label="${label}">${label === k ? k : label}</button>`
  return html`<div class="keypad" role="group" aria-label="Number keypad">
${key('7')}${key('8')}${key('9')}${key('back', '⌫', ' fn')}
${key('4')}${key('5')}${key('6')}${key('clear', 'C', ' fn')}
${key('1')}${key('2')}${key('3')}${sign ? key('sign', '±', ' fn') : html`<span class="key-gap"></span>`}
${key('0', '0', ' wide')}${key('.')}
</div>`
}

/** A number field the keypad types into. No OS keyboard pops up (inputmode=none); a real keyboard still works. */
export function numField (o: { name: string, label: string, value?: string | number | null, unit?: string, error?: string, id: string }): Html {
  return html`<div class="field num-field${o.error ? ' has-error' : ''}">
<label for="${o.id}">${o.label}</label>
<div class="num-row"><input id="${o.id}" class="num" name="${o.name}" value="${o.value ?? ''}" inputmode="none" autocomplete="off"${o.error ? html` aria-invalid="true"` : ''}>${o.unit ? html`<span class="unit">${o.unit}</span>` : ''}</div>
${o.error ? html`<p class="field-error" role="alert">${o.error}</p>` : ''}
</div>`
}

/** Big radio tiles instead of a select: a drop-down list is hard to hit in gloves. */
export function tiles (o: { name: string, legend: string, options: Array<{ value: string, label: string, sub?: string }>, checked?: string | null, error?: string, cls?: string }): Html {
  return html`<fieldset class="tiles${o.cls ? ` ${o.cls}` : ''}${o.error ? ' has-error' : ''}">
<legend>${o.legend}</legend>
<div class="tile-grid">
${o.options.map(opt => html`<label class="tile"><input type="radio" name="${o.name}" value="${opt.value}"${opt.value === o.checked ? html` checked` : ''}><span>${opt.label}${opt.sub ? html`<small>${opt.sub}</small>` : ''}</span></label>`)}
</div>
${o.options.length === 0 ? html`<p class="hint">None set up yet: ask a supervisor to add them under Master data.</p>` : ''}
${o.error ? html`<p class="field-error" role="alert">${o.error}</p>` : ''}
</fieldset>`
}

/** Confirm and cancel: the two biggest buttons on the screen. Cancel skips the browser's field checks. */
export function confirmCancel (confirm = 'Confirm', cancel = 'Cancel'): Html {
  return html`<div class="actions">
<button type="submit" class="btn good big" name="confirm" value="yes">✔ ${confirm}</button>
<button type="submit" class="btn plain big" name="confirm" value="no" formnovalidate>✖ ${cancel}</button>
</div>`
}

import { html, type Child, type Html } from './html.ts'

export interface Viewer { user: string, displayName: string, role: string | null }

export interface PageMeta {
  title: string
  /** The CSRF token a logged-in browser sends with every post (x-csrf-token, added by common.js). */
  csrf?: string | null
  viewer?: Viewer | null
  /** 'station': touchscreen page for gloved hands; 'office': supervisor pages on the LAN. */
  kind?: 'station' | 'office'
  /** The nav entry to mark as current. */
  section?: 'search' | 'recalls' | 'admin'
}

/**
 * The page around the fragments. No inline script or style: JS and CSS come from /public and
 * /vendor, so a strict CSP (script-src 'self'; style-src 'self') works. htmx's own indicator CSS
 * is switched off (it would be injected) and lives in kiosk.css instead.
 * Scripts are plain (not defer) at the end of the body: htmx must find the document still loading,
 * so it starts on DOMContentLoaded, after hx-sse has registered. With defer, htmx's start-up timer
 * can run before the extension has loaded, and the live stream never connects.
 */
export function layout (meta: PageMeta, body: Child): Html {
  const kind = meta.kind ?? 'office'
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="htmx-config" content="includeIndicatorCSS:false">
${meta.csrf ? html`<meta name="csrf-token" content="${meta.csrf}">` : ''}
<title>${meta.title} · Lotline</title>
<link rel="stylesheet" href="/public/kiosk.css">
</head>
<body class="${kind}">
${kind === 'office' ? officeNav(meta) : ''}
${body}
<script src="/vendor/htmx/htmx.min.js"></script>
${kind === 'station' ? html`<script src="/vendor/htmx/ext/hx-sse.min.js"></script>` : ''}
<script src="/public/common.js"></script>
<script src="/public/${kind === 'station' ? 'station' : 'office'}.js"></script>
</body>
</html>`
}

/** Links a role may follow (server/access.ts): master data is for supervisors (to read) and admins. */
function officeNav (meta: PageMeta): Html {
  const v = meta.viewer
  const cur = (s: PageMeta['section']) => meta.section === s ? html` aria-current="page"` : ''
  return html`<header class="top no-print">
<a class="brand" href="/">Lotline</a>
<nav>
<a href="/"${cur('search')}>Search</a>
<a href="/recalls"${cur('recalls')}>Mock recalls</a>
${!v || v.role === 'admin' || v.role === 'supervisor' ? html`<a href="/admin"${cur('admin')}>Master data</a>` : ''}
<a href="/stations">Stations</a>
</nav>
${v ? html`<form class="who" method="post" action="/logout">${meta.csrf ? html`<input type="hidden" name="_csrf" value="${meta.csrf}">` : ''}
<span>${v.displayName} (${v.role ?? 'guest'})</span> <button type="submit" class="link">Log out</button></form>` : ''}
</header>`
}

/** A full page, or only the fragment when htmx asks for a partial swap: one function for both. */
export function pageOrFragment (isHtmx: boolean, meta: PageMeta, fragment: Child): Html {
  return isHtmx ? html`${fragment}` : layout(meta, html`<main class="office-main">${fragment}</main>`)
}

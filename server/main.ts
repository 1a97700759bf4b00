import { openDb, type Db } from '../db/client.ts'
import { dbErrorDetail, isDbUnavailable } from '../db/errors.ts'
import { listLocations } from '../db/master.ts'
import { migrate } from '../db/migrate.ts'
import { createSequenceLedger } from '../db/sequences.ts'
import { buildApp } from './app.ts'
import { ledgerPath, spoolPath, type LoadedConfig } from './config.ts'
import { loadDemoPlant } from './demo-plant.ts'
import { createHardware, DEMO_STATIONS } from './hardware.ts'
import { createPrintQueue } from './print-queue.ts'
import { createLabelService } from './labels.ts'
import { runScanLoops } from './station.ts'
import { createAuth } from './domain/auth.ts'
import type { StationDef } from './domain/stations.ts'
import { readFileSync } from 'node:fs'
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

/** The only place real things are created: database, (later) serial ports and printers, listen(). */
export async function openStore (config: LoadedConfig['config']) {
  const url = config.db.url
  if (url.startsWith('file:') && url !== 'file::memory:') mkdirSync(dirname(resolve(url.slice(5).split('?')[0]!)), { recursive: true })
  const db = openDb({ url, authToken: config.db.authToken, timeoutMs: config.db.timeoutMs })
  try {
    await migrate(db)
  } catch (e) {
    db.close()
    if (!isDbUnavailable(e)) throw e
    throw new TypeError(`the database ${redact(url)} cannot be reached (${dbErrorDetail(e)}). Start it, or correct "db.url" (or LOTLINE_DB_URL); nothing was changed.`, { cause: e })
  }
  const ledger = createSequenceLedger(ledgerPath(config))
  return { db, ledger }
}

export async function startServer ({ config, source }: LoadedConfig) {
  const { db, ledger } = await openStore(config)
  const stations = config.stations.length > 0 ? config.stations : config.demo ? DEMO_STATIONS : []
  const hardware = createHardware(config, stations)
  const auth = createAuth({ db })
  const printerKinds = new Map([...hardware.printers].map(([code, p]) => [code, p.kind]))
  const labels = createLabelService({ db, plant: config.plant, media: hardware.media, printerKinds, publicUrl: config.server.publicUrl })
  const printQueue = createPrintQueue({ db, printers: hardware.printers, render: labels.render })
  printQueue.events.on('state', (state: { printer: string }) => hardware.events.emit('hardware', { station: state.printer, printer: state }))
  const printerStates = new Map<string, unknown>()
  printQueue.events.on('state', (state: { printer: string }) => printerStates.set(state.printer, state))
  const deps = {
    db, ledger, lotFormat: config.lotNumbers.format, timeZone: config.plant.timeZone,
    stations, printQueue, labels, companyPrefix: config.plant.gs1CompanyPrefix, plant: config.plant,
    requestLabel: labels.requester(printQueue),
    hardwareStatus: (code: string) => ({ ...hardware.status(code), printer: printerStates.get(code) ?? null }),
    hardwareEvents: hardware.events,
    auth, demo: config.demo, https: Boolean(config.server.https),
    spoolPath: spoolPath(config)
  }
  const app = await buildApp(deps, {
    ...(config.server.https ? { https: { cert: readFileSync(config.server.https.cert), key: readFileSync(config.server.https.key) } } : {}),
    logger: process.stdout.isTTY ? { level: 'info', transport: undefined } : { level: 'info' },
    trustProxy: false
  })
  app.log.info({ config: source ?? 'none (demo mode)', db: redact(config.db.url) }, 'configuration loaded')
  if (config.demo) {
    const loaded = await loadDemoPlant(deps)
    app.log.info(loaded ? `demo plant loaded: ${loaded.lots} lots, ${loaded.batches} batches, ${loaded.shipments} shipments` : 'demo mode: database already has data, demo plant not loaded')
  }
  const placement = await checkStationLocations(db, stations, source ?? 'the demo configuration')
  if (placement.refuse.length > 0) {
    await app.close()
    db.close()
    throw new TypeError(placement.refuse.join('\n'))
  }
  for (const w of placement.warn) app.log.warn(w)
  // No default credentials: a fresh install prints a one-time link to create the first admin;
  // the demo plant makes demo users instead, shown as such on the login page.
  if (config.demo && await auth.countUsers() === 0) await createDemoUsers(auth)
  const setup = await auth.setupToken()
  const stop = new AbortController()
  await printQueue.start()
  void runScanLoops(app.scanSpool!, hardware.scanners, app.log, stop.signal)
  void app.scanSpool!.drain()
  const close = async () => { stop.abort(); await printQueue.stop(); await app.close(); db.close() }
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => { void close().then(() => process.exit(0)) })
  const address = await app.listen({ host: config.server.host, port: config.server.port })
  const example = await db.client.execute("SELECT code FROM lots WHERE origin = 'produced' ORDER BY id LIMIT 1")
  const shown = address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost')
  console.log(`\nLotline is running at ${shown}  (API docs: ${shown}/docs)${example.rows[0] ? `\nTry a trace: ${shown}/api/v1/trace/${String(example.rows[0].code)}` : ''}`)
  if (config.demo) console.log('Demo users: demo-admin / demo-admin-password, demo-supervisor / demo-supervisor-pw; kiosk operator PIN 1234')
  for (const w of placement.warn) console.log(w)
  if (setup) console.log(`No users yet. Create the first admin (this link works once): ${shown}/setup?token=${setup}`)
  console.log('')
  return app
}

/**
 * Each station's location must be in the database, and a production station's must be a line:
 * otherwise its first receipt, batch or shipment is refused on the floor. When the database has
 * locations, a station at a missing one is a mistake in the configuration and the server does not
 * start (`refuse`). A database with no locations yet is a plant being set up, on this server's
 * own admin page: the server starts and says which locations to add (`warn`).
 */
export async function checkStationLocations (db: Db, stations: StationDef[], source: string): Promise<{ refuse: string[], warn: string[] }> {
  const locations = await listLocations(db.client)
  const byCode = new Map(locations.map(l => [l.code, l]))
  const codes = (kind?: string) => locations.filter(l => !kind || l.kind === kind).map(l => l.code).join(', ') || 'none'
  const refuse: string[] = []
  const warn: string[] = []
  for (const s of stations) {
    const loc = byCode.get(s.location)
    const kind = s.kind === 'production' ? 'line' : 'dock'
    const add = `on the admin page (Admin → Locations, /admin/locations) or with POST /api/v1/locations {"code":"${s.location}","kind":"${kind}","name":"…"}`
    if (!loc && locations.length === 0) {
      warn.push(`Station ${s.code} is at location "${s.location}", which is not in the database yet: add it ${add} before scanning there.`)
    } else if (!loc) {
      refuse.push(`Station ${s.code} is at location "${s.location}", which is not in the database (locations: ${codes()}). ` +
        `Correct "location" of station ${s.code} in ${source}, or add location ${s.location} ${add} from a server on this database without this station.`)
    } else if (s.kind === 'production' && loc.kind !== 'line') {
      refuse.push(`Station ${s.code} is a production station, but its location ${loc.code} is a ${loc.kind}, not a line: its batches would be refused. ` +
        `Set "location" of station ${s.code} in ${source} to a line (lines: ${codes('line')}).`)
    }
  }
  return { refuse, warn }
}

/** Never print a token in a URL. */
const redact = (url: string) => url.replace(/(authToken=)[^&]+/, '$1***')

/** Demo accounts, marked as demo: never created outside the demo plant. */
async function createDemoUsers (auth: ReturnType<typeof createAuth>) {
  await auth.createUser({ username: 'demo-admin', displayName: 'Demo admin', role: 'admin', password: 'demo-admin-password', demo: true })
  await auth.createUser({ username: 'demo-supervisor', displayName: 'Demo supervisor', role: 'supervisor', password: 'demo-supervisor-pw', demo: true })
  await auth.createUser({ username: 'demo-operator', displayName: 'Demo operator', role: 'operator', pin: '1234', badge: 'DEMO-BADGE-1', demo: true })
}

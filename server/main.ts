import { openDb } from '../db/client.ts'
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
import { readFileSync } from 'node:fs'
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

/** The only place real things are created: database, (later) serial ports and printers, listen(). */
export async function openStore (config: LoadedConfig['config']) {
  const url = config.db.url
  if (url.startsWith('file:') && url !== 'file::memory:') mkdirSync(dirname(resolve(url.slice(5).split('?')[0]!)), { recursive: true })
  const db = openDb({ url, authToken: config.db.authToken, timeoutMs: config.db.timeoutMs })
  await migrate(db)
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
  if (setup) console.log(`No users yet. Create the first admin (this link works once): ${shown}/setup?token=${setup}`)
  console.log('')
  return app
}

/** Never print a token in a URL. */
const redact = (url: string) => url.replace(/(authToken=)[^&]+/, '$1***')

/** Demo accounts, marked as demo: never created outside the demo plant. */
async function createDemoUsers (auth: ReturnType<typeof createAuth>) {
  await auth.createUser({ username: 'demo-admin', displayName: 'Demo admin', role: 'admin', password: 'demo-admin-password', demo: true })
  await auth.createUser({ username: 'demo-supervisor', displayName: 'Demo supervisor', role: 'supervisor', password: 'demo-supervisor-pw', demo: true })
  await auth.createUser({ username: 'demo-operator', displayName: 'Demo operator', role: 'operator', pin: '1234', badge: 'DEMO-BADGE-1', demo: true })
}

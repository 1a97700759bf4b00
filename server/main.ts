import { openDb } from '../db/client.ts'
import { migrate } from '../db/migrate.ts'
import { createSequenceLedger } from '../db/sequences.ts'
import { buildApp } from './app.ts'
import { ledgerPath, type LoadedConfig } from './config.ts'
import { loadDemoPlant } from './demo-plant.ts'
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
  const deps = { db, ledger, lotFormat: config.lotNumbers.format, timeZone: config.plant.timeZone }
  const app = await buildApp(deps, {
    logger: process.stdout.isTTY ? { level: 'info', transport: undefined } : { level: 'info' },
    trustProxy: false
  })
  app.log.info({ config: source ?? 'none (demo mode)', db: redact(config.db.url) }, 'configuration loaded')
  if (config.demo) {
    const loaded = await loadDemoPlant(deps)
    app.log.info(loaded ? `demo plant loaded: ${loaded.lots} lots, ${loaded.batches} batches, ${loaded.shipments} shipments` : 'demo mode: database already has data, demo plant not loaded')
  }
  const close = async () => { await app.close(); db.close() }
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => { void close().then(() => process.exit(0)) })
  const address = await app.listen({ host: config.server.host, port: config.server.port })
  const example = await db.client.execute("SELECT code FROM lots WHERE origin = 'produced' ORDER BY id LIMIT 1")
  const shown = address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost')
  console.log(`\nLotline is running at ${shown}  (API docs: ${shown}/docs)${example.rows[0] ? `\nTry a trace: ${shown}/api/v1/trace/${String(example.rows[0].code)}` : ''}\n`)
  return app
}

/** Never print a token in a URL. */
const redact = (url: string) => url.replace(/(authToken=)[^&]+/, '$1***')

import { existsSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { ledgerPath, loadConfig } from './config.ts'
import { openStore, startServer } from './main.ts'
import { loadDemoPlant } from './demo-plant.ts'
import { createLineage, type TraceDirection } from './domain/lineage.ts'
import { formatTrace } from './trace-text.ts'
import { createAuth, type Role } from './domain/auth.ts'
import { exportEntry, recordAudit } from './domain/audit.ts'
import { DomainError } from './domain/errors.ts'
import { createExports } from './domain/exports/index.ts'
import { parseExportRequest, runExport } from './domain/exports/command.ts'
import { openDb } from '../db/client.ts'
import { BackupError, backupDatabase, databaseFile, restoreDatabase } from './backup.ts'
import { formatVerifyReport, verifyDatabase } from './verify.ts'

const HELP = `lotline: lot tracking for food plants

Usage:
  lotline serve                 start the kiosk server (demo mode when there is no lotline.config.json)
  lotline migrate               create or upgrade the database
  lotline demo                  load the demo plant into an empty database
  lotline trace <lot> [--direction backward|forward|both] [--json]
  lotline token create --role <operator|supervisor|admin|integration> --name <name>
                                prints a new API token on its last line (shown once)
  lotline verify [<file>] [--json]
                                checks the hash chains and the file's integrity; exit 1 on any problem
  lotline backup <file> [--force]
                                a consistent copy while the server runs
  lotline restore <backup> [--without-ledger]
                                replaces the database (server stopped); keeps the sequence ledger
  lotline export fda|epcis|csv --lot <lot> [--direction backward|forward|both] [--out FILE]
  lotline export fda|epcis --from YYYY-MM-DD --to YYYY-MM-DD [--out FILE]
  lotline export kdes --shipment <id> [--out FILE]
                                FDA spreadsheet (xlsx), EPCIS 2.0 (jsonld), trace CSV or a shipment's
                                KDE packet (csv): writes the file, prints its path and what is in it

Configuration: lotline.config.json in this folder, or the file named by LOTLINE_CONFIG.
Environment: PORT, HOST, LOTLINE_DB_URL (default file:data/lotline.db), LOTLINE_DB_AUTH_TOKEN.`

export async function main (argv = process.argv.slice(2)): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      lot: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, shipment: { type: 'string' }, out: { type: 'string', short: 'o' },
      direction: { type: 'string', short: 'd', default: 'both' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' },
      role: { type: 'string' }, name: { type: 'string' }, force: { type: 'boolean', default: false }, 'without-ledger': { type: 'boolean', default: false }
    }
  })
  const [command, ...rest] = positionals
  if (values.help || !command) { console.log(HELP); return command ? 0 : 1 }
  const loaded = loadConfig()
  switch (command) {
    case 'serve':
      await startServer(loaded)
      return -1 // keep running
    case 'migrate': {
      const { db } = await openStore(loaded.config)
      console.log(`database ${loaded.config.db.url} is up to date`)
      db.close()
      return 0
    }
    case 'demo': {
      const { db, ledger } = await openStore(loaded.config)
      const result = await loadDemoPlant({ db, ledger, lotFormat: loaded.config.lotNumbers.format, timeZone: loaded.config.plant.timeZone })
      console.log(result ? `demo plant loaded: ${result.products} products, ${result.lots} lots, ${result.batches} batches, ${result.shipments} shipments. Try: lotline trace ${result.exampleLot}` : 'the database already has products: demo plant not loaded')
      db.close()
      return 0
    }
    case 'trace': {
      const code = rest[0]
      if (!code) { console.error('lotline trace: give a lot number, e.g. lotline trace 26329-L1-0001'); return 2 }
      const direction = values.direction as TraceDirection
      if (!['backward', 'forward', 'both'].includes(direction)) { console.error('--direction must be backward, forward or both'); return 2 }
      const { db } = await openStore(loaded.config)
      const trace = await createLineage({ db }).trace(code, direction)
      db.close()
      if (!trace) { console.error(`Lot ${code} not found`); return 1 }
      console.log(values.json ? JSON.stringify(trace, null, 2) : formatTrace(trace))
      return 0
    }
    case 'token': {
      const roles = ['operator', 'supervisor', 'admin', 'integration']
      if (rest[0] !== 'create' || !values.role || !roles.includes(values.role) || !values.name) {
        console.error(`Usage: lotline token create --role <${roles.join('|')}> --name <name>`)
        return 2
      }
      const { db } = await openStore(loaded.config)
      const token = await createAuth({ db }).createToken({ role: values.role as Role, name: values.name, createdBy: `cli:${process.env.USER ?? 'unknown'}` })
      db.close()
      console.log(`Token for ${values.name} (${values.role}). Send it as "Authorization: Bearer <token>". It is shown only now:`)
      console.log(token)
      return 0
    }
    case 'verify': {
      const url = rest[0] ? `file:${resolve(rest[0])}` : loaded.config.db.url
      if (url.startsWith('file:') && !existsSync(databaseFile(url))) { console.error(`No database at ${databaseFile(url)}`); return 2 }
      const db = openDb({ url, authToken: loaded.config.db.authToken })
      const report = await verifyDatabase(db.client).finally(() => db.close())
      console.log(values.json ? JSON.stringify(report, null, 2) : formatVerifyReport(url, report))
      return report.ok ? 0 : 1
    }
    case 'backup':
    case 'restore': {
      if (!rest[0]) { console.error(`Usage: lotline ${command} <file>`); return 2 }
      const user = `cli:${process.env.USER ?? 'unknown'}`
      try {
        if (command === 'backup') {
          const b = await backupDatabase(loaded.config.db.url, rest[0], { force: values.force, user })
          console.log(`Backup written to ${b.file}: ${(b.bytes / 1e6).toFixed(1)} MB, ${b.events} events${b.lastEvent ? ` (last: event ${b.lastEvent.id}, hash ${b.lastEvent.hash.slice(0, 16)}…)` : ''}.`)
          console.log(`Integrity check of the copy: ${b.integrity.join('; ')}`)
          return b.integrity.join() === 'ok' ? 0 : 1
        }
        const r = await restoreDatabase(loaded.config.db.url, rest[0], { ledgerPath: ledgerPath(loaded.config), withoutLedger: values['without-ledger'], user })
        console.log(`Restored ${databaseFile(loaded.config.db.url)} from ${resolve(rest[0])}.${r.keptAs ? ` The replaced database is kept as ${r.keptAs}.` : ''}`)
        console.log(`Sequence ledger kept; ${r.raisedScopes} sequences raised to its high-water marks, so no lot number or SSCC is issued twice.`)
        return 0
      } catch (e) {
        if (e instanceof BackupError) { console.error(e.message); return 1 }
        throw e
      }
    }
    case 'export': {
      const request = parseExportRequest(rest[0], values)
      if (typeof request === 'string') { console.error(request); return 2 }
      const { db } = await openStore(loaded.config)
      const { plant } = loaded.config
      try {
        const file = await runExport(createExports({ db, plant, timeZone: plant.timeZone, companyPrefix: plant.gs1CompanyPrefix }), request)
        const path = resolve(values.out ?? file.filename)
        // Audited before the file exists: an export nobody can account for is never written.
        const what = 'scope' in request ? { kind: request.kind, ...request.scope } : request
        const entry = exportEntry(what, file)
        await db.write(tx => recordAudit(tx, { ...entry, user: `cli:${process.env.USER ?? 'unknown'}`, details: { ...entry.details as object, out: path } }))
        writeFileSync(path, file.body)
        console.log(path)
        console.log(file.summary)
        return 0
      } catch (e) {
        if (!(e instanceof DomainError)) throw e
        console.error(e.message)
        return e.code === 'NOT_FOUND' ? 1 : 2
      } finally {
        db.close()
      }
    }
    default:
      console.error(`Unknown command "${command}".\n\n${HELP}`)
      return 2
  }
}

main().then(code => { if (code >= 0) process.exitCode = code }, (e: unknown) => {
  console.error(e instanceof TypeError ? `Configuration error: ${e.message}` : e)
  process.exitCode = 1
})

import { parseArgs } from 'node:util'
import { loadConfig } from './config.ts'
import { openStore, startServer } from './main.ts'
import { loadDemoPlant } from './demo-plant.ts'
import { createLineage, type TraceDirection } from './domain/lineage.ts'
import { formatTrace } from './trace-text.ts'
import { createAuth, type Role } from './domain/auth.ts'

const HELP = `lotline: lot tracking for food plants

Usage:
  lotline serve                 start the kiosk server (demo mode when there is no lotline.config.json)
  lotline migrate               create or upgrade the database
  lotline demo                  load the demo plant into an empty database
  lotline trace <lot> [--direction backward|forward|both] [--json]
  lotline token create --role <operator|supervisor|admin|integration> --name <name>
                                prints a new API token on its last line (shown once)

Configuration: lotline.config.json in this folder, or the file named by LOTLINE_CONFIG.
Environment: PORT, HOST, LOTLINE_DB_URL (default file:data/lotline.db), LOTLINE_DB_AUTH_TOKEN.`

export async function main (argv = process.argv.slice(2)): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      direction: { type: 'string', short: 'd', default: 'both' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' },
      role: { type: 'string' }, name: { type: 'string' }
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
    default:
      console.error(`Unknown command "${command}".\n\n${HELP}`)
      return 2
  }
}

main().then(code => { if (code >= 0) process.exitCode = code }, (e: unknown) => {
  console.error(e instanceof TypeError ? `Configuration error: ${e.message}` : e)
  process.exitCode = 1
})

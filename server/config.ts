import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import { checkLotFormat, DEFAULT_LOT_FORMAT } from './domain/lot-number.ts'

const Address = {
  phone: Type.Optional(Type.String()),
  address: Type.Optional(Type.String()),
  city: Type.Optional(Type.String()),
  state: Type.Optional(Type.String()),
  zip: Type.Optional(Type.String()),
  country: Type.Optional(Type.String({ minLength: 2, maxLength: 2, description: 'ISO 3166 alpha-2' }))
}

const ScannerSchema = Type.Object({
  path: Type.String({ minLength: 1, description: 'Prefer /dev/serial/by-id/... so a replugged scanner keeps its name' }),
  baudRate: Type.Integer({ minimum: 1200, maximum: 921600, default: 9600 }),
  terminator: Type.Union([Type.Literal('CR'), Type.Literal('LF'), Type.Literal('CRLF')], { default: 'CR' })
}, { additionalProperties: false })

const PrinterSchema = Type.Object({
  type: Type.Union([Type.Literal('zpl'), Type.Literal('escpos'), Type.Literal('file')]),
  host: Type.Optional(Type.String()),
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  device: Type.Optional(Type.String()),
  dir: Type.Optional(Type.String()),
  labelSize: Type.Optional(Type.String({ description: '4x6in, 4x2in or 100x150mm' })),
  dpi: Type.Optional(Type.Union([Type.Literal(203), Type.Literal(300)]))
}, { additionalProperties: false })

export const StationSchema = Type.Object({
  code: Type.String({ pattern: '^[A-Za-z0-9]{1,6}$', description: '1-6 letters or digits; goes into lot numbers' }),
  kind: Type.Union([Type.Literal('receiving'), Type.Literal('production'), Type.Literal('shipping')]),
  location: Type.String({ minLength: 1, description: 'code of the dock or line this station stands at' }),
  scanner: Type.Optional(ScannerSchema),
  printer: Type.Optional(PrinterSchema)
}, { additionalProperties: false })

export const ConfigSchema = Type.Object({
  plant: Type.Object({
    name: Type.String({ minLength: 1 }),
    gln: Type.Optional(Type.String({ pattern: '^\\d{13}$' })),
    gs1CompanyPrefix: Type.Optional(Type.String({ pattern: '^\\d{6,12}$' })),
    timeZone: Type.Optional(Type.String({ description: 'IANA name, e.g. America/Chicago; default: this machine' })),
    ...Address
  }, { additionalProperties: false }),
  server: Type.Object({
    host: Type.String({ default: '0.0.0.0' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
    publicUrl: Type.Optional(Type.String({ description: 'how phones and labels reach this server, e.g. http://lotline.plant.lan:3000' })),
    https: Type.Optional(Type.Object({
      cert: Type.String({ minLength: 1, description: 'PEM file of the plant\'s own certificate' }),
      key: Type.String({ minLength: 1, description: 'PEM file of its private key' })
    }, { additionalProperties: false }))
  }, { additionalProperties: false, default: {} }),
  db: Type.Object({
    url: Type.String({ minLength: 1, default: 'file:data/lotline.db' }),
    authToken: Type.Optional(Type.String()),
    timeoutMs: Type.Integer({ minimum: 100, default: 5000 }),
    sequenceLedger: Type.Optional(Type.String({ description: 'file of the highest lot numbers handed out; default beside the database file' }))
  }, { additionalProperties: false, default: {} }),
  lotNumbers: Type.Object({
    format: Type.String({ default: DEFAULT_LOT_FORMAT })
  }, { additionalProperties: false, default: {} }),
  stations: Type.Array(StationSchema, { default: [] }),
  demo: Type.Boolean({ default: false, description: 'simulated scanners and printers; demo plant loaded into an empty database' })
}, { additionalProperties: false })

export type Config = Static<typeof ConfigSchema>

export interface LoadedConfig { config: Config, source: string | null }

/** The configuration used when there is no file: a demo plant with simulated hardware. */
const DEMO_DEFAULTS = {
  plant: { name: 'Demo Bakery (sample data)', gs1CompanyPrefix: '0614141', address: '100 Oven Street', city: 'Springfield', state: 'IL', zip: '62701', country: 'US', phone: '+1 217 555 0100' },
  demo: true
}

/**
 * Reads `lotline.config.json` (or the file in LOTLINE_CONFIG), fills defaults, applies the
 * environment (PORT, HOST, LOTLINE_DB_URL, LOTLINE_DB_AUTH_TOKEN) and validates. Throws TypeError
 * naming the bad field: `lotline.config.json: /server/port must be <= 65535`.
 */
export function loadConfig (env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): LoadedConfig {
  const path = env.LOTLINE_CONFIG ? resolve(cwd, env.LOTLINE_CONFIG) : resolve(cwd, 'lotline.config.json')
  let raw: unknown = DEMO_DEFAULTS
  let source: string | null = null
  if (existsSync(path)) {
    source = path
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'))
    } catch (e) {
      throw new TypeError(`${path}: not valid JSON (${(e as Error).message})`)
    }
  } else if (env.LOTLINE_CONFIG) {
    throw new TypeError(`LOTLINE_CONFIG points to ${path}, which does not exist`)
  }
  return { config: parseConfig(raw, source ?? 'built-in demo configuration', env), source }
}

export function parseConfig (raw: unknown, source: string, env: NodeJS.ProcessEnv = {}): Config {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new TypeError(`${source}: must be a JSON object`)
  const value = Value.Default(ConfigSchema, structuredClone(raw)) as Record<string, any>
  value.server ??= {}; value.db ??= {}
  if (env.PORT !== undefined) value.server.port = Number(env.PORT)
  if (env.HOST) value.server.host = env.HOST
  if (env.LOTLINE_DB_URL) value.db.url = env.LOTLINE_DB_URL
  if (env.LOTLINE_DB_AUTH_TOKEN) value.db.authToken = env.LOTLINE_DB_AUTH_TOKEN
  const errors = [...Value.Errors(ConfigSchema, value)].filter(e => e.keyword !== 'boolean')
  if (errors.length > 0) {
    const list = errors.map(e => {
      const extra = e.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperties: string[] }).additionalProperties.join(', ')})` : ''
      return `${e.instancePath || '/'} ${e.message}${extra}`
    })
    throw new TypeError(`${source}: ${list.join('; ')}`)
  }
  const config = value as Config
  try {
    checkLotFormat(config.lotNumbers.format)
  } catch (e) {
    throw new TypeError(`${source}: ${(e as Error).message}`)
  }
  const codes = new Set<string>()
  for (const [i, s] of config.stations.entries()) {
    if (codes.has(s.code.toUpperCase())) throw new TypeError(`${source}: /stations/${i}/code "${s.code}" is used by two stations`)
    codes.add(s.code.toUpperCase())
  }
  return config
}

/** Where the sequence ledger lives: beside an embedded database, else under data/. */
export function ledgerPath (config: Config, cwd = process.cwd()): string | null {
  if (config.db.sequenceLedger) return resolve(cwd, config.db.sequenceLedger)
  const url = config.db.url
  if (url === ':memory:' || url === 'file::memory:') return null
  if (url.startsWith('file:')) return resolve(cwd, url.slice('file:'.length).split('?')[0] + '.sequences.json')
  return resolve(cwd, 'data/lotline-sequences.json')
}

/** Where scans wait while the database cannot be written: on this kiosk's own disk. */
export function spoolPath (config: Config, cwd = process.cwd()): string {
  const url = config.db.url
  if (url.startsWith('file:') && url !== 'file::memory:') return resolve(cwd, url.slice('file:'.length).split('?')[0] + '.scan-spool.jsonl')
  return resolve(cwd, 'data/scan-spool.jsonl')
}

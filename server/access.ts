import type { Role } from './domain/auth.ts'

/**
 * Who may do what, as data: the first rule whose method and route pattern match decides. Route
 * patterns are Fastify's (`/api/v1/lots/:code`). Anything no rule names is for supervisors and
 * admins only: a new route is closed until someone opens it here.
 */
export type Access = 'public' | readonly Role[]

const ALL: readonly Role[] = ['operator', 'supervisor', 'admin', 'integration']
const STAFF: readonly Role[] = ['supervisor', 'admin']
const FLOOR: readonly Role[] = ['operator', 'supervisor', 'admin']

export const POLICY: ReadonlyArray<readonly [method: string, route: RegExp, access: Access]> = [
  ['*', /^\/(login|logout|setup)$/, 'public'],
  ['*', /^\/kiosk\/(login|register)$/, 'public'],
  ['GET', /^\/(public|vendor)\//, 'public'],
  ['GET', /^\/favicon\.ico$/, 'public'],
  ['GET', /^\/health$/, ALL],
  ['GET', /^\/docs/, [...STAFF, 'integration']],
  ['POST', /^\/api\/v1\/(products|partners|locations)$/, ['admin', 'integration']],
  ['POST', /^\/api\/v1\/products\/:code\/gtins$/, ['admin', 'supervisor', 'integration']],
  ['POST', /^\/api\/v1\/events\/:id\/void$/, [...STAFF, 'integration']],
  ['POST', /^\/api\/v1\/lots\/:code\/adjustments$/, [...STAFF, 'integration']],
  ['POST', /^\/api\/v1\/(receipts|batches|shipments|pallets)/, ALL],
  ['*', /^\/api\/v1\/stations\/:code/, FLOOR],
  ['GET', /^\/api\/v1\/stations$/, FLOOR],
  ['POST', /^\/api\/v1\/(print-jobs\/:id\/reprint|lots\/:code\/labels)$/, FLOOR],
  ['POST', /^\/api\/v1\/gs1\/parse$/, ALL],
  ['POST', /^\/api\/v1\/(users|tokens|kiosks)$/, ['admin']],
  ['GET', /^\/api\/v1\/(users|audit)/, ['admin']],
  ['GET', /^\/api\/v1\/(trace|exports)\//, [...STAFF, 'integration']],
  ['GET', /^\/api\/v1\/shipments\/:id\/kdes/, [...STAFF, 'integration']],
  ['GET', /^\/api\/v1\//, ALL],
  // Supervisors read master data (which product, supplier or dock a lot names); only admins change it.
  ['GET', /^\/admin/, STAFF],
  ['*', /^\/admin/, ['admin']],
  ['*', /^\/stations\//, FLOOR],
  ['GET', /^\/01\//, FLOOR],
  ['GET', /^\/(lots\/|search|$)/, FLOOR],
  ['*', /^\/recalls/, STAFF]
]

export function accessFor (method: string, route: string): Access {
  for (const [m, re, access] of POLICY) {
    if ((m === '*' || m === method) && re.test(route)) return access
  }
  return STAFF
}

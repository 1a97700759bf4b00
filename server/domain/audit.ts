import type { Db } from '../../db/client.ts'
import { auditActor, listAudit, type ListAuditArgs } from '../../db/audit.ts'

export { recordAudit, type AuditEntry, type AuditRow } from '../../db/audit.ts'

/**
 * Runs `fn` as `actor`: audit entries written inside it without a user of their own (master data,
 * logins, exports, settings) name this user and station. The server sets it per request from the
 * authenticated principal; the CLI per command.
 */
export const withActor = <T>(actor: { user: string, station?: string | null }, fn: () => T): T => auditActor.run(actor, fn)

/** The audit trail as supervisors and auditors read it: oldest first, a page at a time. */
export function createAuditTrail ({ db }: { db: Db }) {
  return {
    list: (filter: ListAuditArgs = {}) => listAudit(db.client, { ...filter, limit: Math.min(Math.max(filter.limit ?? 100, 1), 1000) })
  }
}

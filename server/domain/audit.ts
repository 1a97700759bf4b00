import type { Db } from '../../db/client.ts'
import { auditActor, listAudit, recordAudit, type AuditEntry, type ListAuditArgs } from '../../db/audit.ts'

export { recordAudit, type AuditEntry, type AuditRow } from '../../db/audit.ts'

/**
 * Runs `fn` as `actor`: audit entries written inside it without a user of their own (master data,
 * logins, exports, settings) name this user and station. The server sets it per request from the
 * authenticated principal; the CLI per command.
 */
export const withActor = <T>(actor: { user: string, station?: string | null }, fn: () => T): T => auditActor.run(actor, fn)

/** What an export holds: its kind, and the lot (with direction), the date range or the shipment. */
export interface ExportWhat { kind: string, lot?: string, direction?: string, from?: string, to?: string, shipment?: number }

/**
 * The audit entry of an export, downloaded or written by the CLI: who and which station come
 * from the actor (request or command), the time is the server's, what is said here. A lot's
 * exports are filed under `lot:<code>`, so the lot's history shows who took its records out.
 */
export function exportEntry (what: ExportWhat, file: { filename: string, summary?: string }): AuditEntry {
  const subject = what.lot ? `lot:${what.lot}` : what.shipment ? `shipment:${what.shipment}` : `range:${what.from}..${what.to}`
  return { action: `export.${what.kind}`, subject, details: { ...what, file: file.filename, ...(file.summary ? { summary: file.summary } : {}) } }
}

/** The audit trail as supervisors and auditors read it: oldest first, a page at a time. */
export function createAuditTrail ({ db }: { db: Db }) {
  return {
    list: (filter: ListAuditArgs = {}) => listAudit(db.client, { ...filter, limit: Math.min(Math.max(filter.limit ?? 100, 1), 1000) })
  }
}

/** How far a kiosk's clock may be from the server's before the kiosk is flagged, ms. */
export const CLOCK_SKEW_LIMIT_MS = 2 * 60_000

export interface KioskClock {
  kiosk: string
  station: string | null
  /** Kiosk clock minus server clock, ms: negative when the kiosk is behind. */
  offsetMs: number
  flagged: boolean
  /** Server time of the reading. */
  seenAt: string
  user: string
}

/**
 * Kiosk clocks as their pages report them. Event times never come from a kiosk (the server stamps
 * every event), but a kiosk whose clock is far off shows wrong times to its operator and in
 * anything it stores locally, so it is flagged on its page and in the audit trail: once when it is
 * first seen off, again when its offset moves by a minute or more or another operator logs in on
 * it, and once when it is back in step. Readings are kept per server process, the entries for good.
 */
export function createKioskClocks ({ db, clock = () => new Date(), limitMs = CLOCK_SKEW_LIMIT_MS }: { db: Db, clock?: () => Date, limitMs?: number }) {
  const latest = new Map<number, KioskClock>()
  const recorded = new Map<number, { offsetMs: number, flagged: boolean, user: string }>()

  return {
    limitMs,
    /** Takes a kiosk's reading (its Date.now() when it sent the request); returns the kiosk's state. */
    async report (kiosk: { id: number, name: string }, who: { user: string, station: string | null }, kioskMs: number): Promise<KioskClock> {
      const now = clock()
      const offsetMs = kioskMs - now.getTime()
      const state: KioskClock = { kiosk: kiosk.name, station: who.station, offsetMs, flagged: Math.abs(offsetMs) > limitMs, seenAt: now.toISOString(), user: who.user }
      latest.set(kiosk.id, state)
      const last = recorded.get(kiosk.id)
      const worth = last
        ? last.flagged !== state.flagged || (state.flagged && (Math.abs(last.offsetMs - offsetMs) >= 60_000 || last.user !== who.user))
        : state.flagged
      if (worth) {
        // Marked before the write, so two requests arriving together record it once.
        recorded.set(kiosk.id, { offsetMs, flagged: state.flagged, user: who.user })
        await db.write(tx => recordAudit(tx, {
          action: 'kiosk.clock', subject: `kiosk:${kiosk.name}`, user: who.user, station: who.station, at: state.seenAt,
          details: { flagged: state.flagged, offsetSeconds: Math.round(offsetMs / 1000), kioskClock: new Date(kioskMs).toISOString(), serverClock: state.seenAt }
        })).catch((e: unknown) => {
          // Not written (database away): the next reading tries again.
          if (last) recorded.set(kiosk.id, last)
          else recorded.delete(kiosk.id)
          throw e
        })
      }
      return state
    },
    get: (kioskId: number): KioskClock | null => latest.get(kioskId) ?? null,
    list: (): KioskClock[] => [...latest.values()].sort((a, b) => a.kiosk.localeCompare(b.kiosk))
  }
}

export type KioskClocks = ReturnType<typeof createKioskClocks>

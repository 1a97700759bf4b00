import type { Db } from '../../db/client.ts'
import * as r from '../../db/records.ts'
import { recordAudit } from '../../db/audit.ts'
import { nextSequence, type SequenceLedger, createSequenceLedger } from '../../db/sequences.ts'
import { DomainError } from './errors.ts'
import { gs1CheckDigit } from './gs1.ts'
import { formatQuantity } from './units.ts'

export interface Pallet { sscc: string, lot: string, count: number, unit: string, user: string, station: string | null, createdAt: string }

/**
 * SSCC = extension digit + the plant's GS1 company prefix + serial reference + check digit (18
 * digits). The serial comes from the same never-going-back sequences as lot numbers, guarded by
 * the ledger against restored backups, so an SSCC is never issued twice.
 */
export function formatSscc (companyPrefix: string, serial: number, extension = 0): string {
  const room = 16 - companyPrefix.length
  if (serial >= 10 ** room) throw new DomainError('CONFLICT', `All ${10 ** room} SSCC serial numbers of company prefix ${companyPrefix} are used: get a new prefix or extension digit`)
  const body = `${extension}${companyPrefix}${String(serial).padStart(room, '0')}`
  return body + gs1CheckDigit(body)
}

export function createPallets ({ db, companyPrefix, ledger = createSequenceLedger(null), clock = () => new Date() }: { db: Db, companyPrefix?: string, ledger?: SequenceLedger, clock?: () => Date }) {
  return {
    /** Builds a pallet of `count` cases of a lot and gives it a new SSCC. */
    async build (input: { lot: string, count: number, user?: string, station?: string }): Promise<Pallet> {
      if (!companyPrefix) throw new DomainError('INVALID', 'Pallet labels need the plant\'s GS1 company prefix: set "plant.gs1CompanyPrefix" in lotline.config.json')
      if (!Number.isInteger(input.count) || input.count <= 0) throw new DomainError('INVALID', 'count must be a whole number of cases greater than zero')
      return db.write(async tx => {
        const lot = await r.getLotByCode(tx, input.lot)
        if (!lot) throw new DomainError('NOT_FOUND', `Lot ${input.lot} not found`)
        if (lot.origin !== 'produced' || !lot.product.gtin) throw new DomainError('INVALID', `Lot ${lot.code} is not a finished product with a GTIN: a GS1 pallet label needs one`)
        // Cases already on pallets that have not shipped are spoken for.
        const held = await tx.execute({
          sql: `SELECT COALESCE(SUM(p.count), 0) AS n FROM pallets p WHERE p.lot_id = ? AND NOT EXISTS (
              SELECT 1 FROM shipment_pallets sp JOIN shipments s ON s.id = sp.shipment_id
              WHERE sp.sscc = p.sscc AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.event_id = s.event_id))`,
          args: [lot.id]
        })
        const left = await r.getOnHand(tx, lot.id) - Number(held.rows[0]!.n)
        if (input.count > left + 1e-6) {
          throw new DomainError('INSUFFICIENT_QUANTITY', `Lot ${lot.code} has ${formatQuantity(Math.max(left, 0), lot.unit)} left that is not already on a pallet; a pallet of ${input.count} was asked for`)
        }
        const scope = `sscc:${companyPrefix}`
        const serial = await nextSequence(tx, scope, ledger.floor(scope))
        ledger.record(scope, serial)
        const sscc = formatSscc(companyPrefix, serial)
        const at = clock().toISOString()
        await tx.execute({ sql: 'INSERT INTO pallets (sscc, lot_id, count, user_name, station, created_at) VALUES (?, ?, ?, ?, ?, ?)', args: [sscc, lot.id, input.count, input.user ?? 'api', input.station ?? null, at] })
        await recordAudit(tx, { action: 'pallet.build', subject: `sscc:${sscc}`, user: input.user ?? 'api', station: input.station ?? null, at, details: { lot: lot.code, count: input.count } })
        return { sscc, lot: lot.code, count: input.count, unit: lot.unit, user: input.user ?? 'api', station: input.station ?? null, createdAt: at }
      })
    },

    async get (sscc: string): Promise<Pallet | null> {
      const rs = await db.client.execute({ sql: 'SELECT p.sscc, l.code, p.count, l.unit, p.user_name, p.station, p.created_at FROM pallets p JOIN lots l ON l.id = p.lot_id WHERE p.sscc = ?', args: [sscc] })
      const row = rs.rows[0]
      return row ? { sscc: String(row.sscc), lot: String(row.code), count: Number(row.count), unit: String(row.unit), user: String(row.user_name), station: row.station === null ? null : String(row.station), createdAt: String(row.created_at) } : null
    }
  }
}

export type Pallets = ReturnType<typeof createPallets>

import { DomainError } from './errors.ts'
import { parseGs1, type Gs1Scan } from './gs1.ts'
import { CSET82, MAX_LOT_LENGTH } from './lot-number.ts'

/** What a scan identifies: GS1 data, or one of our own lot numbers printed as a plain barcode. */
export type ScanInput = { kind: 'gs1', gs1: Gs1Scan } | { kind: 'lot', code: string }

const PLAIN_AIM = /^\](C0|d1|Q1|E0|A0)/   // plain Code 128 / DataMatrix / QR / EAN / Code 39

/**
 * Reads a raw scan. GS1 data (any form parseGs1 reads) comes back parsed; a plain barcode or a
 * typed text that looks like one of our lot numbers comes back as a lot code; anything else is
 * refused with the GS1 module's reason. `requisites: false` because a pallet's content barcode
 * and its SSCC barcode are scanned one at a time (the station pairs them).
 */
export function readScan (raw: string): ScanInput {
  const text = raw.replace(/[\r\n]+$/, '')
  if (text.trim() === '') throw new DomainError('BAD_SCAN', 'Empty scan')
  const plain = PLAIN_AIM.exec(text)
  const body = plain ? text.slice(3) : text.trim()
  const looksLikeLot = body.length <= MAX_LOT_LENGTH && CSET82.test(body) && /[A-Za-z-]/.test(body) && !body.startsWith('(') && !/^https?:/i.test(body)
  try {
    return { kind: 'gs1', gs1: parseGs1(text, { requisites: false }) }
  } catch (e) {
    if (e instanceof DomainError && looksLikeLot) return { kind: 'lot', code: body }
    throw e
  }
}

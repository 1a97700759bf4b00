/**
 * Identifiers for EPCIS 2.0 documents. GS1 keys become EPC URNs when the company prefix length is
 * known (the plant's own prefix: `urn:epc:class:lgtin:0614141.100004.LOT`), else GS1 Digital Link
 * URIs (`https://id.gs1.org/01/{gtin}/10/{lot}`), which EPCIS 2.0 accepts wherever an EPC URI goes.
 * What has no GS1 key gets a private URN under the plant, stable across exports:
 * `urn:lotline:{plant GLN or name}:{kind}:{id}`.
 */
import { charsetProblem, isValidGs1Key } from '../gs1-checks.ts'
import { toDigitalLink } from '../gs1-digital-link.ts'
import type { Partner } from '../types.ts'
import type { ExportLot, PlantInfo, PlantPlace } from './types.ts'

/** UN/CEFACT Recommendation 20 codes for our units. A count unit without one is sent without uom: EPCIS then counts trade items. */
const UOM: Record<string, string> = { kg: 'KGM', g: 'GRM', lb: 'LBR', oz: 'ONZ', l: 'LTR', ml: 'MLT', ea: 'H87', case: 'CS', bag: 'BG', box: 'BX', pallet: 'PF' }
export const uomOf = (unit: string): string | undefined => UOM[unit.toLowerCase()]

/** CBV 2.0 business transaction types for the document types people type in. */
const BTT: Array<[RegExp, string]> = [
  [/^(po|purchase ?order)$/i, 'po'], [/^(bol|b\/l|bill of lading)$/i, 'bol'], [/^(asn|desadv|despatch advice|dispatch advice|advance ship(ping)? notice)$/i, 'desadv'],
  [/^(inv|invoice)$/i, 'inv'], [/^(work ?order|production ?order|prodorder|batch ?(log|record))$/i, 'prodorder'], [/^(recadv|receiving advice)$/i, 'recadv'],
  [/^(rma|return authori[sz]ation)$/i, 'rma'], [/^(cert|certificate)$/i, 'cert']
]
export const bizTransactionType = (docType: string): string | undefined => BTT.find(([re]) => re.test(docType.trim()))?.[1]

// EPC Tag Data Standard: these characters are %-escaped in the serial/lot part of an EPC URI.
const epcEscape = (v: string) => v.replace(/["%&/<>?]/g, c => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'))
const slug = (v: string) => v.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'plant'
/** A lot value that fits GS1 (10): 1-20 characters of the 82-character set. */
const fitsAi10 = (lot: string | null): lot is string => lot !== null && lot.length >= 1 && lot.length <= 20 && charsetProblem('X', lot) === undefined

export function createIdentifiers ({ plant, companyPrefix }: { plant: PlantInfo | null, companyPrefix?: string }) {
  const prefix = companyPrefix ?? plant?.gs1CompanyPrefix
  const base = `urn:lotline:${plant?.gln ?? slug(plant?.name ?? 'plant')}`
  const priv = (kind: string, ...ids: Array<string | number>) => [base, kind, ...ids.map(id => encodeURIComponent(String(id)))].join(':')
  const ownKey = (digits: string, from: number) => prefix !== undefined && digits.startsWith(prefix, from)

  /** A GLN as a location: SGLN URN under our prefix, else Digital Link (414). */
  const glnLocation = (gln: string) => ownKey(gln, 0) ? `urn:epc:id:sgln:${prefix}.${gln.slice(prefix!.length, 12)}.0` : `https://id.gs1.org/414/${gln}`
  /** A GLN as a party: PGLN URN under our prefix, else Digital Link (417). */
  const glnParty = (gln: string) => ownKey(gln, 0) ? `urn:epc:id:pgln:${prefix}.${gln.slice(prefix!.length, 12)}` : `https://id.gs1.org/417/${gln}`
  const gln = (v: string | null | undefined): string | null => v && /^\d{13}$/.test(v) && isValidGs1Key(v) ? v : null

  return {
    /**
     * The class of a lot: GTIN + lot (LGTIN), the lot being the supplier's TLC for a lot we received
     * (what is printed on its cases) and our lot number for one we made. Without a GTIN, or with a
     * lot value GS1 (10) cannot carry, a private URN for our lot.
     */
    lotClass (lot: ExportLot): string {
      const gtin = lot.product.gtin
      const value = lot.tlc
      if (!gtin || !/^\d{14}$/.test(gtin) || !fitsAi10(value)) return priv('lot', lot.code)
      if (ownKey(gtin, 1)) return `urn:epc:class:lgtin:${prefix}.${gtin[0]}${gtin.slice(1 + prefix!.length, 13)}.${epcEscape(value)}`
      return toDigitalLink([{ ai: '01', value: gtin }, { ai: '10', value }])
    },
    sscc (sscc: string): string {
      return ownKey(sscc, 1) ? `urn:epc:id:sscc:${prefix}.${sscc[0]}${sscc.slice(1 + prefix!.length, 17)}` : `https://id.gs1.org/00/${sscc}`
    },
    plantLocation: (): string => gln(plant?.gln) ? glnLocation(plant!.gln!) : priv('location', 'plant'),
    plantParty: (): string => gln(plant?.gln) ? glnParty(plant!.gln!) : priv('party', 'plant'),
    place: (p: PlantPlace): string => gln(p.gln) ? glnLocation(p.gln!) : priv('location', p.code),
    party: (p: Partner): string => gln(p.gln) ? glnParty(p.gln!) : priv('party', p.code),
    partnerLocation: (p: Partner): string => gln(p.gln) ? glnLocation(p.gln!) : priv('partner-location', p.code),
    event: (id: number): string => priv('event', id),
    palletEvent: (id: number): string => priv('pallet', id),
    batch: (code: string): string => priv('batch', code),
    document: (type: string, number: string): string => priv('document', type, number)
  }
}

export type Identifiers = ReturnType<typeof createIdentifiers>

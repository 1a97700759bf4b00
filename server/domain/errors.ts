/**
 * A broken business rule. `code` is stable and is what callers branch on; `message` is written
 * for the person at the kiosk or the integrator reading the API response.
 */
export type DomainErrorCode =
  | 'NOT_FOUND'          // a product, partner, location, lot, batch or event that does not exist
  | 'INVALID'            // input that can never be right (bad GTIN check digit, unknown unit...)
  | 'BAD_SCAN'           // a scan that is not valid GS1 data
  | 'CONFLICT'           // valid input that clashes with what is recorded (duplicate GTIN, closed batch...)
  | 'INSUFFICIENT_QUANTITY' // taking more from a lot than it has left
  | 'UNIT_MISMATCH'      // a quantity whose unit cannot be converted to the lot's unit

export class DomainError extends Error {
  constructor (readonly code: DomainErrorCode, message: string, readonly details?: Record<string, unknown>, options?: ErrorOptions) {
    super(message, options)
    this.name = 'DomainError'
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError

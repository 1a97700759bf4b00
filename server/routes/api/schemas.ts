import { Type } from 'typebox'

/** Schemas shared by several API route files. The rest stay in their route file. */

export const ErrorSchema = Type.Object({
  error: Type.Object({
    code: Type.String({ description: 'stable: NOT_FOUND, INVALID, BAD_SCAN, CONFLICT, INSUFFICIENT_QUANTITY, UNIT_MISMATCH, BAD_REQUEST…' }),
    message: Type.String({ description: 'plain words for the person who sent the request' }),
    details: Type.Optional(Type.Object({}, { additionalProperties: true }))
  })
}, { $id: 'Error' })

export const errors = {
  400: Type.Ref('Error'), 404: Type.Ref('Error'), 409: Type.Ref('Error'), 422: Type.Ref('Error')
}

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()])
const NStr = () => Nullable(Type.String())

export const RefDocSchema = Type.Object({
  type: Type.String({ minLength: 1, maxLength: 40, description: 'PO, BOL, ASN, invoice, batch log, work order…' }),
  number: Type.String({ minLength: 1, maxLength: 80 })
})

export const UserFields = {
  user: Type.Optional(Type.String({ maxLength: 80, description: 'who did it (default "api")' })),
  station: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{1,6}$', description: 'station code; goes into the lot number' })),
  requestId: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'idempotency key: a replay records nothing twice (or send Idempotency-Key)' }))
}

export const QuantityFields = {
  quantity: Type.Number({ exclusiveMinimum: 0 }),
  unit: Type.Optional(Type.String({ maxLength: 12, description: 'default: the lot\'s or product\'s unit; g/kg/lb/oz and ml/l convert' }))
}

export const DateString = (description: string) => Type.String({ maxLength: 40, description: `${description}: YYYY-MM-DD or ISO date-time` })

export const BalanceSchema = Type.Object({
  unit: Type.String(),
  received: Type.Number(),
  produced: Type.Number(),
  consumed: Type.Number(),
  shipped: Type.Number(),
  adjusted: Type.Number(),
  onHand: Type.Number()
})

export const LotSchema = Type.Object({
  code: Type.String({ description: 'our lot number, GS1 (10)' }),
  product: Type.Object({ code: Type.String(), name: Type.String(), gtin: NStr() }),
  unit: Type.String(),
  origin: Type.Union([Type.Literal('received'), Type.Literal('produced')]),
  supplier: Type.Union([Type.Object({ code: Type.String(), name: Type.String() }), Type.Null()]),
  supplierLotCode: NStr(),
  tlcSource: NStr(),
  batch: NStr(),
  productionDate: NStr(),
  bestBefore: NStr(),
  expiryDate: NStr(),
  qc: Type.Union([Type.Object({ status: Type.String(), temperatureC: Type.Union([Type.Number(), Type.Null()]), note: NStr() }), Type.Null()]),
  date: Type.String({ description: 'date received or completed' }),
  location: NStr(),
  referenceDocument: Type.Union([RefDocSchema, Type.Null()]),
  createdAt: Type.String(),
  voided: Type.Boolean()
}, { $id: 'Lot' })

export const CodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 40 }) })

/** The idempotency key from the body, else from the Idempotency-Key header. */
export function requestIdOf (body: { requestId?: string }, headers: Record<string, unknown>): string | undefined {
  const h = headers['idempotency-key']
  return body.requestId ?? (typeof h === 'string' && h.length > 0 ? h.slice(0, 100) : undefined)
}

export const EventSchema = Type.Object({
  id: Type.Integer(), kind: Type.String(), occurredAt: Type.String(), recordedAt: Type.String(), user: Type.String(),
  station: Type.Union([Type.String(), Type.Null()]), location: Type.Union([Type.String(), Type.Null()]), partner: Type.Union([Type.String(), Type.Null()]),
  referenceDocument: Type.Union([Type.Object({ type: Type.String(), number: Type.String() }), Type.Null()]),
  batch: Type.Union([Type.String(), Type.Null()]), shipmentId: Type.Union([Type.Integer(), Type.Null()]),
  correctsEventId: Type.Union([Type.Integer(), Type.Null()]), reason: Type.Union([Type.String(), Type.Null()]), note: Type.Union([Type.String(), Type.Null()]),
  voidedBy: Type.Union([Type.Integer(), Type.Null()]),
  quantity: Type.Optional(Type.Union([Type.Number(), Type.Null()]))
}, { $id: 'Event' })

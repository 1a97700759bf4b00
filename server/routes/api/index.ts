import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import masterData from './master-data.ts'
import receipts from './receipts.ts'
import batches from './batches.ts'
import shipments from './shipments.ts'
import lots from './lots.ts'
import trace from './trace.ts'
import events from './events.ts'
import stations from './stations.ts'
import gs1 from './gs1.ts'
import labels from './labels.ts'
import audit from './audit.ts'
import exportRoutes from './exports.ts'

const api: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(masterData)
  await app.register(receipts)
  await app.register(batches)
  await app.register(shipments)
  await app.register(lots)
  await app.register(trace)
  await app.register(events)
  await app.register(stations)
  await app.register(gs1)
  await app.register(labels)
  await app.register(audit)
  await app.register(exportRoutes)
}

export default api


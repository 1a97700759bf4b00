import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, onTestFinished, test } from 'vitest'
import { startServerProcess, authFetch } from '../helpers/server-process.ts'

test('npm start on a new machine (no config file) serves the demo plant from an embedded database', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lotline-demo-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  const server = await startServerProcess({}, dir)
  const products = await (await authFetch(`${server.url}/api/v1/products`)).json() as { products: unknown[] }
  expect(products.products.length).toBe(10)
  // The hint is printed just after listen(), so it may trail the first answered request.
  for (let i = 0; i < 50 && !server.output().includes('Try a trace'); i++) await new Promise(resolve => setTimeout(resolve, 100))
  const link = /Try a trace: (\S+)/.exec(server.output())?.[1]
  expect(link, server.output()).toBeDefined()
  const trace = await (await authFetch(link!.replace('localhost', '127.0.0.1'))).json() as { customers: unknown[], suppliers: unknown[] }
  expect(trace.customers.length).toBeGreaterThan(0)
  expect(trace.suppliers.length).toBeGreaterThan(0)
  const docs = await authFetch(`${server.url}/docs/json`)
  expect(docs.status).toBe(200)
  expect(Object.keys((await docs.json() as { paths: object }).paths)).toContain('/api/v1/trace/{code}')
}, 90_000)

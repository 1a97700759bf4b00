// The fakes are products: tests and the demo mode both use them.
// Each lives in its own file; this module gathers them.
export { createFakeScanner, type FakeScanner } from './fake-scanner.ts'
export * from './fake-printer.ts'

import { Worker } from 'node:worker_threads'

/**
 * Runs the module at `moduleUrl` in a worker thread with `data` as its workerData and resolves
 * with the first message it posts. A worker does not inherit tsx's loader, so it registers it
 * first. The bench runs its HTTP clients in one, off the server's thread.
 */
export function runWorker<T> (moduleUrl: string, data: unknown): Promise<T> {
  // Resolved here, not in the worker: an eval'd worker resolves bare names from the current directory.
  const tsx = import.meta.resolve('tsx/esm/api')
  const boot = `import(${JSON.stringify(tsx)}).then(m => { m.register(); return import(${JSON.stringify(moduleUrl)}) })`
  return new Promise((resolve, reject) => {
    const worker = new Worker(boot, { eval: true, workerData: data })
    worker.once('message', (m: T) => { resolve(m); void worker.terminate() })
    worker.once('error', reject)
    worker.once('exit', code => reject(new Error(`worker ${moduleUrl} exited (${code}) without an answer`)))
  })
}

import { EventEmitter } from 'node:events'
import type { Db } from '../db/client.ts'
import * as q from '../db/print-jobs.ts'
import { recordAudit } from '../db/audit.ts'
import { HardwareError } from '../hardware/ports.ts'
import type { Printer } from '../hardware/printer.ts'
import { DomainError } from './domain/errors.ts'

/** Turns a template's data into printer bytes. `reprint` puts "REPRINT n" on the label. */
export type RenderLabel = (template: string, data: unknown, options: { printer: string, reprint?: number }) => Uint8Array | string | Promise<Uint8Array | string>

export interface PrintQueueDeps {
  db: Db
  printers: Map<string, Printer>
  render: RenderLabel
  clock?: () => Date                    // injected for testability
  /** Wait before retry n (1-based), ms. Default 0.5 s doubling to 30 s. */
  backoffMs?: (attempt: number) => number
}

export interface PrinterState {
  printer: string
  state: 'ready' | 'printing' | 'offline' | 'paper out' | 'head open' | 'paused' | 'fault'
  waiting: number
  lastError: string | null
  lastSentAt: string | null
}

const defaultBackoff = (n: number) => Math.min(30_000, 500 * 2 ** Math.max(0, n - 1))

/**
 * Record first, print second: every label is a job in libSQL before a byte is sent. One worker
 * per printer sends the oldest waiting job; an unreachable printer is retried with backoff and
 * holds the labels behind it, so they come out in order, each once. A job whose send may have
 * reached the printer (a timeout mid-write, a crash) becomes "uncertain" and is never resent by
 * itself: a person checks and reprints.
 */
export function createPrintQueue ({ db, printers, render, clock = () => new Date(), backoffMs = defaultBackoff }: PrintQueueDeps) {
  const events = new EventEmitter()
  const states = new Map<string, PrinterState>()
  const wakers = new Map<string, () => void>()
  let running = false
  const loops: Promise<void>[] = []

  const stateOf = (printer: string): PrinterState => {
    let s = states.get(printer)
    if (!s) { s = { printer, state: 'ready', waiting: 0, lastError: null, lastSentAt: null }; states.set(printer, s) }
    return s
  }
  const publish = async (printer: string, patch: Partial<PrinterState>) => {
    const s = Object.assign(stateOf(printer), patch, { waiting: await q.countQueuedJobs(db.client, printer) })
    events.emit('state', { ...s })
  }
  const wake = (printer: string) => wakers.get(printer)?.()
  const sleep = (printer: string, ms: number) => new Promise<void>(resolve => {
    const t = setTimeout(done, ms)
    function done () { clearTimeout(t); wakers.delete(printer); resolve() }
    wakers.set(printer, done)
  })

  async function sendNext (name: string, printer: Printer): Promise<number | null> {
    const job = await q.getNextQueuedJob(db.client, name)
    if (!job) return null
    const due = job.nextAttemptAt ? Date.parse(job.nextAttemptAt) - clock().getTime() : 0
    if (due > 0) return due
    if (!await db.write(tx => q.markSending(tx, job.id))) return 0
    // A retry keeps showing the fault the operator must fix, not a hopeful "printing".
    if (stateOf(name).state === 'ready') await publish(name, { state: 'printing' })
    const payload = (await q.getPrintPayload(db.client, job.id))!
    try {
      await printer.print(payload, { checkStatus: true })
      await db.write(tx => q.markSent(tx, job.id, clock().toISOString()))
      await publish(name, { state: 'ready', lastError: null, lastSentAt: clock().toISOString() })
      events.emit('job', { id: job.id, printer: name, status: 'sent' })
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e)
      const code = e instanceof HardwareError ? e.code : 'UNKNOWN'
      // These are refused before any label byte leaves (connect failed, or the status check said no).
      if (code === 'OFFLINE' || code === 'PAPER_OUT' || code === 'HEAD_OPEN' || code === 'PAUSED' || code === 'FAULT') {
        const next = new Date(clock().getTime() + backoffMs(job.attempts + 1)).toISOString()
        await db.write(tx => q.markRetry(tx, job.id, message, next))
        await publish(name, { state: code === 'OFFLINE' ? 'offline' : code === 'PAPER_OUT' ? 'paper out' : code === 'HEAD_OPEN' ? 'head open' : code === 'PAUSED' ? 'paused' : 'fault', lastError: message })
        events.emit('job', { id: job.id, printer: name, status: 'queued', error: message })
      } else {
        await db.write(tx => q.markUncertain(tx, job.id, message))
        await publish(name, { state: 'fault', lastError: message })
        events.emit('job', { id: job.id, printer: name, status: 'uncertain', error: message })
      }
    }
    return 0
  }

  async function loop (name: string, printer: Printer) {
    while (running) {
      let wait: number | null
      try {
        wait = await sendNext(name, printer)
      } catch (e) {
        // The database itself failed: keep the loop alive and try again shortly.
        stateOf(name).lastError = (e as Error).message
        wait = 1000
      }
      if (!running) break
      if (wait === null) await sleep(name, 60_000)
      else if (wait > 0) await sleep(name, wait)
    }
  }

  return {
    events,

    /** Marks jobs interrupted by a crash as uncertain, then starts one worker per printer. */
    async start () {
      if (running) return
      const names = [...printers.keys()]
      await db.write(tx => q.markInterruptedUncertain(tx, names))
      running = true
      for (const [name, printer] of printers) {
        await publish(name, {})
        loops.push(loop(name, printer))
      }
    },
    async stop () {
      running = false
      for (const name of printers.keys()) wake(name)
      await Promise.all(loops.splice(0))
    },

    /** Stores the label (rendered now, so the preview is exactly what prints) and wakes its printer. */
    async enqueue (job: { printer: string, station?: string | null, lotCode?: string | null, template: string, data: unknown, user: string }): Promise<number> {
      if (!printers.has(job.printer)) throw new DomainError('INVALID', `No printer "${job.printer}" is configured on this server`)
      const payload = await render(job.template, job.data, { printer: job.printer })
      const id = await db.write(async tx => {
        const id = await q.insertPrintJob(tx, {
          printer: job.printer, station: job.station ?? null, lotCode: job.lotCode ?? null, template: job.template,
          data: JSON.stringify(job.data), payload: toBytes(payload), user: job.user, createdAt: clock().toISOString()
        })
        await recordAudit(tx, { action: 'label.print', subject: job.lotCode ? `lot:${job.lotCode}` : `print-job:${id}`, user: job.user, station: job.station ?? null, at: clock().toISOString(), details: { job: id, printer: job.printer, template: job.template } })
        return id
      })
      await publish(job.printer, {})
      wake(job.printer)
      return id
    },

    /** A reprint is a new job, by a user with a reason, whose label says REPRINT n. */
    async reprint (jobId: number, { user, reason }: { user: string, reason: string }): Promise<number> {
      if ((reason ?? '').trim().length < 3) throw new DomainError('INVALID', 'A reprint needs a reason (at least 3 characters)')
      if (!(user ?? '').trim()) throw new DomainError('INVALID', 'A reprint needs the name of who asks for it')
      const original = await q.getPrintJob(db.client, jobId)
      if (!original) throw new DomainError('NOT_FOUND', `Print job ${jobId} not found`)
      const root = original.reprintOf ?? original.id
      const id = await db.write(async tx => {
        const n = (await q.countReprints(tx, root)) + 1
        const payload = await render(original.template, JSON.parse(original.data), { printer: original.printer, reprint: n })
        const id = await q.insertPrintJob(tx, {
          printer: original.printer, station: original.station, lotCode: original.lotCode, template: original.template, data: original.data,
          payload: toBytes(payload), user: user.trim(), createdAt: clock().toISOString(), reprintOf: root, reprintNumber: n, reason: reason.trim()
        })
        await recordAudit(tx, { action: 'label.reprint', subject: original.lotCode ? `lot:${original.lotCode}` : `print-job:${root}`, user: user.trim(), station: original.station, at: clock().toISOString(), details: { job: id, reprintOf: root, reprint: n, reason: reason.trim(), printer: original.printer } })
        return id
      })
      await publish(original.printer, {})
      wake(original.printer)
      return id
    },

    getJob: (id: number) => q.getPrintJob(db.client, id),
    getPayload: (id: number) => q.getPrintPayload(db.client, id),
    listJobs: (filter: Parameters<typeof q.listPrintJobs>[1], limit?: number) => q.listPrintJobs(db.client, filter, limit),
    async state (printer: string): Promise<PrinterState> {
      return { ...stateOf(printer), waiting: await q.countQueuedJobs(db.client, printer) }
    },
    printerNames: () => [...printers.keys()]
  }
}

export type PrintQueue = ReturnType<typeof createPrintQueue>

const toBytes = (p: Uint8Array | string): Uint8Array => typeof p === 'string' ? new TextEncoder().encode(p) : p

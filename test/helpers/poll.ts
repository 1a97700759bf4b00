/**
 * Calls `fn` until `ok` accepts what it returns, every `everyMs`, for at most `ms`: waiting on a
 * real process (a server, a printer, a drain) without fixed sleeps. The last value is in the error.
 */
export async function poll<T> (fn: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000, everyMs = 50): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (ok(v)) return v
    if (Date.now() > end) throw new Error(`timed out; last value: ${JSON.stringify(v).slice(0, 800)}`)
    await new Promise(resolve => setTimeout(resolve, everyMs))
  }
}

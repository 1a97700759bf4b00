import { createHash, createHmac, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'
import type { Db } from '../../db/client.ts'
import { constraintOf } from '../../db/client.ts'
import { isDbUnavailable } from '../../db/errors.ts'
import * as q from '../../db/auth.ts'
import { recordAudit } from '../../db/audit.ts'
import { withActor } from './audit.ts'
import { DomainError } from './errors.ts'

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>
/** scrypt cost: about 50-100 ms on a small kiosk PC, so guessing offline is slow. */
const N = 2 ** 15; const R = 8; const P = 1
export const MIN_PASSWORD = 12
const LOCK_AFTER = 5
const LOCK_MINUTES = 15
/** Wrong badges or PINs that name nobody, per kiosk device: free tries before short locks, and how fast they are forgotten. */
const KIOSK_FREE = 5
const KIOSK_FIRST_LOCK_MS = 30_000
const KIOSK_LEAK_MS = 10 * 60_000

/**
 * How failures on one key slow and then lock further tries. `lockFor(n)` is how long the n-th
 * failure in a row locks the key (from `lockAfter` on). A leaky key forgets one failure per
 * `leakMs`, so occasional typos at a busy kiosk never add up to a lock; a key without a leak is
 * cleared only by a success.
 */
interface Throttle { key: string, lockAfter: number, lockFor: (n: number) => number, leakMs?: number, lockMessage: string, lockedMessage: (until: string) => string }

/** A supervisor's or operator's account, or one client address for password logins: 5 failures lock it for 15 minutes. */
const accountThrottle = (key: string): Throttle => ({
  key, lockAfter: LOCK_AFTER, lockFor: () => LOCK_MINUTES * 60_000, lockMessage: `Wrong again: locked for ${LOCK_MINUTES} minutes`,
  lockedMessage: until => `Too many failed attempts: locked until ${until}. Ask a supervisor.`
})

/**
 * A kiosk device, for badges and PINs that match nobody. A PIN is short, so guessing must stay
 * slow: after 5 free tries each further one locks this kiosk, 30 s doubling up to 15 minutes,
 * and a miss is forgotten only after 10 minutes, so guessing runs at 6 tries an hour at most in the
 * long run, each one audited. One operator's typos do not lock their colleagues out: the first
 * lock is 30 s, and only after 5 misses in a short time.
 */
const kioskThrottle = (kioskId: number): Throttle => ({
  key: `kiosk:${kioskId}`, lockAfter: KIOSK_FREE + 1, leakMs: KIOSK_LEAK_MS,
  lockFor: n => Math.min(LOCK_MINUTES * 60_000, KIOSK_FIRST_LOCK_MS * 2 ** (n - KIOSK_FREE - 1)),
  lockMessage: 'Too many wrong PINs or badges at this kiosk: wait a moment before the next try',
  lockedMessage: until => `Too many wrong PINs or badges at this kiosk: next try at ${until}. Ask a supervisor if you are locked out.`
})

/**
 * How long a session or token this process has checked against the database may still be honoured
 * from memory while the database cannot be reached: at most until the session's own expiry, and at
 * most this long after it was last checked (an operator's whole shift).
 */
const OFFLINE_GRACE_MS = 12 * 3600_000
/** Principals remembered at most (the oldest checked is forgotten first). */
const OFFLINE_MAX = 5000

/** Whom a login attempt is about, for the audit trail: an account, or a kiosk when the badge or PIN matched nobody. */
interface Who { subject: string, user: string, station?: string | null }

export type Role = q.Role
export interface Principal {
  kind: 'session' | 'token'
  role: Role
  user: string              // recorded as "who" on every event
  displayName: string
  station: string | null    // an operator's kiosk station
  /** The registered kiosk an operator's session lives on. */
  kiosk?: { id: number, name: string } | null
  demo: boolean
  csrfSecret?: string
}

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')
const newSecret = (prefix: string) => `${prefix}_${randomBytes(24).toString('base64url')}`

export async function hashPassword (password: string): Promise<string> {
  const salt = randomBytes(16)
  const hash = await scrypt(password, salt, 32, { N, r: R, p: P, maxmem: 64 * 1024 * 1024 })
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${hash.toString('base64')}`
}

export async function verifyPassword (password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$')
  if (alg !== 'scrypt' || !salt || !hash) return false
  const want = Buffer.from(hash, 'base64')
  const got = await scrypt(password, Buffer.from(salt, 'base64'), want.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024 })
  return timingSafeEqual(want, got)
}

/** Accounts, kiosks, tokens, sessions and lockout. Every failure is slowed, counted and then locked. */
export function createAuth ({ db, clock = () => new Date() }: { db: Db, clock?: () => Date }) {
  /** Logins, failures and lockouts go into the audit trail, each in its own transaction. */
  const onEvent = (e: Who & { action: string, ok: boolean, detail?: string }) =>
    db.write(tx => recordAudit(tx, { action: e.action, subject: e.subject, user: e.user || 'unknown', station: e.station ?? null, at: clock().toISOString(), details: { ok: e.ok, ...(e.detail ? { detail: e.detail } : {}) } }))
  const account = (name: string, station: string | null = null): Who => ({ subject: `user:${name}`, user: name, station })
  let pepper: string | null = null
  async function keyed (value: string): Promise<string> {
    if (!pepper) {
      pepper = await db.write(async tx => {
        const existing = await q.getSetting(tx, 'pepper')
        if (existing) return existing
        const fresh = randomBytes(32).toString('hex')
        await q.putSetting(tx, 'pepper', fresh)
        return fresh
      })
    }
    return createHmac('sha256', pepper).update(value).digest('hex')
  }

  /** Refuses while any key is locked, with the lock's own message; the refusal is audited, not counted. */
  async function refuseIfLocked (throttles: Throttle[], who: Who): Promise<void> {
    const now = clock()
    for (const t of throttles) {
      const f = await q.getFailures(db.client, t.key)
      if (f?.lockedUntil && Date.parse(f.lockedUntil) > now.getTime()) {
        await onEvent({ action: 'login.locked', ...who, ok: false, detail: t.key })
        throw new DomainError('CONFLICT', t.lockedMessage(new Date(f.lockedUntil).toLocaleTimeString('en-GB')))
      }
    }
  }

  /** A failure: counted on each key (locking those past their free tries), audited, then answered slowly. */
  async function charge (throttles: Throttle[], who: Who, message: string): Promise<never> {
    const now = clock().getTime()
    let worst = 0
    let locked: Throttle | null = null
    await db.write(async tx => {
      for (const t of throttles) {
        const f = await q.getFailures(tx, t.key)
        // A leaky key forgets one failure per leakMs, counted from the end of its last lock, or from its
        // last failure: a leaky key always stores one of the two in locked_until (a past time locks nothing).
        const leaked = f && t.leakMs && f.lockedUntil ? Math.max(0, Math.floor((now - Date.parse(f.lockedUntil)) / t.leakMs)) : 0
        const n = Math.max(0, (f?.failures ?? 0) - leaked) + 1
        worst = Math.max(worst, n)
        const lockMs = n >= t.lockAfter ? t.lockFor(n) : 0
        if (lockMs > 0) locked = t
        const until = lockMs > 0 || t.leakMs ? new Date(now + lockMs).toISOString() : null
        await q.putFailures(tx, t.key, n, until, new Date(now).toISOString())
      }
    })
    await onEvent({ action: 'login.failed', ...who, ok: false, detail: `${worst} failed in a row` })
    await new Promise(resolve => setTimeout(resolve, Math.min(2000, 150 * worst)))
    throw new DomainError('INVALID', locked ? (locked as Throttle).lockMessage : message)
  }

  async function cleared (throttles: Throttle[], who: Who): Promise<void> {
    await db.write(async tx => { for (const t of throttles) await q.clearFailures(tx, t.key) })
    await onEvent({ action: 'login', ...who, ok: true })
  }

  /** Refuses while locked; otherwise runs `check` and counts a failure (slowing the next try) or clears the count. */
  async function guarded<T> (throttles: Throttle[], who: Who, check: () => Promise<T | null>): Promise<T> {
    await refuseIfLocked(throttles, who)
    const result = await check()
    if (result === null) return charge(throttles, who, 'Wrong user name or password')
    await cleared(throttles, who)
    return result
  }

  /**
   * Principals this process verified against the database, by session id hash (and kiosk token
   * hash) or API token hash, with the time until which each may be honoured. Used ONLY when the
   * database cannot be reached (a libSQL server down): an operator logged in at a kiosk keeps
   * scanning, their scans kept by the spool. Every lookup goes to the database first: a session
   * the database no longer has (logged out, expired, account disabled, kiosk or token revoked) is
   * dropped from here the first time this process sees it gone, and a logout here drops it at once.
   */
  const verified = new Map<string, { principal: Principal, until: number }>()
  async function remembered (key: string, lookup: () => Promise<{ principal: Principal, expiresAt?: string } | null>): Promise<Principal | null> {
    let found: { principal: Principal, expiresAt?: string } | null
    try {
      found = await lookup()
    } catch (e) {
      const hit = verified.get(key)
      // Anything but an unreachable database (a bug, a refused query) is not papered over.
      if (!isDbUnavailable(e) || !hit) throw e
      if (hit.until <= clock().getTime()) { verified.delete(key); throw e }
      return hit.principal
    }
    verified.delete(key)
    if (!found) return null
    const now = clock().getTime()
    const until = Math.min(now + OFFLINE_GRACE_MS, found.expiresAt ? Date.parse(found.expiresAt) : Infinity)
    verified.set(key, { principal: found.principal, until })
    if (verified.size > OFFLINE_MAX) verified.delete(verified.keys().next().value!)
    return found.principal
  }
  const sessionKey = (idHash: string) => `session:${idHash}:`
  const forgetSession = (idHash: string) => { for (const k of verified.keys()) if (k.startsWith(sessionKey(idHash))) verified.delete(k) }

  async function session (user: q.UserRow, kioskId: number | null, hours: number): Promise<string> {
    const id = newSecret('s')
    const now = clock()
    await db.write(tx => q.insertSession(tx, { idHash: sha256(id), userId: user.id, kioskId, csrfSecret: randomBytes(18).toString('base64url'), createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + hours * 3_600_000).toISOString() }))
    return id
  }

  return {
    /** The server's clock as logins, sessions and lockouts see it (injected for testability). */
    clock,
    async createUser (u: { username: string, displayName?: string, role: Exclude<Role, 'integration'>, password?: string, pin?: string, badge?: string, demo?: boolean }) {
      const username = (u.username ?? '').trim().toLowerCase()
      if (!/^[a-z0-9._-]{2,40}$/.test(username)) throw new DomainError('INVALID', 'User name: 2 to 40 letters, digits, dot, dash or underscore')
      if (u.role !== 'operator' && (u.password ?? '').length < MIN_PASSWORD) throw new DomainError('INVALID', `Password must be at least ${MIN_PASSWORD} characters`)
      if (u.role === 'operator' && !u.pin && !u.badge) throw new DomainError('INVALID', 'An operator needs a PIN or a badge')
      if (u.pin !== undefined && !/^\d{4,8}$/.test(u.pin)) throw new DomainError('INVALID', 'PIN: 4 to 8 digits')
      // Hashes first: keyed() may itself write (the pepper), and writes must not nest in the queue.
      const passwordHash = u.password ? await hashPassword(u.password) : null
      const pinHash = u.pin ? await keyed(`pin:${u.pin}`) : null
      const badgeHash = u.badge ? await keyed(`badge:${u.badge.trim()}`) : null
      try {
        return await db.write(async tx => {
          const id = await q.insertUser(tx, {
            username, displayName: u.displayName?.trim() || username, role: u.role, passwordHash, pinHash, badgeHash,
            demo: u.demo ?? false, createdAt: clock().toISOString()
          })
          // Who made the account comes from the request or command (withActor); never the secrets.
          await recordAudit(tx, { action: 'user.create', subject: `user:${username}`, at: clock().toISOString(), details: { role: u.role, password: Boolean(passwordHash), pin: Boolean(pinHash), badge: Boolean(badgeHash), demo: u.demo ?? false } })
          return id
        })
      } catch (e) {
        if (constraintOf(e)) throw new DomainError('CONFLICT', `User ${username} exists already, or that PIN or badge belongs to someone else`)
        throw e
      }
    },
    countUsers: () => q.countUsers(db.client),
    listUsers: () => q.listUsers(db.client),

    /** Supervisor or admin with a password. Returns the session cookie value. */
    async login (username: string, password: string, ip: string): Promise<{ sessionId: string, user: q.UserRow }> {
      const name = (username ?? '').trim().toLowerCase()
      const user = await guarded([accountThrottle(`user:${name}`), accountThrottle(`ip:${ip}`)], account(name), async () => {
        const u = await q.getUserByName(db.client, name)
        // Hash even for unknown users so timing does not tell which names exist.
        const ok = await verifyPassword(password ?? '', u?.passwordHash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=')
        return u && ok && !u.disabled && u.role !== 'operator' ? u : null
      })
      return { sessionId: await session(user, null, 10), user }
    },

    /**
     * An operator at a registered kiosk, by badge scan or PIN, or both (then they must be the same
     * person's). A failure that names an operator (their badge, a wrong PIN) counts against that
     * operator; one that names nobody counts against this kiosk device, never against the client
     * address (a plant's kiosks may share one) nor the other operators at this kiosk.
     */
    async kioskLogin (kioskToken: string, { badge, pin }: { badge?: string, pin?: string }, _ip?: string) {
      const kiosk = await q.getCredential(db.client, sha256(kioskToken))
      if (!kiosk || kiosk.kind !== 'kiosk') throw new DomainError('INVALID', 'This screen is not a registered kiosk: ask an admin to register it')
      if (!badge?.trim() && !pin) throw new DomainError('INVALID', 'Scan your badge or type your PIN')
      const device = kioskThrottle(kiosk.id)
      const atKiosk: Who = { subject: `kiosk:${kiosk.name}`, user: 'unknown', station: kiosk.station }
      await refuseIfLocked([device], atKiosk)
      const byBadge = badge?.trim() ? await q.getUserByBadge(db.client, await keyed(`badge:${badge.trim()}`)) : null
      const byPin = pin ? await findByPin(pin) : null
      const named = byBadge ?? (badge?.trim() ? null : byPin)
      if (!named) return charge([device], atKiosk, badge?.trim() ? 'Unknown badge: scan it again, or type your PIN' : 'Wrong PIN')
      const who = account(named.username, kiosk.station)
      const mine = accountThrottle(`user:${named.username}`)
      await refuseIfLocked([mine], who)
      if (named.disabled || (pin && byPin?.id !== named.id)) return charge([mine], who, named.disabled ? 'This account is disabled: ask a supervisor' : 'Wrong PIN for this badge')
      await cleared([mine], who)
      return { sessionId: await session(named, kiosk.id, 12), user: named, kiosk }
    },

    /**
     * The session's principal, checked against the database. While the database cannot be
     * reached, a session this process checked before (on the same kiosk) is honoured until it
     * expires; any other request gets the database's error (a 503 saying so).
     */
    principalFromSession (sessionId: string, kioskToken?: string): Promise<Principal | null> {
      const idHash = sha256(sessionId)
      return remembered(`${sessionKey(idHash)}${kioskToken ? sha256(kioskToken) : ''}`, async () => {
        const s = await q.getSession(db.client, idHash, clock().toISOString())
        if (!s) return null
        let station: string | null = null
        let kiosk: Principal['kiosk'] = null
        if (s.kioskId !== null) {
          const k = kioskToken ? await q.getCredential(db.client, sha256(kioskToken)) : null
          if (!k || k.id !== s.kioskId) return null // an operator session lives only on its kiosk
          station = k.station
          kiosk = { id: k.id, name: k.name }
        }
        return { expiresAt: s.expiresAt, principal: { kind: 'session', role: s.user.role, user: s.user.username, displayName: s.user.displayName, station, kiosk, demo: s.user.demo, csrfSecret: s.csrfSecret } }
      })
    },
    /** An API token's principal; like a session, one this process checked before is honoured while the database cannot be reached. */
    principalFromToken (token: string): Promise<Principal | null> {
      const hash = sha256(token)
      return remembered(`token:${hash}`, async () => {
        const c = await q.getCredential(db.client, hash)
        if (!c || c.kind !== 'api') return null
        return { principal: { kind: 'token', role: c.role, user: `token:${c.name}`, displayName: c.name, station: null, demo: false } }
      })
    },
    async logout (sessionId: string) {
      // Forgotten here first: even when the database cannot be told, this process no longer honours it.
      forgetSession(sha256(sessionId))
      const s = await q.getSession(db.client, sha256(sessionId), clock().toISOString())
      await db.write(async tx => {
        await q.deleteSession(tx, sha256(sessionId))
        if (s) await recordAudit(tx, { action: 'logout', subject: `user:${s.user.username}`, user: s.user.username, at: clock().toISOString(), details: { kiosk: s.kioskId } })
      })
    },

    /** `lotline token create`: the secret is shown once; only its hash is kept. */
    async createToken ({ role, name, createdBy }: { role: Role, name: string, createdBy: string }): Promise<string> {
      if (!name.trim()) throw new DomainError('INVALID', 'A token needs a name (which system uses it)')
      const token = newSecret('llt')
      await db.write(async tx => {
        await q.insertCredential(tx, { kind: 'api', name: name.trim(), role, station: null, tokenHash: sha256(token), createdBy, createdAt: clock().toISOString() })
        await recordAudit(tx, { action: 'token.create', subject: `token:${name.trim()}`, user: createdBy, details: { role } })
      })
      return token
    },
    async registerKiosk ({ name, station, createdBy }: { name: string, station: string, createdBy: string }): Promise<string> {
      const token = newSecret('llk')
      await db.write(async tx => {
        await q.insertCredential(tx, { kind: 'kiosk', name, role: 'operator', station: station.toUpperCase(), tokenHash: sha256(token), createdBy, createdAt: clock().toISOString() })
        await recordAudit(tx, { action: 'kiosk.register', subject: `kiosk:${name}`, user: createdBy, at: clock().toISOString(), details: { station: station.toUpperCase() } })
      })
      return token
    },
    kiosk: (token: string) => q.getCredential(db.client, sha256(token)),

    /** With no user yet, a one-time link creates the first admin. Returns the token to print, or null. */
    async setupToken (): Promise<string | null> {
      if (await q.countUsers(db.client) > 0) return null
      const token = newSecret('setup')
      await db.write(tx => q.putSetting(tx, 'setup_token', sha256(token)))
      return token
    },
    async completeSetup (token: string, admin: { username: string, displayName?: string, password: string }) {
      const stored = await q.getSetting(db.client, 'setup_token')
      if (!stored || stored !== sha256(token ?? '') || await q.countUsers(db.client) > 0) throw new DomainError('INVALID', 'This setup link is not valid (already used?)')
      await withActor({ user: 'setup-link' }, () => this.createUser({ ...admin, role: 'admin' }))
      await db.write(tx => q.deleteSetting(tx, 'setup_token'))
    }
  }

  async function findByPin (pin: string): Promise<q.UserRow | null> {
    const h = await keyed(`pin:${pin}`)
    return (await q.listOperatorsWithPin(db.client)).find(u => u.pinHash === h) ?? null
  }
}

export type Auth = ReturnType<typeof createAuth>

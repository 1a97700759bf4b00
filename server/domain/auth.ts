import { createHash, createHmac, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'
import type { Db } from '../../db/client.ts'
import { constraintOf } from '../../db/client.ts'
import * as q from '../../db/auth.ts'
import { recordAudit } from '../../db/audit.ts'
import { DomainError } from './errors.ts'

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>
/** scrypt cost: about 50-100 ms on a small kiosk PC, so guessing offline is slow. */
const N = 2 ** 15; const R = 8; const P = 1
export const MIN_PASSWORD = 12
const LOCK_AFTER = 5
const LOCK_MINUTES = 15

export type Role = q.Role
export interface Principal {
  kind: 'session' | 'token'
  role: Role
  user: string              // recorded as "who" on every event
  displayName: string
  station: string | null    // an operator's kiosk station
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
  const onEvent = (e: { action: string, subject: string, ok: boolean, detail?: string }) =>
    db.write(tx => recordAudit(tx, { action: e.action, subject: `user:${e.subject}`, user: e.subject || 'unknown', at: clock().toISOString(), details: { ok: e.ok, ...(e.detail ? { detail: e.detail } : {}) } }))
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

  /** Refuses while locked; otherwise runs `check` and counts a failure (slowing the next try) or clears the count. */
  async function guarded<T> (keys: string[], subject: string, check: () => Promise<T | null>): Promise<T> {
    const now = clock()
    for (const key of keys) {
      const f = await q.getFailures(db.client, key)
      if (f?.lockedUntil && Date.parse(f.lockedUntil) > now.getTime()) {
        await onEvent({ action: 'login.locked', subject, ok: false, detail: key })
        throw new DomainError('CONFLICT', `Too many failed attempts: locked until ${new Date(f.lockedUntil).toLocaleTimeString('en-GB')}. Ask a supervisor.`)
      }
    }
    const result = await check()
    if (result !== null) {
      await db.write(async tx => { for (const key of keys) await q.clearFailures(tx, key) })
      await onEvent({ action: 'login', subject, ok: true })
      return result
    }
    let worst = 0
    await db.write(async tx => {
      for (const key of keys) {
        const n = ((await q.getFailures(tx, key))?.failures ?? 0) + 1
        worst = Math.max(worst, n)
        await q.putFailures(tx, key, n, n >= LOCK_AFTER ? new Date(now.getTime() + LOCK_MINUTES * 60_000).toISOString() : null, now.toISOString())
      }
    })
    await onEvent({ action: 'login.failed', subject, ok: false, detail: `${worst} failed in a row` })
    await new Promise(resolve => setTimeout(resolve, Math.min(2000, 150 * worst)))
    throw new DomainError('INVALID', worst >= LOCK_AFTER ? `Wrong again: locked for ${LOCK_MINUTES} minutes` : 'Wrong user name, password, PIN or badge')
  }

  async function session (user: q.UserRow, kioskId: number | null, hours: number): Promise<string> {
    const id = newSecret('s')
    const now = clock()
    await db.write(tx => q.insertSession(tx, { idHash: sha256(id), userId: user.id, kioskId, csrfSecret: randomBytes(18).toString('base64url'), createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + hours * 3_600_000).toISOString() }))
    return id
  }

  return {
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
        return await db.write(tx => q.insertUser(tx, {
          username, displayName: u.displayName?.trim() || username, role: u.role, passwordHash, pinHash, badgeHash,
          demo: u.demo ?? false, createdAt: clock().toISOString()
        }))
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
      const user = await guarded([`user:${name}`, `ip:${ip}`], name, async () => {
        const u = await q.getUserByName(db.client, name)
        // Hash even for unknown users so timing does not tell which names exist.
        const ok = await verifyPassword(password ?? '', u?.passwordHash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=')
        return u && ok && !u.disabled && u.role !== 'operator' ? u : null
      })
      return { sessionId: await session(user, null, 10), user }
    },

    /** An operator at a registered kiosk, by badge scan or PIN. */
    async kioskLogin (kioskToken: string, { badge, pin }: { badge?: string, pin?: string }, ip: string) {
      const kiosk = await q.getCredential(db.client, sha256(kioskToken))
      if (!kiosk || kiosk.kind !== 'kiosk') throw new DomainError('INVALID', 'This screen is not a registered kiosk: ask an admin to register it')
      const user = await guarded([`kiosk:${kiosk.id}`, `ip:${ip}`], kiosk.name, async () => {
        const u = badge ? await q.getUserByBadge(db.client, await keyed(`badge:${badge.trim()}`)) : pin ? await findByPin(pin) : null
        return u && !u.disabled ? u : null
      })
      return { sessionId: await session(user, kiosk.id, 12), user, kiosk }
    },

    async principalFromSession (sessionId: string, kioskToken?: string): Promise<Principal | null> {
      const s = await q.getSession(db.client, sha256(sessionId), clock().toISOString())
      if (!s) return null
      let station: string | null = null
      if (s.kioskId !== null) {
        const k = kioskToken ? await q.getCredential(db.client, sha256(kioskToken)) : null
        if (!k || k.id !== s.kioskId) return null // an operator session lives only on its kiosk
        station = k.station
      }
      return { kind: 'session', role: s.user.role, user: s.user.username, displayName: s.user.displayName, station, demo: s.user.demo, csrfSecret: s.csrfSecret }
    },
    async principalFromToken (token: string): Promise<Principal | null> {
      const c = await q.getCredential(db.client, sha256(token))
      if (!c || c.kind !== 'api') return null
      return { kind: 'token', role: c.role, user: `token:${c.name}`, displayName: c.name, station: null, demo: false }
    },
    logout: (sessionId: string) => db.write(tx => q.deleteSession(tx, sha256(sessionId))),

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
      await db.write(tx => q.insertCredential(tx, { kind: 'kiosk', name, role: 'operator', station: station.toUpperCase(), tokenHash: sha256(token), createdBy, createdAt: clock().toISOString() }))
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
      await this.createUser({ ...admin, role: 'admin' })
      await db.write(tx => q.deleteSetting(tx, 'setup_token'))
    }
  }

  async function findByPin (pin: string): Promise<q.UserRow | null> {
    const h = await keyed(`pin:${pin}`)
    return (await q.listOperatorsWithPin(db.client)).find(u => u.pinHash === h) ?? null
  }
}

export type Auth = ReturnType<typeof createAuth>

import type { Auth } from '../server/domain/auth.ts'
import type { BenchContext } from './measures.ts'

/** Kept for the bench's modules: the context now always carries the token's headers. */
export type AuthedContext = BenchContext

/**
 * An admin API token for this run (admin: the only role that may trace, export, run mock recalls
 * and scan at a station). It is recorded in the plant's database like any token (`credentials`
 * and the audit trail), named `bench`.
 */
export async function benchToken (auth: Auth): Promise<Record<string, string>> {
  const token = await auth.createToken({ role: 'admin', name: 'bench', createdBy: 'bench' })
  return { authorization: `Bearer ${token}` }
}

/**
 * Code 128 / GS1-128 encoder shared by every renderer, so the ZPL a Zebra prints and the raster an
 * ESC/POS printer prints are the same symbol, and widths are known exactly before printing.
 *
 * Encoding: start in subset C for a run of digit pairs and FNC1s, then switch once to subset B for
 * the rest (GS1 data puts fixed-length numeric AIs first, so one switch is near-optimal). Never
 * switching back to C keeps the ZPL to invocation codes every Zebra firmware and zebrash agree on
 * (`>;` start C, `>:` start B, `>6` to B, `>8` FNC1, `>0` a literal '>'): zebrash mis-encodes
 * `>5` (switch to C) and drops a lone last character after `>6`, so we avoid both.
 */
import { DomainError } from '../server/domain/errors.ts'

/** Bar/space widths in modules per symbol value, ISO/IEC 15417 Table 1 (106 = stop, 13 modules). */
const PATTERNS = (
  '212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 221312 231212 112232 122132 ' +
  '122231 113222 123122 123221 223211 221132 221231 213212 223112 312131 311222 321122 321221 312212 ' +
  '322112 322211 212123 212321 232121 111323 131123 131321 112313 132113 132311 211313 231113 231311 ' +
  '112133 112331 132131 113123 113321 133121 313121 211331 231131 213113 213311 213131 311123 311321 ' +
  '331121 312113 312311 332111 314111 221411 431111 111224 111422 121124 121421 141122 141221 112214 ' +
  '112412 122114 122411 142112 142211 241211 221114 413111 241112 134111 111242 121142 121241 114212 ' +
  '124112 124211 411212 421112 421211 212141 214121 412121 111143 111341 131141 114113 114311 411113 ' +
  '411311 113141 114131 311141 411131 211412 211214 211232 2331112'
).split(' ').map(p => [...p].map(Number))

const CODE_B = 100
const FNC1 = 102
const START_B = 104
const START_C = 105
const STOP = 106
const GS = '\x1d'

export interface Code128Symbol {
  /** Symbol values: start, data, check (the stop is implied). */
  values: number[]
  /** Width without quiet zones, in modules (11 per symbol character + 13 for the stop). */
  modules: number
  /** Data characters as GS1 counts them for its 48 limit: AIs, values and separator FNC1s. */
  dataChars: number
  /** ^FD content for ZPL ^BC in mode N (no ^FH: the data holds no '^', '~' or '_' escapes). */
  zpl: string
}

/**
 * Encodes `data`; GS (0x1D) marks an FNC1 separator. `gs1` prefixes the FNC1 that makes it GS1-128.
 * Accepts ASCII 32-126 except '^' and '~' (ZPL command prefixes); throws DomainError('INVALID').
 */
export function encodeCode128 (data: string, gs1: boolean): Code128Symbol {
  const bad = [...data].find(c => c !== GS && (c < ' ' || c > '~' || c === '^' || c === '~'))
  if (bad !== undefined) throw new DomainError('INVALID', `Code 128 on this label cannot carry the character ${JSON.stringify(bad)}`)
  if (!gs1 && data.includes(GS)) throw new DomainError('INVALID', 'A plain Code 128 cannot carry GS1 separators')
  if (data.length === 0) throw new DomainError('INVALID', 'A barcode needs data')
  const tokens = (gs1 ? GS : '') + data // GS stands for FNC1 here

  // Ends of the possible subset-C prefixes: [token count, symbol characters used].
  const cEnds: Array<[number, number]> = [[0, 0]]
  for (let i = 0, cost = 0; i < tokens.length;) {
    if (tokens[i] === GS) i += 1
    else if (isDigit(tokens[i]) && isDigit(tokens[i + 1])) i += 2
    else break
    cEnds.push([i, ++cost])
  }
  let best: { k: number, count: number } | undefined
  for (const [k, cCost] of cEnds) {
    const tail = tokens.length - k
    if (tail === 1 && tokens.length > 1) continue // see the file comment: zebrash drops it
    const count = 1 + cCost + (tail > 0 && k > 0 ? 1 : 0) + tail + 1
    if (!best || count < best.count) best = { k, count }
  }
  const k = best!.k
  const values = [k > 0 ? START_C : START_B]
  let zpl = k > 0 ? '>;' : '>:'
  for (let i = 0; i < k;) {
    if (tokens[i] === GS) { values.push(FNC1); zpl += '>8'; i += 1 } else { values.push(Number(tokens.slice(i, i + 2))); zpl += tokens.slice(i, i + 2); i += 2 }
  }
  if (k > 0 && k < tokens.length) { values.push(CODE_B); zpl += '>6' }
  for (const c of tokens.slice(k)) {
    if (c === GS) { values.push(FNC1); zpl += '>8' } else { values.push(c.charCodeAt(0) - 32); zpl += c === '>' ? '>0' : c }
  }
  values.push(values.reduce((sum, v, i) => sum + v * Math.max(i, 1), 0) % 103)
  return { values, modules: values.length * 11 + 13, dataChars: data.length, zpl }
}

/** Bar/space run lengths in modules, starting with a bar, stop included. */
export function code128Runs (symbol: Code128Symbol): number[] {
  return [...symbol.values, STOP].flatMap(v => PATTERNS[v]!)
}

function isDigit (c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9'
}

/**
 * The GS1 Application Identifiers this station reads and writes, as data.
 *
 * Rows use the notation of the GS1 Barcode Syntax Dictionary (Apache-2.0, maintained by GS1 AISBL,
 * https://github.com/gs1/gs1-syntax-dictionary), so a row can be checked against it by eye:
 *   [AIs, flags, specification, attributes, title]
 *   flags      '*' predefined length (no GS separator needed after it), '?' allowed as a Digital Link query attribute
 *   spec       components 'N14,csum' 'X..20' '[N3],iso3166': N digits, X CSET 82, Y CSET 39; '[...]' optional
 *   attributes 'req=01,02' needs one of them (repeat req= for "and"; '01+21' means both),
 *              'ex=37,310n' cannot be used with them ('n' is any digit), 'dlpkey=22,10,21|235' is a
 *              Digital Link primary key with its ordered path qualifiers (alternatives split by '|')
 *
 * Rules are the dictionary's as of its 2025 revision, with two deliberate differences:
 * - The 'key' / 'keyoff1' linters (GS1 Company Prefix must be a plausible allocation) are not applied:
 *   they need GS1's prefix table, and a wrong GCP is not something an operator can fix at the line.
 * - (00) and (01) are not Digital Link query attributes, following the dictionary's unreleased
 *   change that removes the '?' flag from primary keys.
 * AIs outside this subset are refused as unknown rather than passed through: the station cannot
 * check them, and an unknown variable-length AI would hide where the next AI starts.
 */

/** Per-component checks; implemented in gs1-checks.ts (the Record type there keeps the two in step). */
export const LINTERS = ['csum', 'yymmd0', 'yymmdd', 'hh', 'mi', 'ss', 'hhmi', 'iso3166', 'zero', 'pieceoftotal'] as const
export type Linter = typeof LINTERS[number]

/** N = digits, X = GS1 CSET 82 (no space), Y = GS1 CSET 39. */
export type Charset = 'N' | 'X' | 'Y'

export interface AiComponent { charset: Charset, min: number, max: number, optional: boolean, linters: Linter[] }

export interface AiRule {
  ai: string
  title: string
  /** Predefined length: never followed by a GS separator. */
  predefined: boolean
  /** May appear in a Digital Link query string (`?17=270630`). */
  dlAttribute: boolean
  components: AiComponent[]
  minLength: number
  maxLength: number
  /** Every group must be met; a group is met by any one alternative; an alternative lists AIs or patterns that must all be present. */
  requires: string[][][]
  /** AIs or patterns ('310n', '31nn') that must not appear with this AI. */
  excludes: string[]
  /** Present on Digital Link primary keys: the allowed ordered sequences of path qualifiers. */
  dlQualifiers?: string[][]
}

type Row = readonly [ais: string, flags: '' | '*' | '?' | '*?', spec: string, attributes: string, title: string]

const KEY_ATTR = 'req=01,02,03,8006,8026'
const COUNTRY_LIST = 'N3,iso3166 [N3],iso3166 [N3],iso3166 [N3],iso3166 [N3],iso3166'

const ROWS: Row[] = [
  ['00', '*', 'N18,csum', 'dlpkey', 'SSCC'],
  ['01', '*', 'N14,csum', 'ex=255,37 dlpkey=22,10,21|235', 'GTIN'],
  ['02', '*?', 'N14,csum', 'ex=01,03 req=37', 'CONTENT'],
  ['03', '*', 'N14,csum', 'ex=01,02,37', 'MTO GTIN'],
  ['10', '?', 'X..20', KEY_ATTR, 'BATCH/LOT'],
  ['11', '*?', 'N6,yymmd0', KEY_ATTR, 'PROD DATE'],
  ['12', '*?', 'N6,yymmd0', 'req=8020', 'DUE DATE'],
  ['13', '*?', 'N6,yymmd0', KEY_ATTR, 'PACK DATE'],
  ['15', '*?', 'N6,yymmd0', KEY_ATTR, 'BEST BEFORE or BEST BY'],
  ['16', '*?', 'N6,yymmd0', KEY_ATTR, 'SELL BY'],
  ['17', '*?', 'N6,yymmd0', 'req=01,02,03,255,8006,8026', 'USE BY or EXPIRY'],
  ['20', '*?', 'N2', 'req=01,02,8006,8026', 'VARIANT'],
  ['21', '', 'X..20', 'req=01,03,8006 ex=235', 'SERIAL'],
  ['22', '', 'X..20', 'req=01', 'CPV'],
  ['235', '', 'X..28', 'req=01', 'TPX'],
  ['240', '?', 'X..30', 'req=01,02,8006,8026', 'ADDITIONAL ID'],
  ['241', '?', 'X..30', 'req=01,02,8006,8026', 'CUST. PART No.'],
  ['242', '?', 'N..6', 'req=01,02,8006,8026', 'MTO VARIANT'],
  ['250', '?', 'X..30', 'req=01,8006 req=21', 'SECONDARY SERIAL'],
  ['251', '?', 'X..30', 'req=01,8006', 'REF. TO SOURCE'],
  ['253', '', 'N13,csum [X..17]', 'dlpkey', 'GDTI'],
  ['254', '', 'X..20', 'req=414', 'GLN EXTENSION COMPONENT'],
  ['255', '', 'N13,csum [N..12]', 'dlpkey ex=01,02,415,8006,8020,8026', 'GCN'],
  ['30', '?', 'N..8', 'req=01,02', 'VAR. COUNT'],
  // 31nn-36nn trade and logistic measures: expanded from MEASURES below.
  ['37', '?', 'N..8', 'req=00 req=02,8026', 'COUNT'],
  ['3920-3929', '?', 'N..15', 'req=01 req=30,31nn,32nn,35nn,36nn ex=392n,393n', 'PRICE'],
  ['400', '?', 'X..30', '', 'ORDER NUMBER'],
  ['401', '', 'X..30', 'dlpkey', 'GINC'],
  ['402', '', 'N17,csum', 'dlpkey', 'GSIN'],
  ['403', '?', 'X..30', 'req=00', 'ROUTE'],
  ['410', '*?', 'N13,csum', '', 'SHIP TO LOC'],
  ['411', '*?', 'N13,csum', '', 'BILL TO'],
  ['412', '*?', 'N13,csum', '', 'PURCHASE FROM'],
  ['413', '*?', 'N13,csum', '', 'SHIP FOR LOC'],
  ['414', '*', 'N13,csum', 'dlpkey=254|7040', 'LOC No.'],
  ['415', '*', 'N13,csum', 'req=8020 dlpkey=8020', 'PAY TO'],
  ['416', '*?', 'N13,csum', '', 'PROD/SERV LOC'],
  ['417', '*', 'N13,csum', 'dlpkey=7040', 'PARTY'],
  ['420', '?', 'X..20', 'ex=421', 'SHIP TO POST'],
  ['421', '?', 'N3,iso3166 X..9', 'ex=4307', 'SHIP TO POST'],
  ['422', '?', 'N3,iso3166', 'req=01,02,8006,8026 ex=426', 'ORIGIN'],
  ['423', '?', COUNTRY_LIST, 'req=01,02 ex=426', 'COUNTRY - INITIAL PROCESS'],
  ['424', '?', 'N3,iso3166', 'req=01,02 ex=426', 'COUNTRY - PROCESS'],
  ['425', '?', COUNTRY_LIST, 'req=01,02 ex=426', 'COUNTRY - DISASSEMBLY'],
  ['426', '?', 'N3,iso3166', 'req=01,02', 'COUNTRY - FULL PROCESS'],
  ['427', '?', 'X..3', 'req=01,02 req=422', 'ORIGIN SUBDIVISION'],
  ['7002', '?', 'X..30', 'req=01,02', 'MEAT CUT'],
  ['7003', '?', 'N6,yymmdd N4,hhmi', 'req=01,02', 'EXPIRY TIME'],
  ['7005', '?', 'X..12', 'req=01,02', 'CATCH AREA'],
  ['7006', '?', 'N6,yymmdd', 'req=01,02', 'FIRST FREEZE DATE'],
  ['7007', '?', 'N6,yymmdd [N6],yymmdd', 'req=01,02', 'HARVEST DATE'],
  ['7008', '?', 'X..3', 'req=01,02', 'AQUATIC SPECIES'],
  ['7009', '?', 'X..10', 'req=01,02', 'FISHING GEAR TYPE'],
  ['7010', '?', 'X..2', 'req=01,02', 'PROD METHOD'],
  ['8003', '', 'N1,zero N13,csum [X..16]', 'dlpkey', 'GRAI'],
  ['8004', '', 'X..30', 'dlpkey=7040', 'GIAI'],
  ['8005', '?', 'N6', 'req=01,02', 'PRICE PER UNIT'],
  ['8006', '', 'N14,csum N4,pieceoftotal', 'ex=01,37 dlpkey=22,10,21', 'ITIP'],
  ['8008', '?', 'N6,yymmdd N2,hh [N2],mi [N2],ss', 'req=01,02', 'PROD TIME'],
  ['8020', '', 'X..25', 'req=415', 'REF No.'],
  ['8026', '?', 'N14,csum N4,pieceoftotal', 'req=37 ex=02,8006', 'ITIP CONTENT'],
  ['90', '?', 'X..30', '', 'INTERNAL'],
  ['91-99', '?', 'X..90', '', 'INTERNAL']
]

/** 31nn-36nn: [first three digits, req, title]; the fourth digit is the number of decimals (0-5). */
const MEASURES: ReadonlyArray<readonly [string, string, string]> = [
  ['310', '01,02', 'NET WEIGHT (kg)'], ['311', '01,02', 'LENGTH (m)'], ['312', '01,02', 'WIDTH (m)'],
  ['313', '01,02', 'HEIGHT (m)'], ['314', '01,02', 'AREA (m²)'], ['315', '01,02', 'NET VOLUME (l)'],
  ['316', '01,02', 'NET VOLUME (m³)'], ['320', '01,02', 'NET WEIGHT (lb)'], ['321', '01,02', 'LENGTH (in)'],
  ['322', '01,02', 'LENGTH (ft)'], ['323', '01,02', 'LENGTH (yd)'], ['324', '01,02', 'WIDTH (in)'],
  ['325', '01,02', 'WIDTH (ft)'], ['326', '01,02', 'WIDTH (yd)'], ['327', '01,02', 'HEIGHT (in)'],
  ['328', '01,02', 'HEIGHT (ft)'], ['329', '01,02', 'HEIGHT (yd)'], ['330', '00,01', 'GROSS WEIGHT (kg)'],
  ['331', '00,01', 'LENGTH (m), log'], ['332', '00,01', 'WIDTH (m), log'], ['333', '00,01', 'HEIGHT (m), log'],
  ['334', '00,01', 'AREA (m²), log'], ['335', '00,01', 'VOLUME (l), log'], ['336', '00,01', 'VOLUME (m³), log'],
  ['337', '01', 'KG PER m²'], ['340', '00,01', 'GROSS WEIGHT (lb)'], ['341', '00,01', 'LENGTH (in), log'],
  ['342', '00,01', 'LENGTH (ft), log'], ['343', '00,01', 'LENGTH (yd), log'], ['344', '00,01', 'WIDTH (in), log'],
  ['345', '00,01', 'WIDTH (ft), log'], ['346', '00,01', 'WIDTH (yd), log'], ['347', '00,01', 'HEIGHT (in), log'],
  ['348', '00,01', 'HEIGHT (ft), log'], ['349', '00,01', 'HEIGHT (yd), log'], ['350', '01,02', 'AREA (in²)'],
  ['351', '01,02', 'AREA (ft²)'], ['352', '01,02', 'AREA (yd²)'], ['353', '00,01', 'AREA (in²), log'],
  ['354', '00,01', 'AREA (ft²), log'], ['355', '00,01', 'AREA (yd²), log'], ['356', '01,02', 'NET WEIGHT (t oz)'],
  ['357', '01,02', 'NET VOLUME (oz)'], ['360', '01,02', 'NET VOLUME (qt)'], ['361', '01,02', 'NET VOLUME (gal.)'],
  ['362', '00,01', 'VOLUME (qt), log'], ['363', '00,01', 'VOLUME (gal.), log'], ['364', '01,02', 'VOLUME (in³)'],
  ['365', '01,02', 'VOLUME (ft³)'], ['366', '01,02', 'VOLUME (yd³)'], ['367', '00,01', 'VOLUME (in³), log'],
  ['368', '00,01', 'VOLUME (ft³), log'], ['369', '00,01', 'VOLUME (yd³), log']
]

/** ISO 3166-1 numeric country codes (249 current codes, from Debian iso-codes 4.15). */
export const ISO3166_NUMERIC: ReadonlySet<string> = new Set((
  '004 008 010 012 016 020 024 028 031 032 036 040 044 048 050 051 052 056 060 064 068 070 072 074 076 084 086 090 ' +
  '092 096 100 104 108 112 116 120 124 132 136 140 144 148 152 156 158 162 166 170 174 175 178 180 184 188 191 192 ' +
  '196 203 204 208 212 214 218 222 226 231 232 233 234 238 239 242 246 248 250 254 258 260 262 266 268 270 275 276 ' +
  '288 292 296 300 304 308 312 316 320 324 328 332 334 336 340 344 348 352 356 360 364 368 372 376 380 384 388 392 ' +
  '398 400 404 408 410 414 417 418 422 426 428 430 434 438 440 442 446 450 454 458 462 466 470 474 478 480 484 492 ' +
  '496 498 499 500 504 508 512 516 520 524 528 531 533 534 535 540 548 554 558 562 566 570 574 578 580 581 583 584 ' +
  '585 586 591 598 600 604 608 612 616 620 624 626 630 634 638 642 643 646 652 654 659 660 662 663 666 670 674 678 ' +
  '682 686 688 690 694 702 703 704 705 706 710 716 724 728 729 732 740 744 748 752 756 760 762 764 768 772 776 780 ' +
  '784 788 792 795 796 798 800 804 807 818 826 831 832 833 834 840 850 854 858 860 862 876 882 887 894'
).split(' '))

/** Throws TypeError on a malformed row: the table is configuration, checked when the module loads. */
function parseComponent (text: string, ai: string): AiComponent {
  const m = /^(\[)?([NXY])(\.\.)?(\d+)(\])?((?:,[a-z0-9]+)*)$/.exec(text)
  if (!m || Boolean(m[1]) !== Boolean(m[5])) throw new TypeError(`GS1 AI table: (${ai}) has a malformed component "${text}"`)
  const linters = (m[6] ?? '').split(',').filter(Boolean)
  for (const l of linters) if (!(LINTERS as readonly string[]).includes(l)) throw new TypeError(`GS1 AI table: (${ai}) uses unknown linter "${l}"`)
  const max = Number(m[4])
  return { charset: m[2] as Charset, min: m[3] ? 1 : max, max, optional: Boolean(m[1]), linters: linters as Linter[] }
}

function expandAis (ais: string): string[] {
  const [from, to = from] = ais.split('-') as [string, string?]
  const out: string[] = []
  for (let n = Number(from); n <= Number(to); n++) out.push(String(n).padStart(from.length, '0'))
  return out
}

function buildTable (rows: readonly Row[]): Map<string, AiRule> {
  const table = new Map<string, AiRule>()
  for (const [ais, flags, spec, attributes, title] of rows) {
    for (const ai of expandAis(ais)) {
      const components = spec.split(' ').map(c => parseComponent(c, ai))
      const rule: AiRule = {
        ai,
        title,
        predefined: flags.includes('*'),
        dlAttribute: flags.includes('?'),
        components,
        minLength: components.reduce((n, c) => n + (c.optional ? 0 : c.min), 0),
        maxLength: components.reduce((n, c) => n + c.max, 0),
        requires: [],
        excludes: []
      }
      for (const attr of attributes.split(' ').filter(Boolean)) {
        const [key, value = ''] = attr.split('=') as [string, string?]
        if (key === 'req') rule.requires.push(value.split(',').map(alt => alt.split('+')))
        else if (key === 'ex') rule.excludes.push(...value.split(','))
        else if (key === 'dlpkey') rule.dlQualifiers = value === '' ? [[]] : value.split('|').map(seq => seq.split(','))
        else throw new TypeError(`GS1 AI table: (${ai}) has unknown attribute "${attr}"`)
      }
      if (table.has(ai)) throw new TypeError(`GS1 AI table: (${ai}) is listed twice`)
      table.set(ai, rule)
    }
  }
  // Element strings carry no lengths for the AIs themselves: reading them relies on no AI being a prefix of another.
  for (const ai of table.keys()) {
    for (let n = 2; n < ai.length; n++) if (table.has(ai.slice(0, n))) throw new TypeError(`GS1 AI table: (${ai.slice(0, n)}) is a prefix of (${ai})`)
  }
  return table
}

const MEASURE_ROWS: Row[] = MEASURES.map(([p, req, title]) => [`${p}0-${p}5`, '*?', 'N6', `req=${req} ex=${p}n`, title])

export const AI_TABLE: ReadonlyMap<string, AiRule> = buildTable([...ROWS, ...MEASURE_ROWS])

/** The rule of the AI that starts at `pos` in an element string, or undefined: AIs are 2 to 4 digits. */
export function findAi (data: string, pos: number): AiRule | undefined {
  for (let n = 2; n <= 4; n++) {
    const rule = AI_TABLE.get(data.slice(pos, pos + n))
    if (rule) return rule
  }
  return undefined
}

/** Matches an AI against a dictionary pattern where 'n' stands for any digit ('310n', '31nn'). */
export function aiMatches (ai: string, pattern: string): boolean {
  if (ai.length !== pattern.length) return false
  for (let i = 0; i < ai.length; i++) if (pattern[i] !== 'n' && pattern[i] !== ai[i]) return false
  return true
}

import { describe, expect, test } from 'vitest'
import { DomainError } from '../../server/domain/errors.ts'
import {
  checkLotFormat, checkStationCode, CSET82, DEFAULT_LOT_FORMAT, julianDay, lotNumberScope, MAX_LOT_LENGTH, renderLotNumber
} from '../../server/domain/lot-number.ts'

const day = (iso: string) => new Date(iso + 'T00:00:00Z')

/** The TypeError a call throws, so tests can read its message. */
function typeErrorOf (fn: () => unknown): TypeError {
  try {
    fn()
  } catch (err) {
    if (err instanceof TypeError) return err
    throw err
  }
  throw new Error('expected a TypeError, but the call succeeded')
}

describe('rendering a lot number', () => {
  test('the default format gives year, Julian day, station and a 4-digit sequence', () => {
    expect(DEFAULT_LOT_FORMAT).toBe('{YY}{DDD}-{STATION}-{SEQ:4}')
    expect(renderLotNumber(DEFAULT_LOT_FORMAT, { date: '2026-11-25', station: 'L2' }, 7)).toBe('26329-L2-0007')
  })

  test('every date token renders from the plant date', () => {
    const parts = { date: '2027-03-05', station: 'D1' }
    expect(renderLotNumber('{YYYY}{MM}{DD}{SEQ}', parts, 1)).toBe('202703051')
    expect(renderLotNumber('{YY}/{MM}/{DD}-{SEQ:2}', parts, 3)).toBe('27/03/05-03')
    expect(renderLotNumber('{DDD}{SEQ:3}', parts, 9)).toBe('064009')
  })

  test('the station code is upper-cased, so a lower-case line code gives the same lots', () => {
    expect(renderLotNumber('{STATION}{SEQ:3}', { date: '2026-01-01', station: 'l2' }, 1)).toBe('L2001')
  })

  test('text outside the tokens is kept as written', () => {
    expect(renderLotNumber('LOT.{YY}_{SEQ:2}', { date: '2026-01-01', station: 'X' }, 4)).toBe('LOT.26_04')
  })

  test('a sequence past its padded width widens instead of wrapping to an old number', () => {
    const parts = { date: '2026-11-25', station: 'L2' }
    expect(renderLotNumber(DEFAULT_LOT_FORMAT, parts, 9999)).toBe('26329-L2-9999')
    expect(renderLotNumber(DEFAULT_LOT_FORMAT, parts, 10000)).toBe('26329-L2-10000')
    expect(renderLotNumber('{SEQ}', parts, 123)).toBe('123')
  })

  test('a lot number that would pass GS1\'s 20 characters is refused, not truncated', () => {
    const parts = { date: '2026-11-25', station: 'ABCDEF' }
    const longest = renderLotNumber('{YYYY}{DDD}-{STATION}-{SEQ:3}', parts, 999) // 4+3+1+6+1+3 = 18
    expect(longest).toHaveLength(18)
    expect(renderLotNumber('{YYYY}{DDD}-{STATION}-{SEQ:3}', parts, 99999)).toHaveLength(MAX_LOT_LENGTH)
    let thrown: unknown
    try { renderLotNumber('{YYYY}{DDD}-{STATION}-{SEQ:3}', parts, 100000) } catch (e) { thrown = e }
    expect(thrown).toBeInstanceOf(DomainError)
    expect((thrown as DomainError).code).toBe('CONFLICT')
    expect((thrown as DomainError).message).toContain('20 characters')
  })

  test('every lot the default format can produce is valid for GS1 (10)', () => {
    for (const [date, station, seq] of [['2024-12-31', 'ABCDEF', 9999], ['2026-01-01', 'l1', 1], ['2099-07-04', 'Z9', 42]] as const) {
      const lot = renderLotNumber(DEFAULT_LOT_FORMAT, { date, station }, seq)
      expect(lot).toMatch(CSET82)
      expect(lot.length).toBeLessThanOrEqual(MAX_LOT_LENGTH)
    }
  })
})

describe('Julian day', () => {
  test.each([
    ['2026-01-01', 1],
    ['2026-02-28', 59],
    ['2026-03-01', 60],
    ['2024-03-01', 61],
    ['2026-12-31', 365],
    ['2024-12-31', 366],
    ['2000-12-31', 366],
    ['2100-12-31', 365]
  ])('%s is day %i', (date, n) => {
    expect(julianDay(day(date))).toBe(n)
  })

  test('{DDD} pads to three digits and reaches 366 on the last day of a leap year', () => {
    expect(renderLotNumber('{DDD}{SEQ}', { date: '2026-01-05', station: 'X' }, 1)).toBe('0051')
    expect(renderLotNumber('{YY}{DDD}{SEQ}', { date: '2024-12-31', station: 'X' }, 1)).toBe('243661')
  })

  test('the day does not move with the time of day or the machine\'s zone: only the date counts', () => {
    expect(julianDay(new Date('2026-11-25T23:59:59Z'))).toBe(329)
    expect(julianDay(new Date('2026-11-25T00:00:00Z'))).toBe(329)
  })
})

describe('sequence scope', () => {
  test('a format with a date code counts per day and per station', () => {
    const a = lotNumberScope(DEFAULT_LOT_FORMAT, { date: '2026-11-25', station: 'L1' })
    expect(a).toBe('lot:26329-L1-')
    expect(lotNumberScope(DEFAULT_LOT_FORMAT, { date: '2026-11-26', station: 'L1' })).not.toBe(a)
    expect(lotNumberScope(DEFAULT_LOT_FORMAT, { date: '2026-11-25', station: 'L2' })).not.toBe(a)
  })

  test('a format without a date code keeps counting across days', () => {
    const f = '{STATION}{SEQ:6}'
    expect(lotNumberScope(f, { date: '2026-11-25', station: 'L1' })).toBe(lotNumberScope(f, { date: '2027-01-01', station: 'L1' }))
  })
})

describe('checking a configured format', () => {
  test('the default format and other sensible formats are accepted', () => {
    for (const f of [DEFAULT_LOT_FORMAT, '{YYYY}{MM}{DD}{SEQ:3}', '{STATION}{SEQ:6}', 'P{YY}{DDD}.{SEQ:2}']) {
      expect(() => checkLotFormat(f)).not.toThrow()
    }
  })

  test('a format that can render more than 20 characters is refused, naming "lotNumbers.format"', () => {
    const e = typeErrorOf(() => checkLotFormat('{YYYY}{MM}{DD}-{STATION}-{SEQ:6}'))
    expect(e.message).toContain('"lotNumbers.format"')
    expect(e.message).toContain('22 characters')
    expect(e.message).toContain('20')
  })

  test('a format exactly at 20 characters with a 6-character station is accepted', () => {
    // 4 + 3 + 1 + 6 + 1 + 5 = 20
    expect(() => checkLotFormat('{YYYY}{DDD}-{STATION}-{SEQ:5}')).not.toThrow()
    expect(() => checkLotFormat('{YYYY}{DDD}-{STATION}-{SEQ:6}')).toThrow(TypeError)
  })

  test.each([
    ['no sequence', '{YY}{DDD}-{STATION}', 'exactly one {SEQ}'],
    ['two sequences', '{SEQ:2}-{SEQ:3}', 'exactly one {SEQ}'],
    ['an unknown token', '{YY}{HH}{SEQ:4}', 'unknown token'],
    ['a sequence width of two digits', '{YY}{SEQ:10}', 'exactly one {SEQ}'],
    ['a space', '{YY} {SEQ:4}', 'GS1 does not allow'],
    ['a hash', '#{SEQ:4}', 'GS1 does not allow'],
    ['an accented letter', 'É{SEQ:4}', 'GS1 does not allow']
  ])('a format with %s is refused with a TypeError naming "lotNumbers.format"', (_, format, why) => {
    const e = typeErrorOf(() => checkLotFormat(format))
    expect(e.message).toContain('"lotNumbers.format"')
    expect(e.message).toContain(why)
  })
})

describe('GS1 character set 82', () => {
  test('letters, digits and the 20 GS1 punctuation marks are allowed', () => {
    expect(`!"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz`).toMatch(CSET82)
  })

  test.each([' ', '#', '@', '$', '~', '[', '{', '`', '\\', '|', 'é', 'ß', '\x1d'])('%j is not allowed', (ch) => {
    expect(`A${ch}1`).not.toMatch(CSET82)
  })
})

describe('station codes', () => {
  test('one to six letters or digits are accepted', () => {
    for (const code of ['L', 'L1', 'DOCK1', 'ABC123']) expect(() => checkStationCode(code)).not.toThrow()
  })

  test.each(['', 'ABCDEFG', 'L-1', 'L 1', 'Ä1'])('%j is refused with INVALID', (code) => {
    let thrown: unknown
    try { checkStationCode(code) } catch (e) { thrown = e }
    expect(thrown).toBeInstanceOf(DomainError)
    expect((thrown as DomainError).code).toBe('INVALID')
  })
})

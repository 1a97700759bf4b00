import { describe, expect, test } from 'vitest'
import { plantDate } from '../../server/domain/dates.ts'

describe('plantDate', () => {
  test('gives each instant its day in the zone asked for, zones taken in any order', () => {
    const at = new Date('2026-11-23T05:30:00Z')
    for (let i = 0; i < 2; i++) {
      expect(plantDate(at, 'America/Chicago')).toBe('2026-11-22')
      expect(plantDate(at, 'UTC')).toBe('2026-11-23')
      expect(plantDate(at, 'Pacific/Kiritimati')).toBe('2026-11-23')
      expect(plantDate(new Date('2026-11-23T06:00:00Z'), 'America/Chicago')).toBe('2026-11-23')
      expect(plantDate(new Date('2026-07-01T04:59:59Z'), 'America/Chicago')).toBe('2026-06-30')   // summer time: -05:00
    }
  })

  test('refuses an unknown time zone every time it is asked', () => {
    for (let i = 0; i < 2; i++) expect(() => plantDate(new Date(), 'Mars/Olympus_Mons')).toThrow(RangeError)
  })
})

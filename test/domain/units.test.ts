import { describe, expect, test } from 'vitest'
import { DomainError } from '../../server/domain/errors.ts'
import { convertQuantity, formatQuantity, normalizeUnit, roundQuantity } from '../../server/domain/units.ts'

function domainErrorOf (fn: () => unknown): DomainError {
  try {
    fn()
  } catch (err) {
    if (err instanceof DomainError) return err
    throw err
  }
  throw new Error('expected a DomainError, but the call succeeded')
}

describe('normalizing units', () => {
  test.each([
    ['kg', 'kg'], ['KG', 'kg'], [' Kg ', 'kg'], ['kgs', 'kg'], ['kilograms', 'kg'],
    ['lbs', 'lb'], ['Pounds', 'lb'], ['pound', 'lb'], ['ounces', 'oz'], ['grams', 'g'],
    ['Litre', 'l'], ['liters', 'l'], ['ML', 'ml'],
    ['each', 'ea'], ['pcs', 'ea'], ['pieces', 'ea'], ['cases', 'case'], ['bags', 'bag'], ['pallets', 'pallet'],
    ['tray', 'tray']
  ])('%j is %j', (given, expected) => {
    expect(normalizeUnit(given)).toBe(expected)
  })

  test.each(['', ' ', 'kg2', 'k g', 'кг', 'kg.', '1', 'abcdefghijklm'])('%j is not a unit: INVALID', (given) => {
    const e = domainErrorOf(() => normalizeUnit(given))
    expect(e.code).toBe('INVALID')
    expect(e.message).toContain('is not a unit')
  })
})

describe('converting quantities', () => {
  test('pounds to kilograms are exact by definition: 10 lb = 4.5359237 kg', () => {
    expect(convertQuantity(10, 'lb', 'kg')).toBe(4.5359237)
    expect(convertQuantity(1, 'lb', 'kg')).toBe(0.45359237)
    expect(convertQuantity(22, 'lbs', 'kg')).toBe(9.97903214)
  })

  test('grams, kilograms, ounces and pounds convert in every direction', () => {
    expect(convertQuantity(250, 'g', 'kg')).toBe(0.25)
    expect(convertQuantity(1.5, 'kg', 'g')).toBe(1500)
    expect(convertQuantity(16, 'oz', 'lb')).toBe(1)
    expect(convertQuantity(1, 'lb', 'g')).toBe(453.59237)
    expect(convertQuantity(1, 'kg', 'lb')).toBe(2.204622622)
    expect(convertQuantity(1, 'oz', 'g')).toBe(28.349523125)
  })

  test('litres and millilitres convert', () => {
    expect(convertQuantity(2, 'l', 'ml')).toBe(2000)
    expect(convertQuantity(330, 'ml', 'litres')).toBe(0.33)
  })

  test('a unit converts to itself unchanged, whatever the spelling', () => {
    expect(convertQuantity(3, 'ea', 'each')).toBe(3)
    expect(convertQuantity(7, 'cases', 'case')).toBe(7)
    expect(convertQuantity(0.1 + 0.2, 'kg', 'KG')).toBe(0.1 + 0.2)
  })

  test.each([
    ['ea', 'kg'], ['kg', 'ea'], ['case', 'kg'], ['kg', 'l'], ['ml', 'g'], ['case', 'bag']
  ])('%s to %s is a UNIT_MISMATCH naming both', (from, to) => {
    const e = domainErrorOf(() => convertQuantity(1, from, to))
    expect(e.code).toBe('UNIT_MISMATCH')
    expect(e.message).toContain(`${from} to ${to}`)
    expect(e.details).toEqual({ from, to })
  })

  test('converted amounts carry no float dust', () => {
    expect(convertQuantity(3, 'lb', 'kg')).toBe(1.36077711) // 3 × 0.45359237, not 1.3607771100000001
    expect(convertQuantity(0.7, 'kg', 'g')).toBe(700) // not 699.9999999999999
  })
})

describe('rounding and formatting', () => {
  test('rounding removes float dust but keeps every decimal an exact pound conversion needs', () => {
    expect(roundQuantity(0.1 + 0.2)).toBe(0.3)
    expect(roundQuantity(4.535923700000001)).toBe(4.5359237)
    expect(roundQuantity(0.45359237)).toBe(0.45359237)
    expect(roundQuantity(1.0000000004)).toBe(1)
  })

  test('a quantity is shown to a person with at most 3 decimals and no trailing zeros', () => {
    expect(formatQuantity(40, 'kg')).toBe('40 kg')
    expect(formatQuantity(4.5359237, 'kg')).toBe('4.536 kg')
    expect(formatQuantity(2.5, 'case')).toBe('2.5 case')
    expect(formatQuantity(0, 'kg')).toBe('0 kg')
  })
})

import { describe, expect, it } from 'vitest'
import { generateRoomName, isValidRoomName, ROOM_NAME_COMBINATIONS } from './room-name.js'

describe('generated room names', () => {
  it('come from at least 2^72 equally likely combinations, so a live room cannot be found by guessing', () => {
    expect(ROOM_NAME_COMBINATIONS >= 2n ** 72n).toBe(true)
  })

  it('are readable words and code groups within the protocol’s room-name rule', () => {
    const names = Array.from({ length: 2000 }, generateRoomName)
    for (const name of names) {
      expect(name).toMatch(/^[a-z]+-[a-z]+-[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/)
      expect(name.length).toBeLessThanOrEqual(64)
      expect(isValidRoomName(name)).toBe(true)
    }
    expect(new Set(names).size).toBe(names.length)
  })

  it('use every code symbol about equally often (no modulo bias)', () => {
    const counts = new Map<string, number>()
    for (let i = 0; i < 2000; i++) {
      for (const symbol of generateRoomName().split('-').slice(2).join('')) counts.set(symbol, (counts.get(symbol) ?? 0) + 1)
    }
    expect(counts.size).toBe(32)
    // 30,000 draws over 32 symbols: ≈ 937 each (σ ≈ 30); a skewed mapping drifts far further.
    for (const count of counts.values()) expect(Math.abs(count - 937.5)).toBeLessThan(200)
  })
})

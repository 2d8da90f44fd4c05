import { describe, expect, it } from 'vitest'
import { backoffDelay } from './backoff.js'

describe('backoffDelay', () => {
  const options = { initialDelayMs: 100, maxDelayMs: 1000 }

  it('grows exponentially up to the cap', () => {
    const upper = [0, 1, 2, 3, 4, 10].map((attempt) => backoffDelay(attempt, options, () => 1))
    expect(upper).toEqual([100, 200, 400, 800, 1000, 1000])
  })

  it('jitters between half the ceiling and the ceiling', () => {
    expect(backoffDelay(3, options, () => 0)).toBe(400)
    expect(backoffDelay(3, options, () => 0.5)).toBe(600)
  })
})

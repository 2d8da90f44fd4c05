import { describe, expect, it } from 'vitest'
import { TokenBucket } from './token-bucket.js'

describe('TokenBucket', () => {
  it('lets a burst through, then only the refill rate, counting messages', () => {
    let now = 0
    const bucket = new TokenBucket({ perSecond: 2, burst: 3 }, { perSecond: 1e9, burst: 1e9 }, () => now)
    expect([1, 2, 3, 4].map(() => bucket.take(1))).toEqual([true, true, true, false])
    now += 500
    expect([bucket.take(1), bucket.take(1)]).toEqual([true, false])
    now += 60_000
    expect([1, 2, 3, 4].map(() => bucket.take(1))).toEqual([true, true, true, false])
  })

  it('bounds bytes as well: a few huge messages run dry before the count does', () => {
    let now = 0
    const bucket = new TokenBucket({ perSecond: 100, burst: 100 }, { perSecond: 1000, burst: 10_000 }, () => now)
    expect([1, 2, 3].map(() => bucket.take(4000))).toEqual([true, true, false])
    now += 1000
    expect(bucket.take(4000)).toBe(false)
    expect(bucket.take(3000)).toBe(true)
  })
})

import { createHash, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { Sha256 } from './sha256.js'

const reference = (data: Uint8Array) => createHash('sha256').update(data).digest('hex')

describe('Sha256', () => {
  it('matches node:crypto around every padding boundary', () => {
    for (const size of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000]) {
      const data = randomBytes(size)
      expect(new Sha256().update(data).digestHex(), `${size} bytes`).toBe(reference(data))
    }
  })

  it('gives the same digest however the input is split', () => {
    const data = randomBytes(100_003)
    const hash = new Sha256()
    let offset = 0
    for (const step of [1, 63, 64, 65, 7, 16_380, 3]) {
      hash.update(data.subarray(offset, offset + step))
      offset += step
    }
    while (offset < data.length) {
      hash.update(data.subarray(offset, offset + 16_380))
      offset += 16_380
    }
    expect(hash.digestHex()).toBe(reference(data))
  })

  it('matches WebCrypto on the known vector for "abc"', async () => {
    const abc = new TextEncoder().encode('abc')
    const subtle = Buffer.from(await crypto.subtle.digest('SHA-256', abc)).toString('hex')
    expect(new Sha256().update(abc).digestHex()).toBe(subtle)
    expect(subtle).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  })

  it('refuses updates after the digest', () => {
    const hash = new Sha256()
    hash.digestHex()
    expect(() => hash.update(new Uint8Array(1))).toThrow()
  })
})

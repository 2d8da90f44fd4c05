import { createHash, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { H0, K, Sha256 } from './sha256.js'

const reference = (data: Uint8Array) => createHash('sha256').update(data).digest('hex')

describe('Sha256', () => {
  it('computes the constants of FIPS 180-4 exactly', () => {
    expect([...H0]).toEqual([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19])
    expect([...K]).toEqual([
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
      0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
      0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
      0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
      0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
      0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
      0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
      0xc67178f2,
    ])
  })

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

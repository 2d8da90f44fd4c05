import { describe, expect, it } from 'vitest'
import { markVerified, spokenSafetyNumber, VERIFIED_KEY_PREFIX, verificationOf, type VerificationStore } from './safety-verification.js'

/** A `Storage` stand-in with the same two methods (vitest runs in Node, which has no localStorage). */
function memoryStore(): VerificationStore & { readonly items: Map<string, string> } {
  const items = new Map<string, string>()
  return { items, getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value) }
}

const CODE = '04719 88120 35537 60294 11873'
const OTHER = '11111 22222 33333 44444 55555'

describe('safety number verification', () => {
  it('is unverified until marked, verified for the same code, changed for another', () => {
    const store = memoryStore()
    expect(verificationOf(store, 'Alice', CODE)).toBe('unverified')
    expect(markVerified(store, 'Alice', CODE)).toBe(true)
    expect(store.items.get(`${VERIFIED_KEY_PREFIX}Alice`)).toBe(CODE)
    expect(verificationOf(store, 'Alice', CODE)).toBe('verified')
    expect(verificationOf(store, 'Alice', OTHER)).toBe('changed')
    expect(verificationOf(store, 'Bob', CODE)).toBe('unverified')
  })

  it('trusts nothing in storage that is not a safety number, and stores only safety numbers', () => {
    const store = memoryStore()
    store.items.set(`${VERIFIED_KEY_PREFIX}Alice`, 'anything')
    expect(verificationOf(store, 'Alice', CODE)).toBe('unverified')
    expect(markVerified(store, 'Mallory', '<img src=x onerror=alert(1)>')).toBe(false)
    expect(store.items.has(`${VERIFIED_KEY_PREFIX}Mallory`)).toBe(false)
  })

  it('bounds the key of a hostile, over-long name', () => {
    const store = memoryStore()
    markVerified(store, 'x'.repeat(10_000), CODE)
    const [key] = store.items.keys()
    expect(key?.length).toBe(VERIFIED_KEY_PREFIX.length + 64)
  })

  it('treats refused storage as unverified, and says the mark did not stick', () => {
    const refusing: VerificationStore = {
      getItem: () => {
        throw new DOMException('denied', 'SecurityError')
      },
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError')
      },
    }
    expect(verificationOf(refusing, 'Alice', CODE)).toBe('unverified')
    expect(markVerified(refusing, 'Alice', CODE)).toBe(false)
  })

  it('reads the code digit by digit for screen readers', () => {
    expect(spokenSafetyNumber('01234 56789')).toBe('0 1 2 3 4, 5 6 7 8 9')
  })
})

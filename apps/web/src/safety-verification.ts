import { WIRE_LIMITS } from '@peerlane/sdk'

/**
 * "Mark as verified" for safety numbers, remembered in `localStorage` per display name (ids
 * change every session; the name is what a person recognises and re-checks). A name is chosen
 * by its owner, so anyone can take a verified person's name: they then show a different code
 * and get the warning, which is the point.
 */
export type Verification = 'unverified' | 'verified' | 'changed'

export const VERIFIED_KEY_PREFIX = 'peerlane.verified.'

/** What of `Storage` this needs; `localStorage` in the app. */
export interface VerificationStore {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
}

// The SDK's format: five groups of five digits. Anything else in storage is not ours to trust.
const SAFETY_NUMBER = /^\d{5}( \d{5}){4}$/

function keyOf(name: string): string {
  // The server bounds names already; bounding the key too keeps a hostile name from growing it.
  return `${VERIFIED_KEY_PREFIX}${name.slice(0, WIRE_LIMITS.nameLength)}`
}

function read(store: VerificationStore, name: string): string | undefined {
  try {
    const stored = store.getItem(keyOf(name))
    return stored !== null && SAFETY_NUMBER.test(stored) ? stored : undefined
  } catch {
    // Storage can be disabled (private mode, policies): then nothing was ever verified here.
    return undefined
  }
}

/** How `code` for `name` compares with the code verified for that name before, if any. */
export function verificationOf(store: VerificationStore, name: string, code: string): Verification {
  const verified = read(store, name)
  if (verified === undefined) return 'unverified'
  return verified === code ? 'verified' : 'changed'
}

/** Remembers `code` as verified for `name`; false when storage refused it. */
export function markVerified(store: VerificationStore, name: string, code: string): boolean {
  if (!SAFETY_NUMBER.test(code)) return false
  try {
    store.setItem(keyOf(name), code)
    return true
  } catch {
    return false
  }
}

/** The code as a screen reader should read it: digit by digit, a pause between groups. */
export function spokenSafetyNumber(code: string): string {
  return code
    .split(' ')
    .map((group) => group.split('').join(' '))
    .join(', ')
}

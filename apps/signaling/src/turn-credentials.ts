import { createHmac } from 'node:crypto'

/** One ephemeral TURN login in the TURN REST scheme (coturn's `use-auth-secret`). */
export interface TurnCredential {
  /** `<expiry in Unix seconds>:<user>`: coturn reads the expiry back from the name and refuses it after then. */
  readonly username: string
  /** base64(HMAC-SHA1(secret, username)): coturn recomputes it from its `static-auth-secret`, so nothing is stored. */
  readonly credential: string
}

// A STUN USERNAME is at most 513 bytes; a name far shorter keeps coturn's logs readable.
const MAX_USER_BYTES = 256

/**
 * The credential for `user` (a room-token identity or a peer id) valid until `expiresAt` (Unix
 * seconds). A user too long for a TURN username falls back to `fallback` (the peer id).
 */
export function turnCredential(secret: string, user: string, fallback: string, expiresAt: number): TurnCredential {
  const who = user.length > 0 && Buffer.byteLength(user) <= MAX_USER_BYTES ? user : fallback
  const username = `${Math.floor(expiresAt)}:${who}`
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') }
}

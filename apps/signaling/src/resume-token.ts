import { createHmac, timingSafeEqual } from 'node:crypto'
import { RevocationList } from './revocations.js'

/** What a resume token proves: the server issued this peer id, in this room, to this client. */
export interface ResumeClaims {
  readonly peerId: string
  readonly room: string
  /** The room token's identity (`sub`) of the session, when the server checks room tokens. */
  readonly identity?: string | undefined
  /** Expiry, in ms since the epoch. */
  readonly expiresAt: number
}

/**
 * Resume tokens are signed rather than looked up, so a session survives the server process:
 * a restarted node (or another node sharing the secret) can re-create the peer with the same id
 * when its client comes back. Format: base64url(JSON claims) "." base64url(HMAC-SHA256).
 *
 * Revocation is the one thing kept in memory: `leave` revokes the session's tokens in this
 * process until they expire; a restarted or other node only knows their expiry.
 */
export interface ResumeTokens {
  issue(claims: Omit<ResumeClaims, 'expiresAt'>): string
  /** The claims of a valid, unexpired, unrevoked token; `undefined` for anything else. */
  verify(token: string): ResumeClaims | undefined
  /** Revokes every token issued so far for `peerId`. */
  revoke(peerId: string): void
}

export interface ResumeTokenOptions {
  readonly ttlMs: number
  /** Revocations kept at once; past this the oldest falls back to its token's expiry. */
  readonly maxRevoked: number
  readonly now?: () => number
}

export function createResumeTokens(secret: string | Buffer, options: ResumeTokenOptions): ResumeTokens {
  const { ttlMs, now = Date.now } = options
  const sign = (payload: string) => createHmac('sha256', secret).update(payload).digest()
  const revoked = new RevocationList(options.maxRevoked, now)
  return {
    issue({ peerId, room, identity }) {
      const claims = identity === undefined ? { p: peerId, r: room, e: now() + ttlMs } : { p: peerId, r: room, i: identity, e: now() + ttlMs }
      const payload = Buffer.from(JSON.stringify(claims)).toString('base64url')
      return `${payload}.${sign(payload).toString('base64url')}`
    },
    verify(token) {
      const [payload, signature, extra] = token.split('.')
      if (!payload || !signature || extra !== undefined) return undefined
      const expected = sign(payload)
      const given = Buffer.from(signature, 'base64url')
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
      const claims = parseClaims(Buffer.from(payload, 'base64url').toString('utf8'))
      return claims && claims.expiresAt > now() && !revoked.has(claims.peerId) ? claims : undefined
    },
    revoke(peerId) {
      // Every token of this peer was issued by now, so none outlives now + ttl.
      revoked.revoke(peerId, now() + ttlMs)
    },
  }
}

function parseClaims(json: string): ResumeClaims | undefined {
  try {
    const raw = JSON.parse(json) as { p?: unknown; r?: unknown; i?: unknown; e?: unknown }
    if (typeof raw.p !== 'string' || typeof raw.r !== 'string' || typeof raw.e !== 'number') return undefined
    if (raw.i !== undefined && typeof raw.i !== 'string') return undefined
    return { peerId: raw.p, room: raw.r, identity: raw.i, expiresAt: raw.e }
  } catch {
    return undefined
  }
}

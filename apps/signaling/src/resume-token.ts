import { createHmac, timingSafeEqual } from 'node:crypto'

/** What a resume token proves: the server issued this peer id, in this room, to this client. */
export interface ResumeClaims {
  readonly peerId: string
  readonly room: string
  /** Expiry, in ms since the epoch. */
  readonly expiresAt: number
}

/**
 * Resume tokens are signed rather than looked up, so a session survives the server process:
 * a restarted node (or another node sharing the secret) can re-create the peer with the same id
 * when its client comes back. Format: base64url(JSON claims) "." base64url(HMAC-SHA256).
 */
export interface ResumeTokens {
  issue(claims: Omit<ResumeClaims, 'expiresAt'>): string
  /** The claims of a valid, unexpired token; `undefined` for anything else. */
  verify(token: string): ResumeClaims | undefined
}

export function createResumeTokens(secret: string | Buffer, ttlMs: number, now: () => number = Date.now): ResumeTokens {
  const sign = (payload: string) => createHmac('sha256', secret).update(payload).digest()
  return {
    issue({ peerId, room }) {
      const payload = Buffer.from(JSON.stringify({ p: peerId, r: room, e: now() + ttlMs })).toString('base64url')
      return `${payload}.${sign(payload).toString('base64url')}`
    },
    verify(token) {
      const [payload, signature, extra] = token.split('.')
      if (!payload || !signature || extra !== undefined) return undefined
      const expected = sign(payload)
      const given = Buffer.from(signature, 'base64url')
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
      const claims = parseClaims(Buffer.from(payload, 'base64url').toString('utf8'))
      return claims && claims.expiresAt > now() ? claims : undefined
    },
  }
}

function parseClaims(json: string): ResumeClaims | undefined {
  try {
    const raw = JSON.parse(json) as { p?: unknown; r?: unknown; e?: unknown }
    if (typeof raw.p !== 'string' || typeof raw.r !== 'string' || typeof raw.e !== 'number') return undefined
    return { peerId: raw.p, room: raw.r, expiresAt: raw.e }
  } catch {
    return undefined
  }
}

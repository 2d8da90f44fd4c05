import { CAPABILITIES, DEFAULT_CAPABILITIES, PeerName, WIRE_LIMITS, isCapability, normalizeName, type Capability } from '@peerlane/protocol'
import { Value } from '@sinclair/typebox/value'
import { SignJWT, errors, importJWK, importPKCS8, importSPKI, jwtVerify, type CryptoKey, type JWK, type JWTPayload } from 'jose'

/**
 * Room tokens: JWTs a backend mints for one participant of one room (or of every room matching a
 * pattern). Claims: `room`, `sub` (the identity), optional `name` and `caps`, and a mandatory `exp`.
 */
export interface RoomTokenClaims {
  /** A room name, or a pattern where `*` matches any run of room-name characters (`team-*`, `*`). */
  readonly room: string
  /** The participant's identity: one live session per identity and room (see `duplicateIdentity`). */
  readonly identity: string
  /** Display name; when present it wins over the `name` the client puts in `join`. */
  readonly name?: string | undefined
  /** What the session may do: the `caps` claim, or the protocol's DEFAULT_CAPABILITIES without one. */
  readonly capabilities: readonly Capability[]
}

export type AuthFailureReason = 'missing' | 'malformed' | 'bad-signature' | 'expired' | 'wrong-room'

export type AuthResult =
  | { readonly ok: true; readonly claims: RoomTokenClaims }
  | { readonly ok: false; readonly reason: AuthFailureReason; readonly message: string }

export interface Authenticator {
  /** Checks `token` for a `join` of `room`; never throws. */
  verify(token: string | undefined, room: string): Promise<AuthResult>
}

/** A configuration that cannot work (a key that does not parse, a secret too short): raised once, at start. */
export class AuthConfigError extends Error {
  readonly code = 'PEERLANE_ERR_AUTH_CONFIG'
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'AuthConfigError'
  }
}

export interface AuthKeys {
  /** Shared secret for HS256. */
  readonly secret?: string | undefined
  /** ES256 public key: a PEM "PUBLIC KEY" (SPKI) or a JWK as JSON text. */
  readonly publicKey?: string | undefined
}

/** Below this a HS256 secret can be brute-forced offline from any token a client holds. */
export const MIN_SECRET_LENGTH = 32

// Tolerates small clock skew between the backend that mints and this server.
const CLOCK_TOLERANCE_SECONDS = 5

/** Builds the verifier, or returns undefined when no key is configured (the server is then open). */
export async function createAuthenticator(keys: AuthKeys): Promise<Authenticator | undefined> {
  if (keys.secret === undefined && keys.publicKey === undefined) return undefined
  const hmacKey = keys.secret === undefined ? undefined : secretKey(keys.secret)
  const ecKey = keys.publicKey === undefined ? undefined : await importPublicKey(keys.publicKey)
  const algorithms = [...(hmacKey ? ['HS256'] : []), ...(ecKey ? ['ES256'] : [])]

  return {
    async verify(token, room) {
      if (token === undefined) return fail('missing', 'This server requires a token in join')
      try {
        const { payload } = await jwtVerify(token, (header) => (header.alg === 'HS256' ? hmacKey : ecKey) ?? new Uint8Array(), {
          algorithms,
          requiredClaims: ['exp', 'sub'],
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
        })
        const claims = readClaims(payload)
        if (typeof claims === 'string') return fail('malformed', claims)
        if (!roomMatches(claims.room, room)) return fail('wrong-room', 'Token is not valid for this room')
        return { ok: true, claims }
      } catch (error) {
        return classify(error)
      }
    },
  }
}

export interface MintOptions {
  readonly room: string
  readonly identity: string
  readonly name?: string | undefined
  /** Exactly what the token grants (`caps`); left out, the token grants DEFAULT_CAPABILITIES. */
  readonly capabilities?: readonly Capability[] | undefined
  /** Lifetime in seconds. */
  readonly ttlSeconds: number
  /** HS256 secret; give this or `privateKey`. */
  readonly secret?: string | undefined
  /** ES256 private key: PEM "PRIVATE KEY" (PKCS#8) or a JWK as JSON text. */
  readonly privateKey?: string | undefined
  /** Seconds since the epoch; tests pin it. */
  readonly now?: number | undefined
}

/** Mints a room token, e.g. in an application backend after it has authenticated the user. */
export async function mintToken(options: MintOptions): Promise<string> {
  if ((options.secret === undefined) === (options.privateKey === undefined)) {
    throw new AuthConfigError('mintToken needs exactly one of secret (HS256) or privateKey (ES256)')
  }
  if (!isRoomPattern(options.room)) throw new AuthConfigError(`room must be a room name or a pattern with *, got "${options.room}"`)
  if (options.identity.length === 0) throw new AuthConfigError('identity must not be empty')
  if (!(options.ttlSeconds > 0)) throw new AuthConfigError('ttlSeconds must be positive')
  if (options.name !== undefined && readName(options.name) === undefined) throw new AuthConfigError(NAME_CLAIM_INVALID)
  const unknown = (options.capabilities ?? []).filter((cap) => !isCapability(cap))
  if (unknown.length > 0) throw new AuthConfigError(`unknown capabilities: ${unknown.join(', ')} (known: ${CAPABILITIES.join(', ')})`)

  const now = options.now ?? Math.floor(Date.now() / 1000)
  const payload: JWTPayload = { room: options.room }
  if (options.name !== undefined) payload.name = options.name
  // An empty list is kept: it grants nothing, where no claim grants the defaults.
  if (options.capabilities !== undefined) payload.caps = [...options.capabilities]
  const jwt = new SignJWT(payload).setSubject(options.identity).setIssuedAt(now).setExpirationTime(now + options.ttlSeconds)
  const token =
    options.secret !== undefined
      ? await jwt.setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(secretKey(options.secret))
      : await jwt.setProtectedHeader({ alg: 'ES256', typ: 'JWT' }).sign(await importPrivateKey(options.privateKey ?? ''))
  if (token.length > WIRE_LIMITS.tokenLength) throw new AuthConfigError(`token is ${token.length} characters; join allows ${WIRE_LIMITS.tokenLength}`)
  return token
}

/** `team-*` matches `team-a`; `*` matches every room. Only `*` is special: room names cannot contain it. */
export function roomMatches(pattern: string, room: string): boolean {
  if (!pattern.includes('*')) return pattern === room
  const parts = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
  return new RegExp(`^${parts.join('[A-Za-z0-9_-]*')}$`).test(room)
}

function isRoomPattern(value: string): boolean {
  return /^[A-Za-z0-9_*-]{1,64}$/.test(value)
}

function secretKey(secret: string): Uint8Array {
  if (secret.length < MIN_SECRET_LENGTH) throw new AuthConfigError(`the auth secret must be at least ${MIN_SECRET_LENGTH} characters`)
  return new TextEncoder().encode(secret)
}

async function importPublicKey(text: string): Promise<CryptoKey> {
  try {
    const trimmed = text.trim()
    if (trimmed.startsWith('{')) return (await importJWK(JSON.parse(trimmed) as JWK, 'ES256')) as CryptoKey
    return await importSPKI(trimmed, 'ES256')
  } catch (error) {
    throw new AuthConfigError('the auth public key must be an ES256 (P-256) key as a PEM "PUBLIC KEY" or a JWK', { cause: error })
  }
}

async function importPrivateKey(text: string): Promise<CryptoKey> {
  try {
    const trimmed = text.trim()
    if (trimmed.startsWith('{')) return (await importJWK(JSON.parse(trimmed) as JWK, 'ES256')) as CryptoKey
    return await importPKCS8(trimmed, 'ES256')
  } catch (error) {
    throw new AuthConfigError('the private key must be an ES256 (P-256) key as a PEM "PRIVATE KEY" (PKCS#8) or a JWK', { cause: error })
  }
}

const NAME_CLAIM_INVALID = `Token name claim is not a valid display name: 1–${WIRE_LIMITS.nameLength} characters once NFC-normalised, something visible, no control, line-separator or bidi characters, no lone surrogates`

/** The claims, or why they are refused. */
function readClaims(payload: JWTPayload): RoomTokenClaims | string {
  const { room, sub, name, caps } = payload
  if (typeof room !== 'string' || !isRoomPattern(room)) return 'Token room claim is not a room name or pattern'
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 256) return 'Token sub claim must be 1–256 characters'
  const normalizedName = name === undefined ? undefined : readName(name)
  if (name !== undefined && normalizedName === undefined) return NAME_CLAIM_INVALID
  if (caps !== undefined && (!Array.isArray(caps) || !caps.every((cap) => typeof cap === 'string'))) return 'Token caps claim must be an array of strings'
  // Unknown capabilities are ignored rather than refused, so a backend can grant newer ones first.
  const capabilities = caps === undefined ? DEFAULT_CAPABILITIES : (caps as string[]).filter(isCapability)
  return { room, identity: sub, name: normalizedName, capabilities }
}

/**
 * A name claim passes the same rules as `join.name` (the protocol's `PeerName`), since it is
 * relayed to every peer just the same; it is NFC-normalised and must still fit afterwards.
 */
function readName(name: unknown): string | undefined {
  if (!Value.Check(PeerName, name)) return undefined
  const normalized = normalizeName(name)
  return normalized.length <= WIRE_LIMITS.nameLength ? normalized : undefined
}

function classify(error: unknown): AuthResult {
  if (error instanceof errors.JWTExpired) return fail('expired', 'Token has expired')
  if (error instanceof errors.JWSSignatureVerificationFailed) return fail('bad-signature', 'Token signature is invalid')
  // A key of the wrong type for the header's algorithm is a forgery attempt as much as a bad signature.
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof TypeError) return fail('bad-signature', 'Token algorithm or key is not accepted')
  return fail('malformed', 'Token is malformed or misses required claims (exp, sub)')
}

function fail(reason: AuthFailureReason, message: string): AuthResult {
  return { ok: false, reason, message }
}

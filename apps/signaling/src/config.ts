import { randomBytes } from 'node:crypto'
import { WIRE_LIMITS, type IceServer } from '@peerlane/protocol'
import type { LevelWithSilent, Logger } from 'pino'
import { createLogger } from './logger.js'

/** Options of `createSignalingServer`. Every field is optional; the defaults are in `DEFAULT_CONFIG`. */
export interface SignalingConfig {
  /** TCP port to listen on; `0` picks a free one (tests). */
  port?: number
  /** Interface to bind. */
  host?: string
  /** Directory of the built web app (e.g. `apps/web/dist`); without it only `/healthz` and WebSockets are served. */
  staticDir?: string
  /** Largest accepted WebSocket frame in bytes; a bigger one closes the socket with 1009. */
  maxPayload?: number
  /** Interval of the ping/pong heartbeat; a socket that missed the previous pong is terminated. */
  heartbeatIntervalMs?: number
  /** The relay latency histogram observes one relayed frame in this many (1: every frame). */
  relayLatencySampleEvery?: number
  /** Peers a room may hold; one more gets a `room-full` error. */
  maxPeersPerRoom?: number
  /** ICE servers announced to every peer in `welcome` (static STUN/TURN; TURN from `turnSecret` is added after them). */
  iceServers?: IceServer[]
  /**
   * coturn's `static-auth-secret` (`use-auth-secret`): with it and `turnUrls`, every `welcome`
   * carries ephemeral TURN credentials, renewed with `ice-servers` before they expire.
   */
  turnSecret?: string
  /** `turn:` / `turns:` URLs of the TURN server(s) that share `turnSecret`. */
  turnUrls?: readonly string[]
  /** Lifetime of one TURN credential, in seconds (10 s to 7 days). */
  turnTtlSeconds?: number
  /** PEM certificate (chain) to serve https/wss directly; needs `tlsKey`. */
  tlsCert?: string | Buffer
  /** PEM private key of `tlsCert`. */
  tlsKey?: string | Buffer
  /** A pino logger, or the level of a new one writing to stdout. */
  logger?: Logger | LevelWithSilent
  /** Bytes queued on a socket beyond which the peer is considered stuck and is terminated. */
  maxBufferedAmount?: number
  /** How long `close()` waits for clients to answer the 1001 close frame before cutting them off. */
  shutdownTimeoutMs?: number
  /** How long a peer whose socket dropped stays in its room, waiting to resume, before the others hear `peer-left`. 0 disables resume. */
  resumeGraceMs?: number
  /** Frames queued for a peer during its grace period; the oldest are dropped past this. */
  maxQueuedFrames?: number
  /**
   * Key that signs resume tokens. Give every node (and every restart) the same secret so a
   * session survives a restart or moves to another node; by default a random one per process.
   */
  resumeSecret?: string
  /** How long a resume token stays valid after its `welcome`. */
  resumeTokenTtlMs?: number
  /** HS256 secret for room tokens (at least 32 characters). With it (or `authPublicKey`) every `join` needs a token. */
  authSecret?: string
  /** ES256 public key for room tokens: PEM "PUBLIC KEY" or a JWK as JSON text. */
  authPublicKey?: string
  /** A second join with a token identity already in the room: `replace` the old session (closed with 4002) or `reject` the new join (`identity-in-use`). */
  duplicateIdentity?: DuplicateIdentityPolicy
  /** Browser origins allowed besides this server's own and loopback ones (`https://app.example.com`); `'*'` allows all. */
  allowedOrigins?: readonly string[]
  /** Open connections the server accepts; more are closed with 1013. */
  maxConnections?: number
  /** New connections per second from one IP address (bursts of the same size pass); more are closed with 1013. */
  maxConnectionsPerIpPerSecond?: number
  /** Rooms the server holds; a join that would create one more gets `server-full`. */
  maxRooms?: number
  /** Sustained frames per second per connection (bursts of twice this pass); excess gets `rate-limited`. */
  maxMessagesPerSecond?: number
  /** Sustained bytes per second per connection (bursts of twice this pass); excess gets `rate-limited`. */
  maxBytesPerSecond?: number
  /** Rate-limited frames within about ten seconds after which the connection is closed with 1008. */
  rateLimitDisconnectAfter?: number
  /** Longest SDP accepted in an offer or answer, in characters (at most the protocol's cap). */
  maxSdpLength?: number
  /** Longest ICE candidate line accepted, in characters (at most the protocol's cap). */
  maxCandidateLength?: number
  /** Longest display name accepted in `join`, in characters (at most the protocol's cap). */
  maxNameLength?: number
  /** How long a drain waits, after telling clients `draining`, before closing the rest with 1012. */
  drainTimeoutMs?: number
  /** The reconnect delay suggested to clients in `draining`. */
  drainReconnectAfterMs?: number
  /** UTF-8 bytes queued for one peer during its grace period; the oldest frames are dropped past this. */
  maxQueuedBytes?: number
  /** UTF-8 bytes queued over all peers in their grace period; past this the longest-queueing peer loses its oldest frames. */
  maxQueuedBytesTotal?: number
  /** Joins per IP (IPv6: per /64) and minute that fail or name a room that does not exist yet; more get `too-many-joins`. */
  joinFailuresPerIpPerMinute?: number
  /** Resume tokens revoked by `leave` remembered at once (until their expiry); past this the oldest revocation falls back to expiry. */
  maxRevokedResumeTokens?: number
  /** Open WebSocket connections from one client address (see `trustProxy`); more are closed with 1013. */
  maxOpenConnectionsPerIp?: number
  /** How long a socket may stay open without being in a room (never joined, or left); then it is closed with 4003. */
  joinTimeoutMs?: number
  /** TCP connections that have not yet sent a complete request (HTTP or WebSocket upgrade); more are dropped at once. */
  maxPendingUpgrades?: number
  /** The same per remote address; connections from a `trustProxy` address count only against the total. */
  maxPendingUpgradesPerIp?: number
  /** How long a new TCP connection may take to send its request headers before it is dropped (also Node's `headersTimeout`). */
  upgradeTimeoutMs?: number
  /**
   * Addresses or CIDR ranges of the reverse proxies in front of this server (`127.0.0.1`,
   * `10.0.0.0/8`). Only a request from one of them has its `X-Forwarded-For` read: the client is
   * the rightmost hop that is not itself a trusted proxy. Empty (default): the TCP peer is the client.
   */
  trustProxy?: readonly string[]
  /**
   * Cluster mode: `redis://` or `rediss://` URL of the Redis every node shares. Rooms, presence,
   * identities and revocations then hold across nodes, and peers on other nodes are reached over
   * Redis pub/sub. Needs a shared `resumeSecret`. Without it (default) the server keeps all in memory.
   */
  redisUrl?: string
  /** Cluster mode: how often a node renews its liveness key; a node silent for three of these is dead. */
  clusterHeartbeatMs?: number
  /** The URL users open (`https://call.example.com`): its origin is the server's own for the Origin check and the CSP's `connect-src`. */
  publicUrl?: string
  /** Interface of the separate `/metrics` listener. */
  metricsHost?: string
  /** Port of a separate listener that serves only `/metrics` (`0` picks a free one); without it there is no such listener. */
  metricsPort?: number
  /** Serve `/metrics` on the public port too; off by default, as it reveals process internals and costs CPU per scrape. */
  metricsPublic?: boolean
}

export type DuplicateIdentityPolicy = 'replace' | 'reject'

export interface ResolvedConfig {
  readonly port: number
  readonly host: string
  readonly staticDir: string | undefined
  readonly maxPayload: number
  readonly heartbeatIntervalMs: number
  readonly relayLatencySampleEvery: number
  readonly maxPeersPerRoom: number
  readonly iceServers: readonly IceServer[]
  readonly turnSecret: string | undefined
  readonly turnUrls: readonly string[]
  readonly turnTtlSeconds: number
  readonly tlsCert: string | Buffer | undefined
  readonly tlsKey: string | Buffer | undefined
  readonly logger: Logger
  readonly maxBufferedAmount: number
  readonly shutdownTimeoutMs: number
  readonly resumeGraceMs: number
  readonly maxQueuedFrames: number
  readonly resumeSecret: string
  /** True when no `resumeSecret` was given: a restart then cannot resume any session. */
  readonly resumeSecretRandom: boolean
  readonly resumeTokenTtlMs: number
  readonly authSecret: string | undefined
  readonly authPublicKey: string | undefined
  readonly duplicateIdentity: DuplicateIdentityPolicy
  readonly allowedOrigins: readonly string[]
  readonly maxConnections: number
  readonly maxConnectionsPerIpPerSecond: number
  readonly maxRooms: number
  readonly maxMessagesPerSecond: number
  readonly maxBytesPerSecond: number
  readonly rateLimitDisconnectAfter: number
  readonly maxSdpLength: number
  readonly maxCandidateLength: number
  readonly maxNameLength: number
  readonly drainTimeoutMs: number
  readonly drainReconnectAfterMs: number
  readonly maxQueuedBytes: number
  readonly maxQueuedBytesTotal: number
  readonly joinFailuresPerIpPerMinute: number
  readonly maxRevokedResumeTokens: number
  readonly maxOpenConnectionsPerIp: number
  readonly joinTimeoutMs: number
  readonly maxPendingUpgrades: number
  readonly maxPendingUpgradesPerIp: number
  readonly upgradeTimeoutMs: number
  readonly trustProxy: readonly string[]
  readonly publicUrl: string | undefined
  readonly redisUrl: string | undefined
  readonly clusterHeartbeatMs: number
  readonly metricsHost: string
  readonly metricsPort: number | undefined
  readonly metricsPublic: boolean
}

/** The one place server defaults live; the CLI, README and tests refer to these. */
export const DEFAULT_CONFIG = {
  port: 8080,
  host: '127.0.0.1',
  maxPayload: 64 * 1024,
  heartbeatIntervalMs: 30_000,
  // Reading the clock and observing on every frame costs more than the histogram is worth.
  relayLatencySampleEvery: 16,
  maxPeersPerRoom: 50,
  iceServers: [] as readonly IceServer[],
  turnUrls: [] as readonly string[],
  // Long enough that a call rarely sees a renewal, short enough that a leaked credential soon dies.
  turnTtlSeconds: 3600,
  // Silent so library users and tests get no output unless they ask for it.
  logLevel: 'silent' as LevelWithSilent,
  maxBufferedAmount: 1024 * 1024,
  shutdownTimeoutMs: 2_000,
  resumeGraceMs: 20_000,
  maxQueuedFrames: 256,
  resumeTokenTtlMs: 24 * 60 * 60 * 1000,
  // Replacing lets a user who reloads or switches device take over at once; the stale tab gets 4002.
  duplicateIdentity: 'replace' as DuplicateIdentityPolicy,
  allowedOrigins: [] as readonly string[],
  maxConnections: 10_000,
  maxConnectionsPerIpPerSecond: 20,
  maxRooms: 10_000,
  // A call setup is one offer or answer plus tens of candidates; 50/s with bursts of 100 never
  // touches it, while a flooder is stopped within a fraction of a second.
  maxMessagesPerSecond: 50,
  maxBytesPerSecond: 256 * 1024,
  rateLimitDisconnectAfter: 100,
  maxSdpLength: WIRE_LIMITS.sdpLength,
  maxCandidateLength: WIRE_LIMITS.candidateLength,
  maxNameLength: WIRE_LIMITS.nameLength,
  drainTimeoutMs: 10_000,
  drainReconnectAfterMs: 1_000,
  // A full renegotiation (an offer of a few kilobytes and its candidates) fits many times over;
  // 128 peers at their cap fill the total.
  maxQueuedBytes: 256 * 1024,
  maxQueuedBytesTotal: 32 * 1024 * 1024,
  // A user creates a room now and then; a guesser needs thousands of tries.
  joinFailuresPerIpPerMinute: 20,
  // About 8 MiB at most: each entry is a 12-character peer id and its expiry.
  maxRevokedResumeTokens: 65_536,
  // Far below maxConnections, so one address cannot hold every slot; a household or office behind
  // one NAT address still fits.
  maxOpenConnectionsPerIp: 32,
  joinTimeoutMs: 30_000,
  maxPendingUpgrades: 1_024,
  // A request head arrives within milliseconds, so even a NAT address's burst of connects rarely
  // has more than a few pending at once; a slowloris needs thousands.
  maxPendingUpgradesPerIp: 32,
  // Node alone drops a socket that never completes its headers only after about 95 s.
  upgradeTimeoutMs: 10_000,
  trustProxy: [] as readonly string[],
  // A dead node is noticed within three of these (its liveness key's lifetime), then its peers get
  // the resume grace period before the room hears they left.
  clusterHeartbeatMs: 2_000,
  metricsHost: '127.0.0.1',
  metricsPublic: false,
} as const

/** Lifetime of a token minted by `peerlane-signaling token` unless `--ttl` says otherwise: one hour. */
export const DEFAULT_TOKEN_TTL_SECONDS = 3600

export function resolveConfig(config: SignalingConfig = {}): ResolvedConfig {
  const logger = config.logger ?? DEFAULT_CONFIG.logLevel
  return {
    port: config.port ?? DEFAULT_CONFIG.port,
    host: config.host ?? DEFAULT_CONFIG.host,
    staticDir: config.staticDir,
    maxPayload: config.maxPayload ?? DEFAULT_CONFIG.maxPayload,
    heartbeatIntervalMs: config.heartbeatIntervalMs ?? DEFAULT_CONFIG.heartbeatIntervalMs,
    relayLatencySampleEvery: config.relayLatencySampleEvery ?? DEFAULT_CONFIG.relayLatencySampleEvery,
    maxPeersPerRoom: config.maxPeersPerRoom ?? DEFAULT_CONFIG.maxPeersPerRoom,
    iceServers: config.iceServers ?? DEFAULT_CONFIG.iceServers,
    turnSecret: config.turnSecret,
    turnUrls: config.turnUrls ?? DEFAULT_CONFIG.turnUrls,
    turnTtlSeconds: config.turnTtlSeconds ?? DEFAULT_CONFIG.turnTtlSeconds,
    tlsCert: config.tlsCert,
    tlsKey: config.tlsKey,
    logger: typeof logger === 'string' ? createLogger(logger) : logger,
    maxBufferedAmount: config.maxBufferedAmount ?? DEFAULT_CONFIG.maxBufferedAmount,
    shutdownTimeoutMs: config.shutdownTimeoutMs ?? DEFAULT_CONFIG.shutdownTimeoutMs,
    resumeGraceMs: config.resumeGraceMs ?? DEFAULT_CONFIG.resumeGraceMs,
    maxQueuedFrames: config.maxQueuedFrames ?? DEFAULT_CONFIG.maxQueuedFrames,
    resumeSecret: config.resumeSecret ?? randomBytes(32).toString('base64url'),
    resumeSecretRandom: config.resumeSecret === undefined,
    resumeTokenTtlMs: config.resumeTokenTtlMs ?? DEFAULT_CONFIG.resumeTokenTtlMs,
    authSecret: config.authSecret,
    authPublicKey: config.authPublicKey,
    duplicateIdentity: config.duplicateIdentity ?? DEFAULT_CONFIG.duplicateIdentity,
    allowedOrigins: config.allowedOrigins ?? DEFAULT_CONFIG.allowedOrigins,
    maxConnections: config.maxConnections ?? DEFAULT_CONFIG.maxConnections,
    maxConnectionsPerIpPerSecond: config.maxConnectionsPerIpPerSecond ?? DEFAULT_CONFIG.maxConnectionsPerIpPerSecond,
    maxRooms: config.maxRooms ?? DEFAULT_CONFIG.maxRooms,
    maxMessagesPerSecond: config.maxMessagesPerSecond ?? DEFAULT_CONFIG.maxMessagesPerSecond,
    maxBytesPerSecond: config.maxBytesPerSecond ?? DEFAULT_CONFIG.maxBytesPerSecond,
    rateLimitDisconnectAfter: config.rateLimitDisconnectAfter ?? DEFAULT_CONFIG.rateLimitDisconnectAfter,
    maxSdpLength: config.maxSdpLength ?? DEFAULT_CONFIG.maxSdpLength,
    maxCandidateLength: config.maxCandidateLength ?? DEFAULT_CONFIG.maxCandidateLength,
    maxNameLength: config.maxNameLength ?? DEFAULT_CONFIG.maxNameLength,
    drainTimeoutMs: config.drainTimeoutMs ?? DEFAULT_CONFIG.drainTimeoutMs,
    drainReconnectAfterMs: config.drainReconnectAfterMs ?? DEFAULT_CONFIG.drainReconnectAfterMs,
    maxQueuedBytes: config.maxQueuedBytes ?? DEFAULT_CONFIG.maxQueuedBytes,
    maxQueuedBytesTotal: config.maxQueuedBytesTotal ?? DEFAULT_CONFIG.maxQueuedBytesTotal,
    joinFailuresPerIpPerMinute: config.joinFailuresPerIpPerMinute ?? DEFAULT_CONFIG.joinFailuresPerIpPerMinute,
    maxRevokedResumeTokens: config.maxRevokedResumeTokens ?? DEFAULT_CONFIG.maxRevokedResumeTokens,
    maxOpenConnectionsPerIp: config.maxOpenConnectionsPerIp ?? DEFAULT_CONFIG.maxOpenConnectionsPerIp,
    joinTimeoutMs: config.joinTimeoutMs ?? DEFAULT_CONFIG.joinTimeoutMs,
    maxPendingUpgrades: config.maxPendingUpgrades ?? DEFAULT_CONFIG.maxPendingUpgrades,
    maxPendingUpgradesPerIp: config.maxPendingUpgradesPerIp ?? DEFAULT_CONFIG.maxPendingUpgradesPerIp,
    upgradeTimeoutMs: config.upgradeTimeoutMs ?? DEFAULT_CONFIG.upgradeTimeoutMs,
    trustProxy: config.trustProxy ?? DEFAULT_CONFIG.trustProxy,
    publicUrl: config.publicUrl,
    redisUrl: config.redisUrl,
    clusterHeartbeatMs: config.clusterHeartbeatMs ?? DEFAULT_CONFIG.clusterHeartbeatMs,
    metricsHost: config.metricsHost ?? DEFAULT_CONFIG.metricsHost,
    metricsPort: config.metricsPort,
    metricsPublic: config.metricsPublic ?? DEFAULT_CONFIG.metricsPublic,
  }
}

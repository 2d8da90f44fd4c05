import { randomBytes } from 'node:crypto'
import type { IceServer } from '@peerlane/protocol'
import { pino, type LevelWithSilent, type Logger } from 'pino'

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
  /** Peers a room may hold; one more gets a `room-full` error. */
  maxPeersPerRoom?: number
  /** ICE servers announced to every peer in `welcome`. */
  iceServers?: IceServer[]
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
}

export interface ResolvedConfig {
  readonly port: number
  readonly host: string
  readonly staticDir: string | undefined
  readonly maxPayload: number
  readonly heartbeatIntervalMs: number
  readonly maxPeersPerRoom: number
  readonly iceServers: readonly IceServer[]
  readonly logger: Logger
  readonly maxBufferedAmount: number
  readonly shutdownTimeoutMs: number
  readonly resumeGraceMs: number
  readonly maxQueuedFrames: number
  readonly resumeSecret: string
  readonly resumeTokenTtlMs: number
}

/** The one place server defaults live; the CLI, README and tests refer to these. */
export const DEFAULT_CONFIG = {
  port: 8080,
  host: '127.0.0.1',
  maxPayload: 64 * 1024,
  heartbeatIntervalMs: 30_000,
  maxPeersPerRoom: 50,
  iceServers: [] as readonly IceServer[],
  // Silent so library users and tests get no output unless they ask for it.
  logLevel: 'silent' as LevelWithSilent,
  maxBufferedAmount: 1024 * 1024,
  shutdownTimeoutMs: 2_000,
  resumeGraceMs: 20_000,
  maxQueuedFrames: 256,
  resumeTokenTtlMs: 24 * 60 * 60 * 1000,
} as const

export function resolveConfig(config: SignalingConfig = {}): ResolvedConfig {
  const logger = config.logger ?? DEFAULT_CONFIG.logLevel
  return {
    port: config.port ?? DEFAULT_CONFIG.port,
    host: config.host ?? DEFAULT_CONFIG.host,
    staticDir: config.staticDir,
    maxPayload: config.maxPayload ?? DEFAULT_CONFIG.maxPayload,
    heartbeatIntervalMs: config.heartbeatIntervalMs ?? DEFAULT_CONFIG.heartbeatIntervalMs,
    maxPeersPerRoom: config.maxPeersPerRoom ?? DEFAULT_CONFIG.maxPeersPerRoom,
    iceServers: config.iceServers ?? DEFAULT_CONFIG.iceServers,
    logger: typeof logger === 'string' ? pino({ name: 'peerlane-signaling', level: logger }) : logger,
    maxBufferedAmount: config.maxBufferedAmount ?? DEFAULT_CONFIG.maxBufferedAmount,
    shutdownTimeoutMs: config.shutdownTimeoutMs ?? DEFAULT_CONFIG.shutdownTimeoutMs,
    resumeGraceMs: config.resumeGraceMs ?? DEFAULT_CONFIG.resumeGraceMs,
    maxQueuedFrames: config.maxQueuedFrames ?? DEFAULT_CONFIG.maxQueuedFrames,
    resumeSecret: config.resumeSecret ?? randomBytes(32).toString('base64url'),
    resumeTokenTtlMs: config.resumeTokenTtlMs ?? DEFAULT_CONFIG.resumeTokenTtlMs,
  }
}

import { WIRE_LIMITS } from '@peerlane/protocol'
import { settingOption } from './cli-args.js'
import { isProxyEntry } from './client-address.js'
import type { ResolvedConfig } from './config.js'

/** A configuration the server refuses to start with; `field` names the option. */
export class ConfigError extends Error {
  readonly code = 'PEERLANE_ERR_CONFIG'
  readonly field: string
  constructor(field: string, message: string, options?: ErrorOptions) {
    // Operators set options by flag or environment variable, API users by field: name all three.
    const option = settingOption(field)
    super(`${field}${option === undefined ? '' : ` (${option})`} ${message}`, options)
    this.name = 'ConfigError'
    this.field = field
  }
}

type NumericField = {
  [K in keyof ResolvedConfig]: ResolvedConfig[K] extends number ? K : never
}[keyof ResolvedConfig]

const POSITIVE: readonly NumericField[] = [
  'maxPayload',
  'heartbeatIntervalMs',
  'relayLatencySampleEvery',
  'maxPeersPerRoom',
  'knockTimeoutMs',
  'maxWaitingPerRoom',
  'maxBufferedAmount',
  'maxConnections',
  'maxConnectionsPerIpPerSecond',
  'maxRooms',
  'maxMessagesPerSecond',
  'maxBytesPerSecond',
  'rateLimitDisconnectAfter',
  'maxSdpLength',
  'maxCandidateLength',
  'maxNameLength',
  'maxQueuedBytes',
  'maxQueuedBytesTotal',
  'joinFailuresPerIpPerMinute',
  'maxRevokedResumeTokens',
  'maxOpenConnectionsPerIp',
  'joinTimeoutMs',
  'maxPendingUpgrades',
  'maxPendingUpgradesPerIp',
  'upgradeTimeoutMs',
  'clusterHeartbeatMs',
]
const NON_NEGATIVE: readonly NumericField[] = ['shutdownTimeoutMs', 'drainTimeoutMs', 'drainReconnectAfterMs']
// Operators may tighten the protocol's field caps, never loosen them: clients validate against those.
const CAPPED: readonly [NumericField, number][] = [
  ['maxSdpLength', WIRE_LIMITS.sdpLength],
  ['maxCandidateLength', WIRE_LIMITS.candidateLength],
  ['maxNameLength', WIRE_LIMITS.nameLength],
]

/** The first problem with the operational limits, auth policy and origins; undefined when all is well. */
export function checkConfig(config: ResolvedConfig): ConfigError | undefined {
  for (const field of POSITIVE) {
    const value = config[field]
    if (!Number.isFinite(value) || value <= 0) return new ConfigError(field, `must be a positive number, got ${value}`)
  }
  for (const field of NON_NEGATIVE) {
    const value = config[field]
    if (!Number.isFinite(value) || value < 0) return new ConfigError(field, `must be zero or more, got ${value}`)
  }
  for (const [field, cap] of CAPPED) {
    if (config[field] > cap) return new ConfigError(field, `must be at most the protocol's limit of ${cap}, got ${config[field]}`)
  }
  if (config.duplicateIdentity !== 'replace' && config.duplicateIdentity !== 'reject') {
    return new ConfigError('duplicateIdentity', `must be "replace" or "reject", got "${String(config.duplicateIdentity)}"`)
  }
  for (const origin of config.allowedOrigins) {
    if (origin !== '*' && !isOrigin(origin)) {
      return new ConfigError('allowedOrigins', `entries must be origins like https://app.example.com (scheme, host, optional port), got "${origin}"`)
    }
  }
  return checkNetworkConfig(config) ?? checkTurnConfig(config) ?? checkTlsConfig(config) ?? checkClusterConfig(config)
}

// Bounds on the lifetime: below it a renewal would race its own delivery; above it a leaked
// credential stays usable for longer than any call needs.
const TURN_TTL_SECONDS = { min: 10, max: 7 * 24 * 3600 } as const
const MAX_TURN_URLS = 8
const MAX_TURN_URL_LENGTH = 256
const TURN_URL = /^turns?:(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?(\?transport=(udp|tcp))?$/

function checkTurnConfig(config: ResolvedConfig): ConfigError | undefined {
  const { turnSecret, turnUrls, turnTtlSeconds } = config
  if (turnSecret === undefined && turnUrls.length === 0) return undefined
  if (turnSecret === undefined) return new ConfigError('turnSecret', 'must be set (the TURN server\'s static-auth-secret) when turnUrls is given')
  if (turnSecret.length < 16) return new ConfigError('turnSecret', 'must be at least 16 characters')
  if (turnUrls.length === 0) return new ConfigError('turnUrls', 'must list at least one turn: or turns: URL when turnSecret is set')
  // Every welcome and renewal carries the list: keep it to a few hundred bytes per URL.
  if (turnUrls.length > MAX_TURN_URLS) return new ConfigError('turnUrls', `must list at most ${MAX_TURN_URLS} URLs, got ${turnUrls.length}`)
  for (const url of turnUrls) {
    if (url.length > MAX_TURN_URL_LENGTH || !TURN_URL.test(url)) return new ConfigError('turnUrls', `entries must be turn: or turns: URLs like turn:turn.example.com:3478?transport=udp, got "${url}"`)
  }
  if (!Number.isInteger(turnTtlSeconds) || turnTtlSeconds < TURN_TTL_SECONDS.min || turnTtlSeconds > TURN_TTL_SECONDS.max) {
    return new ConfigError('turnTtlSeconds', `must be a whole number of seconds from ${TURN_TTL_SECONDS.min} to ${TURN_TTL_SECONDS.max}, got ${turnTtlSeconds}`)
  }
  return undefined
}

function checkClusterConfig(config: ResolvedConfig): ConfigError | undefined {
  const { redisUrl } = config
  if (redisUrl === undefined) return undefined
  if (!/^rediss?:$/.test(urlProtocol(redisUrl) ?? '')) return new ConfigError('redisUrl', `must be a redis:// or rediss:// URL, got "${redisUrl.replace(/\/\/[^@/]*@/, '//…@')}"`)
  // A token signed by one node must verify on every other, or no session could move between them.
  if (config.resumeSecretRandom) return new ConfigError('resumeSecret', 'must be set (the same on every node) in cluster mode, e.g. with --resume-secret-file')
  return undefined
}

function checkTlsConfig(config: ResolvedConfig): ConfigError | undefined {
  if ((config.tlsCert === undefined) === (config.tlsKey === undefined)) return undefined
  return config.tlsCert === undefined ? new ConfigError('tlsCert', 'must be given with tlsKey') : new ConfigError('tlsKey', 'must be given with tlsCert')
}

function checkNetworkConfig(config: ResolvedConfig): ConfigError | undefined {
  for (const entry of config.trustProxy) {
    if (!isProxyEntry(entry)) return new ConfigError('trustProxy', `entries must be IP addresses or CIDR ranges like 10.0.0.0/8, got "${entry}"`)
  }
  if (config.publicUrl !== undefined && !/^https?:$/.test(urlProtocol(config.publicUrl) ?? '')) {
    return new ConfigError('publicUrl', `must be an http(s) URL like https://call.example.com, got "${config.publicUrl}"`)
  }
  const { metricsPort } = config
  if (metricsPort !== undefined && (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65_535)) {
    return new ConfigError('metricsPort', `must be an integer from 0 to 65535, got ${metricsPort}`)
  }
  return undefined
}

function urlProtocol(text: string): string | undefined {
  try {
    return new URL(text).protocol
  } catch {
    return undefined
  }
}

function isOrigin(text: string): boolean {
  try {
    return new URL(text).origin === text.toLowerCase().replace(/\/$/, '')
  } catch {
    return false
  }
}

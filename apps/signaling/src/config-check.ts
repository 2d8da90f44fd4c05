import { WIRE_LIMITS } from '@peerlane/protocol'
import { settingOption } from './cli-args.js'
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
  'maxPeersPerRoom',
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
  return undefined
}

function isOrigin(text: string): boolean {
  try {
    return new URL(text).origin === text.toLowerCase().replace(/\/$/, '')
  } catch {
    return false
  }
}

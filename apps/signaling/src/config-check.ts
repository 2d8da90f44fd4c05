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
  return checkNetworkConfig(config)
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

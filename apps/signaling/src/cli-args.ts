import { parseArgs, type ParseArgsConfig } from 'node:util'
import { IceServer } from '@peerlane/protocol'
import { Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import type { LevelWithSilent } from 'pino'
import { joinDashedValues } from './dashed-values.js'
import { DEFAULT_CONFIG, type SignalingConfig } from './config.js'

export interface CliOptions {
  readonly port: number
  readonly host: string
  readonly staticDir: string | undefined
  readonly iceServers: IceServer[]
  readonly logLevel: LevelWithSilent
  readonly resumeSecret: string | undefined
  /** A file holding the resume secret, created (mode 0600) with a random one when missing; main.ts reads it. */
  readonly resumeSecretFile: string | undefined
  readonly resumeGraceMs: number
  /** Auth, origin, limit and drain settings; only those given on the command line or in the environment. */
  readonly settings: CliSettings
}

type NumericSetting =
  | 'maxPayload'
  | 'heartbeatIntervalMs'
  | 'maxPeersPerRoom'
  | 'maxBufferedAmount'
  | 'maxConnections'
  | 'maxConnectionsPerIpPerSecond'
  | 'maxRooms'
  | 'maxMessagesPerSecond'
  | 'maxBytesPerSecond'
  | 'rateLimitDisconnectAfter'
  | 'maxSdpLength'
  | 'maxCandidateLength'
  | 'maxNameLength'
  | 'drainTimeoutMs'
  | 'drainReconnectAfterMs'
  | 'maxQueuedBytes'
  | 'maxQueuedBytesTotal'
  | 'joinFailuresPerIpPerMinute'
  | 'maxRevokedResumeTokens'
  | 'maxOpenConnectionsPerIp'
  | 'joinTimeoutMs'
  | 'maxPendingUpgrades'
  | 'maxPendingUpgradesPerIp'
  | 'upgradeTimeoutMs'
  | 'clusterHeartbeatMs'

export type CliSettings = Partial<
  Pick<SignalingConfig, NumericSetting | 'authSecret' | 'authPublicKey' | 'duplicateIdentity' | 'allowedOrigins' | NetworkSetting | TurnSetting | 'redisUrl'>
> & {
  /** A file holding the ES256 public key; main.ts reads it. */
  readonly authPublicKeyFile?: string
  /** PEM files of the TLS certificate and key; main.ts reads them. */
  readonly tlsCertFile?: string
  readonly tlsKeyFile?: string
}

type TurnSetting = 'turnSecret' | 'turnUrls' | 'turnTtlSeconds'

type NetworkSetting = 'trustProxy' | 'publicUrl' | 'metricsHost' | 'metricsPort' | 'metricsPublic'

// Flag, environment variable, config field and help text of every whole-number setting; the
// defaults shown in --help come from DEFAULT_CONFIG.
const NUMERIC_SETTINGS: readonly (readonly [flag: string, env: string, field: NumericSetting, help: string])[] = [
  ['max-payload', 'PEERLANE_MAX_PAYLOAD', 'maxPayload', 'largest frame in bytes; bigger closes with 1009'],
  ['heartbeat-interval-ms', 'PEERLANE_HEARTBEAT_INTERVAL_MS', 'heartbeatIntervalMs', 'ping interval; a socket missing a pong is cut'],
  ['max-peers-per-room', 'PEERLANE_MAX_PEERS_PER_ROOM', 'maxPeersPerRoom', 'peers per room; more get room-full'],
  ['max-buffered-amount', 'PEERLANE_MAX_BUFFERED_AMOUNT', 'maxBufferedAmount', 'bytes queued to a client that stopped reading before it is cut'],
  ['max-connections', 'PEERLANE_MAX_CONNECTIONS', 'maxConnections', 'open connections; more are closed with 1013'],
  ['max-connections-per-ip', 'PEERLANE_MAX_CONNECTIONS_PER_IP', 'maxConnectionsPerIpPerSecond', 'new connections per second per IP; more closed with 1013'],
  ['max-rooms', 'PEERLANE_MAX_ROOMS', 'maxRooms', 'rooms on this server; a join creating one more gets server-full'],
  ['max-messages-per-second', 'PEERLANE_MAX_MESSAGES_PER_SECOND', 'maxMessagesPerSecond', 'frames per second per connection (burst 2x); excess gets rate-limited'],
  ['max-bytes-per-second', 'PEERLANE_MAX_BYTES_PER_SECOND', 'maxBytesPerSecond', 'bytes per second per connection (burst 2x); excess gets rate-limited'],
  ['rate-limit-disconnect-after', 'PEERLANE_RATE_LIMIT_DISCONNECT_AFTER', 'rateLimitDisconnectAfter', 'rate-limited frames within ~10 s before closing with 1008'],
  ['max-sdp-length', 'PEERLANE_MAX_SDP_LENGTH', 'maxSdpLength', 'characters of SDP in an offer or answer'],
  ['max-candidate-length', 'PEERLANE_MAX_CANDIDATE_LENGTH', 'maxCandidateLength', 'characters of an ICE candidate line'],
  ['max-name-length', 'PEERLANE_MAX_NAME_LENGTH', 'maxNameLength', 'characters of a display name in join'],
  ['drain-timeout-ms', 'PEERLANE_DRAIN_TIMEOUT_MS', 'drainTimeoutMs', 'on SIGTERM/SIGINT, wait this long for clients to leave, then close with 1012'],
  ['drain-reconnect-after-ms', 'PEERLANE_DRAIN_RECONNECT_AFTER_MS', 'drainReconnectAfterMs', 'reconnect delay suggested to clients in draining'],
  ['max-queued-bytes', 'PEERLANE_MAX_QUEUED_BYTES', 'maxQueuedBytes', 'bytes queued for one dropped peer awaiting resume; oldest dropped past it'],
  ['max-queued-bytes-total', 'PEERLANE_MAX_QUEUED_BYTES_TOTAL', 'maxQueuedBytesTotal', 'bytes queued over all dropped peers; longest-queueing peer loses its oldest'],
  ['join-failures-per-ip-per-minute', 'PEERLANE_JOIN_FAILURES_PER_IP_PER_MINUTE', 'joinFailuresPerIpPerMinute', 'failed joins or joins creating a room per IP; more get too-many-joins'],
  ['max-revoked-resume-tokens', 'PEERLANE_MAX_REVOKED_RESUME_TOKENS', 'maxRevokedResumeTokens', 'resume tokens revoked by leave remembered until expiry'],
  ['max-open-connections-per-ip', 'PEERLANE_MAX_OPEN_CONNECTIONS_PER_IP', 'maxOpenConnectionsPerIp', 'open WebSockets per client address; more closed with 1013'],
  ['join-timeout-ms', 'PEERLANE_JOIN_TIMEOUT_MS', 'joinTimeoutMs', 'a socket in no room this long is closed with 4003'],
  ['max-pending-upgrades', 'PEERLANE_MAX_PENDING_UPGRADES', 'maxPendingUpgrades', 'connections still sending their request head; more are dropped'],
  ['max-pending-upgrades-per-ip', 'PEERLANE_MAX_PENDING_UPGRADES_PER_IP', 'maxPendingUpgradesPerIp', 'the same per remote address (trusted proxies exempt)'],
  ['upgrade-timeout-ms', 'PEERLANE_UPGRADE_TIMEOUT_MS', 'upgradeTimeoutMs', 'time to send a complete request head before the socket is dropped'],
  ['cluster-heartbeat-ms', 'PEERLANE_CLUSTER_HEARTBEAT_MS', 'clusterHeartbeatMs', 'cluster mode: liveness renewal; a node silent 3x this is dead'],
]

/** The flag and environment variable that set a config field, for errors about that field. */
export function settingOption(field: string): string | undefined {
  const numeric = NUMERIC_SETTINGS.find(([, , name]) => name === field)
  if (numeric) return `--${numeric[0]} / ${numeric[1]}`
  return OTHER_SETTINGS[field]
}

const OTHER_SETTINGS: Readonly<Record<string, string>> = {
  duplicateIdentity: '--duplicate-identity / PEERLANE_DUPLICATE_IDENTITY',
  allowedOrigins: '--allowed-origins / PEERLANE_ALLOWED_ORIGINS',
  authSecret: '--auth-secret / PEERLANE_AUTH_SECRET',
  authPublicKey: '--auth-public-key / PEERLANE_AUTH_PUBLIC_KEY',
  turnSecret: '--turn-secret / PEERLANE_TURN_SECRET',
  turnUrls: '--turn-urls / PEERLANE_TURN_URLS',
  turnTtlSeconds: '--turn-ttl / PEERLANE_TURN_TTL',
  tlsCert: '--tls-cert / PEERLANE_TLS_CERT',
  tlsKey: '--tls-key / PEERLANE_TLS_KEY',
  redisUrl: '--redis-url / PEERLANE_REDIS_URL',
  resumeSecret: '--resume-secret / --resume-secret-file / PEERLANE_RESUME_SECRET',
}

const usageLine = (left: string, env: string, text: string): string => `  ${left.padEnd(34)}${env.padEnd(38)}${text}`

export type CliParseResult =
  | { readonly ok: true; readonly help: true }
  | { readonly ok: true; readonly help: false; readonly options: CliOptions }
  | { readonly ok: false; readonly error: string }

/** The CLI logs at info by default: quiet in normal operation, warnings and errors still show. */
export const DEFAULT_CLI_LOG_LEVEL: LevelWithSilent = 'info'

const LOG_LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']
const IceServers = Type.Array(IceServer)

export const USAGE = `Usage: peerlane-signaling [options]

Peerlane's WebSocket signaling server. WebSocket upgrades are accepted on any path
(the web app uses /ws); GET /healthz reports status; --static-dir serves the web app.

Options (each flag overrides its environment variable):
  --port <n>            PORT                  TCP port, 0 for any free one (default ${DEFAULT_CONFIG.port})
  --host <addr>         HOST                  interface to bind (default ${DEFAULT_CONFIG.host})
  --static-dir <dir>    PEERLANE_STATIC_DIR   directory of the built web app to serve
  --ice-servers <json>  PEERLANE_ICE_SERVERS  JSON array of RTCIceServer objects sent in welcome
                                              (default []), e.g. '[{"urls":"stun:127.0.0.1:3478"}]'
  --log-level <level>   LOG_LEVEL             ${LOG_LEVELS.join('|')} (default ${DEFAULT_CLI_LOG_LEVEL})
  --resume-secret <s>   PEERLANE_RESUME_SECRET  key signing resume tokens; share it between restarts
                                              and nodes so calls resume there (default: random per process)
  --resume-secret-file <path>  PEERLANE_RESUME_SECRET_FILE  the same, read from a file that is
                                              created (mode 0600, random secret) when missing
  --resume-grace-ms <n> PEERLANE_RESUME_GRACE_MS  how long a dropped peer may resume before the room
                                              hears peer-left; 0 disables resume (default ${DEFAULT_CONFIG.resumeGraceMs})

Auth (room tokens; without a secret or public key any client may join any room):
${usageLine('--auth-secret <s>', 'PEERLANE_AUTH_SECRET', 'HS256 secret, at least 32 characters')}
${usageLine('--auth-public-key <pem|jwk>', 'PEERLANE_AUTH_PUBLIC_KEY', 'ES256 public key (PEM "PUBLIC KEY" or JWK JSON)')}
${usageLine('--auth-public-key-file <path>', 'PEERLANE_AUTH_PUBLIC_KEY_FILE', 'the same, read from a file')}
${usageLine('--duplicate-identity <policy>', 'PEERLANE_DUPLICATE_IDENTITY', `replace|reject a second session of a token identity (default ${DEFAULT_CONFIG.duplicateIdentity})`)}
${usageLine('--allowed-origins <list>', 'PEERLANE_ALLOWED_ORIGINS', 'comma-separated browser origins allowed besides this server\'s')}
${usageLine('', '', 'own and localhost ones; * allows all. Clients without Origin pass.')}

TURN (ephemeral credentials in the TURN REST scheme of coturn's use-auth-secret, merged
after --ice-servers and renewed on the socket before they expire):
${usageLine('--turn-secret <s>', 'PEERLANE_TURN_SECRET', 'coturn\'s static-auth-secret, at least 16 characters')}
${usageLine('--turn-urls <list>', 'PEERLANE_TURN_URLS', 'comma-separated turn:/turns: URLs of the servers sharing it')}
${usageLine('--turn-ttl <seconds>', 'PEERLANE_TURN_TTL', `lifetime of one credential (default ${DEFAULT_CONFIG.turnTtlSeconds})`)}

TLS (serve https and wss directly; otherwise put a TLS-terminating proxy in front):
${usageLine('--tls-cert <path>', 'PEERLANE_TLS_CERT', 'PEM certificate (chain) file')}
${usageLine('--tls-key <path>', 'PEERLANE_TLS_KEY', 'PEM private key file')}

Cluster (several nodes behind any load balancer, sharing one Redis; needs a shared resume secret):
${usageLine('--redis-url <url>', 'PEERLANE_REDIS_URL', 'redis:// or rediss:// URL; without it all state is in memory')}

Network (proxies, origin, metrics):
${usageLine('--trust-proxy <list>', 'PEERLANE_TRUST_PROXY', 'comma-separated proxy IPs/CIDRs whose X-Forwarded-For is read')}
${usageLine('', '', '(rightmost hop not in the list is the client; default none)')}
${usageLine('--public-url <url>', 'PEERLANE_PUBLIC_URL', 'URL users open, e.g. https://call.example.com: the server\'s own')}
${usageLine('', '', 'origin for the Origin check and the CSP (default none)')}
${usageLine('--metrics-host <addr>', 'PEERLANE_METRICS_HOST', `interface of the /metrics listener (default ${DEFAULT_CONFIG.metricsHost})`)}
${usageLine('--metrics-port <n>', 'PEERLANE_METRICS_PORT', 'port of a separate /metrics listener (default none)')}
${usageLine('--metrics-public', 'PEERLANE_METRICS_PUBLIC=1', 'also serve /metrics on the public port (default off)')}

Limits and drain (whole numbers):
${NUMERIC_SETTINGS.map(([flag, env, field, help]) => usageLine(`--${flag} <n>`, env, `${help} (default ${DEFAULT_CONFIG[field]})`)).join('\n')}

  -h, --help                                  show this help

Subcommand: peerlane-signaling token --help   mint a room token
`

/** Parses argv (without node and the script) and the environment; reads nothing else. */
const SERVER_OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'static-dir': { type: 'string' },
  'ice-servers': { type: 'string' },
  'log-level': { type: 'string' },
  'resume-secret': { type: 'string' },
  'resume-grace-ms': { type: 'string' },
  'resume-secret-file': { type: 'string' },
  'turn-secret': { type: 'string' },
  'turn-urls': { type: 'string' },
  'turn-ttl': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'auth-secret': { type: 'string' },
  'auth-public-key': { type: 'string' },
  'auth-public-key-file': { type: 'string' },
  'duplicate-identity': { type: 'string' },
  'allowed-origins': { type: 'string' },
  'trust-proxy': { type: 'string' },
  'public-url': { type: 'string' },
  'metrics-host': { type: 'string' },
  'metrics-port': { type: 'string' },
  'metrics-public': { type: 'boolean' },
  'redis-url': { type: 'string' },
  ...Object.fromEntries(NUMERIC_SETTINGS.map(([flag]) => [flag, { type: 'string' as const }])),
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>

export function parseCliArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CliParseResult {
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({
      args: joinDashedValues(argv, SERVER_OPTIONS),
      strict: true,
      allowPositionals: false,
      options: SERVER_OPTIONS,
    }).values
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) }
  }
  if (values.help === true) return { ok: true, help: true }

  const pick = (flag: string, variable: string): { value: string; source: string } | undefined => {
    const fromFlag = values[flag]
    if (typeof fromFlag === 'string') return { value: fromFlag, source: `--${flag}` }
    const fromEnv = env[variable]
    return fromEnv === undefined || fromEnv === '' ? undefined : { value: fromEnv, source: variable }
  }

  const port = pick('port', 'PORT')
  let portNumber: number = DEFAULT_CONFIG.port
  if (port) {
    portNumber = Number(port.value)
    if (!/^\d+$/.test(port.value.trim()) || portNumber > 65_535) {
      return { ok: false, error: `${port.source} must be an integer from 0 to 65535, got "${port.value}"` }
    }
  }

  const host = pick('host', 'HOST')
  if (host && !/^[A-Za-z0-9.:[\]_-]+$/.test(host.value)) {
    return { ok: false, error: `${host.source} must be a host name or IP address, got "${host.value}"` }
  }

  const staticDir = pick('static-dir', 'PEERLANE_STATIC_DIR')

  const ice = pick('ice-servers', 'PEERLANE_ICE_SERVERS')
  let iceServers: IceServer[] = []
  if (ice) {
    let parsed: unknown
    try {
      parsed = JSON.parse(ice.value)
    } catch {
      return { ok: false, error: `${ice.source} is not valid JSON: ${ice.value}` }
    }
    if (!Value.Check(IceServers, parsed)) {
      const first = Value.Errors(IceServers, parsed).First()
      const where = first?.path ? ` at ${first.path}` : ''
      return {
        ok: false,
        error: `${ice.source} must be a JSON array of { urls, username?, credential? } objects (${first?.message ?? 'invalid'}${where})`,
      }
    }
    iceServers = parsed
  }

  const level = pick('log-level', 'LOG_LEVEL')
  if (level && !(LOG_LEVELS as readonly string[]).includes(level.value)) {
    return { ok: false, error: `${level.source} must be one of ${LOG_LEVELS.join(', ')}, got "${level.value}"` }
  }

  const secret = pick('resume-secret', 'PEERLANE_RESUME_SECRET')
  if (secret && secret.value.length < 16) {
    return { ok: false, error: `${secret.source} must be at least 16 characters` }
  }

  const secretFile = pick('resume-secret-file', 'PEERLANE_RESUME_SECRET_FILE')
  if (secret && secretFile) return { ok: false, error: `give ${secret.source} or ${secretFile.source}, not both` }

  const grace = pick('resume-grace-ms', 'PEERLANE_RESUME_GRACE_MS')
  if (grace && !/^\d+$/.test(grace.value.trim())) {
    return { ok: false, error: `${grace.source} must be a whole number of milliseconds, got "${grace.value}"` }
  }

  const settings: { -readonly [K in keyof CliSettings]: CliSettings[K] } = {}
  for (const [flag, variable, field] of NUMERIC_SETTINGS) {
    const given = pick(flag, variable)
    if (!given) continue
    if (!/^\d+$/.test(given.value.trim())) return { ok: false, error: `${given.source} must be a whole number, got "${given.value}"` }
    settings[field] = Number(given.value)
  }
  const authSecret = pick('auth-secret', 'PEERLANE_AUTH_SECRET')
  if (authSecret) settings.authSecret = authSecret.value
  const publicKey = pick('auth-public-key', 'PEERLANE_AUTH_PUBLIC_KEY')
  if (publicKey) settings.authPublicKey = publicKey.value
  const publicKeyFile = pick('auth-public-key-file', 'PEERLANE_AUTH_PUBLIC_KEY_FILE')
  if (publicKeyFile) settings.authPublicKeyFile = publicKeyFile.value
  if (publicKey && publicKeyFile) return { ok: false, error: `give ${publicKey.source} or ${publicKeyFile.source}, not both` }
  const duplicate = pick('duplicate-identity', 'PEERLANE_DUPLICATE_IDENTITY')
  if (duplicate) {
    if (duplicate.value !== 'replace' && duplicate.value !== 'reject') {
      return { ok: false, error: `${duplicate.source} must be replace or reject, got "${duplicate.value}"` }
    }
    settings.duplicateIdentity = duplicate.value
  }
  const origins = pick('allowed-origins', 'PEERLANE_ALLOWED_ORIGINS')
  if (origins) settings.allowedOrigins = origins.value.split(',').map((origin) => origin.trim()).filter((origin) => origin !== '')
  const trustProxy = pick('trust-proxy', 'PEERLANE_TRUST_PROXY')
  if (trustProxy) settings.trustProxy = trustProxy.value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '')
  const publicUrl = pick('public-url', 'PEERLANE_PUBLIC_URL')
  if (publicUrl) settings.publicUrl = publicUrl.value
  const turnSecret = pick('turn-secret', 'PEERLANE_TURN_SECRET')
  if (turnSecret) settings.turnSecret = turnSecret.value
  const turnUrls = pick('turn-urls', 'PEERLANE_TURN_URLS')
  if (turnUrls) settings.turnUrls = turnUrls.value.split(',').map((url) => url.trim()).filter((url) => url !== '')
  const turnTtl = pick('turn-ttl', 'PEERLANE_TURN_TTL')
  if (turnTtl) {
    if (!/^\d+$/.test(turnTtl.value.trim())) return { ok: false, error: `${turnTtl.source} must be a whole number of seconds, got "${turnTtl.value}"` }
    settings.turnTtlSeconds = Number(turnTtl.value)
  }
  const tlsCert = pick('tls-cert', 'PEERLANE_TLS_CERT')
  const tlsKey = pick('tls-key', 'PEERLANE_TLS_KEY')
  if (tlsCert && !tlsKey) return { ok: false, error: `${tlsCert.source} needs --tls-key / PEERLANE_TLS_KEY` }
  if (tlsKey && !tlsCert) return { ok: false, error: `${tlsKey.source} needs --tls-cert / PEERLANE_TLS_CERT` }
  if (tlsCert && tlsKey) {
    settings.tlsCertFile = tlsCert.value
    settings.tlsKeyFile = tlsKey.value
  }
  const redisUrl = pick('redis-url', 'PEERLANE_REDIS_URL')
  if (redisUrl) settings.redisUrl = redisUrl.value
  const metricsHost = pick('metrics-host', 'PEERLANE_METRICS_HOST')
  if (metricsHost) settings.metricsHost = metricsHost.value.replace(/^\[(.*)\]$/, '$1')
  const metricsPort = pick('metrics-port', 'PEERLANE_METRICS_PORT')
  if (metricsPort) {
    if (!/^\d+$/.test(metricsPort.value.trim()) || Number(metricsPort.value) > 65_535) {
      return { ok: false, error: `${metricsPort.source} must be an integer from 0 to 65535, got "${metricsPort.value}"` }
    }
    settings.metricsPort = Number(metricsPort.value)
  }
  const metricsPublicEnv = env.PEERLANE_METRICS_PUBLIC
  if (values['metrics-public'] === true) settings.metricsPublic = true
  else if (metricsPublicEnv !== undefined && metricsPublicEnv !== '') {
    if (!/^(1|true|0|false)$/i.test(metricsPublicEnv)) return { ok: false, error: `PEERLANE_METRICS_PUBLIC must be 1, true, 0 or false, got "${metricsPublicEnv}"` }
    settings.metricsPublic = /^(1|true)$/i.test(metricsPublicEnv)
  }

  return {
    ok: true,
    help: false,
    options: {
      settings,
      port: portNumber,
      host: host?.value.replace(/^\[(.*)\]$/, '$1') ?? DEFAULT_CONFIG.host,
      staticDir: staticDir?.value,
      iceServers,
      logLevel: (level?.value as LevelWithSilent | undefined) ?? DEFAULT_CLI_LOG_LEVEL,
      resumeSecret: secret?.value,
      resumeSecretFile: secretFile?.value,
      resumeGraceMs: grace ? Number(grace.value) : DEFAULT_CONFIG.resumeGraceMs,
    },
  }
}

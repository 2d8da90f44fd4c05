import { parseArgs } from 'node:util'
import { IceServer } from '@peerlane/protocol'
import { Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import type { LevelWithSilent } from 'pino'
import { DEFAULT_CONFIG } from './config.js'

export interface CliOptions {
  readonly port: number
  readonly host: string
  readonly staticDir: string | undefined
  readonly iceServers: IceServer[]
  readonly logLevel: LevelWithSilent
  readonly resumeSecret: string | undefined
  readonly resumeGraceMs: number
}

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
  --resume-grace-ms <n> PEERLANE_RESUME_GRACE_MS  how long a dropped peer may resume before the room
                                              hears peer-left; 0 disables resume (default ${DEFAULT_CONFIG.resumeGraceMs})
  -h, --help                                  show this help
`

/** Parses argv (without node and the script) and the environment; reads nothing else. */
export function parseCliArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CliParseResult {
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'static-dir': { type: 'string' },
        'ice-servers': { type: 'string' },
        'log-level': { type: 'string' },
        'resume-secret': { type: 'string' },
        'resume-grace-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
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

  const grace = pick('resume-grace-ms', 'PEERLANE_RESUME_GRACE_MS')
  if (grace && !/^\d+$/.test(grace.value.trim())) {
    return { ok: false, error: `${grace.source} must be a whole number of milliseconds, got "${grace.value}"` }
  }

  return {
    ok: true,
    help: false,
    options: {
      port: portNumber,
      host: host?.value.replace(/^\[(.*)\]$/, '$1') ?? DEFAULT_CONFIG.host,
      staticDir: staticDir?.value,
      iceServers,
      logLevel: (level?.value as LevelWithSilent | undefined) ?? DEFAULT_CLI_LOG_LEVEL,
      resumeSecret: secret?.value,
      resumeGraceMs: grace ? Number(grace.value) : DEFAULT_CONFIG.resumeGraceMs,
    },
  }
}

import { randomBytes, randomInt } from 'node:crypto'
import { parseArgs } from 'node:util'
import { runCheck } from './check.js'
import { formatCheckReport } from './check-report.js'
import { RelayTestError, err, ok, type Result } from './errors.js'
import { runFuzz } from './fuzz.js'
import { formatFuzzProgress, formatFuzzReport } from './fuzz-report.js'
import { runLoad } from './load.js'
import { formatLoadProgress, formatLoadReport } from './load-report.js'
import { parseTargetUrl } from './target-url.js'
import { CHECK_USAGE, DEFAULTS, FUZZ_USAGE, LOAD_USAGE, MAIN_USAGE } from './usage.js'

export interface CliIo {
  readonly stdout: { write(text: string): unknown }
  readonly stderr: { write(text: string): unknown }
}

/** Exit codes: the report passed, it failed, or the command line was wrong. */
export const EXIT = { passed: 0, failed: 1, usage: 2 } as const

type Values = Record<string, string | boolean | undefined>
type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options']

const COMMON = { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const satisfies Options

/** Runs the CLI on `argv` (without node and the script) and resolves with the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    io.stdout.write(MAIN_USAGE)
    return command === undefined ? EXIT.usage : EXIT.passed
  }
  switch (command) {
    case 'check':
      return check(rest, io)
    case 'load':
      return load(rest, io)
    case 'fuzz':
      return fuzz(rest, io)
    default:
      return usageError(io, RelayTestError.badArgument(`unknown command "${command}"`), MAIN_USAGE)
  }
}

async function check(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parse(argv, { ...COMMON, room: { type: 'string' }, token: { type: 'string' }, timeout: { type: 'string' }, 'round-trips': { type: 'string' } })
  if (!parsed.ok) return usageError(io, parsed.error, CHECK_USAGE)
  const { url, values } = parsed.value
  if (values.help) return help(io, CHECK_USAGE)
  const config = collect({
    url: target(url),
    stepTimeoutMs: duration(values.timeout, DEFAULTS.stepTimeoutMs, '--timeout'),
    roundTrips: integer(values['round-trips'], DEFAULTS.roundTrips, '--round-trips', 1),
  })
  if (!config.ok) return usageError(io, config.error, CHECK_USAGE)
  const report = await runCheck({
    ...config.value,
    room: typeof values.room === 'string' ? values.room : `relay-test-${randomBytes(6).toString('hex')}`,
    ...(typeof values.token === 'string' ? { token: values.token } : {}),
  })
  io.stdout.write(values.json ? `${JSON.stringify(report, jsonErrors, 2)}\n` : formatCheckReport(report))
  return report.ok ? EXIT.passed : EXIT.failed
}

async function load(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parse(argv, {
    ...COMMON,
    peers: { type: 'string' },
    rooms: { type: 'string' },
    rate: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    window: { type: 'string' },
    handshake: { type: 'string' },
    token: { type: 'string' },
    'connect-timeout': { type: 'string' },
  })
  if (!parsed.ok) return usageError(io, parsed.error, LOAD_USAGE)
  const { url, values } = parsed.value
  if (values.help) return help(io, LOAD_USAGE)
  const peers = integer(values.peers, DEFAULTS.peers, '--peers', 1)
  const config = collect({
    url: target(url),
    peers,
    rooms: integer(values.rooms, peers.ok ? Math.max(1, Math.floor(peers.value / 2)) : 1, '--rooms', 1),
    rate: values.rate === 'max' ? ok<number | 'max'>('max') : integer(values.rate, DEFAULTS.rate, '--rate (or max)', 1),
    durationMs: duration(values.duration, DEFAULTS.durationMs, '--duration'),
    warmupMs: duration(values.warmup, DEFAULTS.warmupMs, '--warmup', 0),
    window: integer(values.window, DEFAULTS.window, '--window', 1),
    handshake: oneOf(values.handshake, ['join', 'url-room', 'peerjs'] as const, 'join', '--handshake'),
    connectTimeoutMs: duration(values['connect-timeout'], DEFAULTS.connectTimeoutMs, '--connect-timeout'),
  })
  if (!config.ok) return usageError(io, config.error, LOAD_USAGE)
  const c = config.value
  if (c.rooms > c.peers) return usageError(io, RelayTestError.badArgument(`--rooms (${c.rooms}) cannot exceed --peers (${c.peers})`), LOAD_USAGE)
  if (c.rate === 'max' && c.handshake === 'url-room' && c.peers > 2 * c.rooms) {
    // Each broadcast delivery would trigger another broadcast: the load would grow without bound.
    return usageError(io, RelayTestError.badArgument('--rate max with --handshake url-room needs rooms of two peers'), LOAD_USAGE)
  }
  const report = await runLoad({
    ...c,
    roomPrefix: `relay-test-load-${randomBytes(4).toString('hex')}`,
    connectConcurrency: DEFAULTS.connectConcurrency,
    drainTimeoutMs: DEFAULTS.drainTimeoutMs,
    onProgress: (progress) => io.stderr.write(formatLoadProgress(progress)),
    ...(typeof values.token === 'string' ? { token: values.token } : {}),
  })
  io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatLoadReport(report))
  return report.ok ? EXIT.passed : EXIT.failed
}

async function fuzz(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parse(argv, { ...COMMON, frames: { type: 'string' }, seed: { type: 'string' }, 'max-payload': { type: 'string' }, timeout: { type: 'string' } })
  if (!parsed.ok) return usageError(io, parsed.error, FUZZ_USAGE)
  const { url, values } = parsed.value
  if (values.help) return help(io, FUZZ_USAGE)
  const config = collect({
    url: target(url),
    count: integer(values.frames, DEFAULTS.fuzzCases, '--frames', 1),
    seed: integer(values.seed, randomInt(0, 2 ** 31), '--seed', 0),
    maxPayload: integer(values['max-payload'], DEFAULTS.maxPayload, '--max-payload', 1024),
    caseTimeoutMs: duration(values.timeout, DEFAULTS.caseTimeoutMs, '--timeout'),
  })
  if (!config.ok) return usageError(io, config.error, FUZZ_USAGE)
  const startedAt = performance.now()
  let shownAt = startedAt
  const summary = await runFuzz({
    ...config.value,
    casesPerConnection: DEFAULTS.casesPerConnection,
    onProgress: (done, total, findings) => {
      const now = performance.now()
      if (done < total && now - shownAt < DEFAULTS.progressIntervalMs) return
      shownAt = now
      io.stderr.write(formatFuzzProgress({ done, total, findings, elapsedMs: now - startedAt }))
    },
  })
  io.stdout.write(values.json ? `${JSON.stringify(summary, jsonErrors, 2)}\n` : formatFuzzReport(summary))
  return summary.ok ? EXIT.passed : EXIT.failed
}

function parse(argv: readonly string[], options: Options): Result<{ url: string | undefined; values: Values }> {
  try {
    const { values, positionals } = parseArgs({ args: negativeValuesInline(argv, options), options, allowPositionals: true, strict: true })
    if (positionals.length > 1) return err(RelayTestError.badArgument(`unexpected argument "${positionals[1]}"`))
    return ok({ url: positionals[0], values: values as Values })
  } catch (error) {
    return err(RelayTestError.badArgument(error instanceof Error ? error.message : String(error)))
  }
}

// parseArgs takes the "-5" of "--frames -5" for an option and calls it ambiguous; a negative number
// after a flag that takes a value is that flag's value, so it gets the flag's own range message.
function negativeValuesInline(argv: readonly string[], options: Options): string[] {
  const args: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    const next = argv[i + 1]
    const takesValue = arg.startsWith('--') && !arg.includes('=') && options?.[arg.slice(2)]?.type === 'string'
    if (takesValue && next !== undefined && /^-\d/.test(next)) {
      args.push(`${arg}=${next}`)
      i++
    } else args.push(arg)
  }
  return args
}

function target(text: string | undefined): Result<URL> {
  if (text === undefined) return err(RelayTestError.badArgument('missing <url>, e.g. ws://127.0.0.1:8080/ws'))
  return parseTargetUrl(text)
}

function integer(text: string | boolean | undefined, fallback: number, flag: string, min: number): Result<number> {
  if (typeof text !== 'string') return ok(fallback)
  const value = Number(text)
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min) {
    return err(RelayTestError.badArgument(`${flag} must be an integer ≥ ${min}, got "${text}"`))
  }
  return ok(value)
}

/** `10` (seconds), `10s`, `500ms` or `2m`, in milliseconds. */
function duration(text: string | boolean | undefined, fallback: number, flag: string, min = 1): Result<number> {
  if (typeof text !== 'string') return ok(fallback)
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text)
  const unit = { ms: 1, s: 1000, m: 60_000 }[match?.[2] ?? 's'] ?? 1000
  const value = match ? Math.round(Number(match[1]) * unit) : Number.NaN
  if (!(value >= min)) return err(RelayTestError.badArgument(`${flag} must be a duration like 10s, 500ms or 2m, got "${text}"`))
  return ok(value)
}

function oneOf<T extends string>(text: string | boolean | undefined, allowed: readonly T[], fallback: T, flag: string): Result<T> {
  if (typeof text !== 'string') return ok(fallback)
  return (allowed as readonly string[]).includes(text) ? ok(text as T) : err(RelayTestError.badArgument(`${flag} must be one of ${allowed.join(', ')}, got "${text}"`))
}

/** All fields' values, or the first field's error. */
function collect<T extends Record<string, Result<unknown>>>(fields: T): Result<{ [K in keyof T]: T[K] extends Result<infer V> ? V : never }> {
  const out: Record<string, unknown> = {}
  for (const [key, result] of Object.entries(fields)) {
    if (!result.ok) return result
    out[key] = result.value
  }
  return ok(out as { [K in keyof T]: T[K] extends Result<infer V> ? V : never })
}

function help(io: CliIo, usage: string): number {
  io.stdout.write(usage)
  return EXIT.passed
}

function usageError(io: CliIo, error: RelayTestError, usage: string): number {
  const hint = usage.split('\n')[0]?.replace('Usage: ', '') ?? ''
  io.stderr.write(`peerlane-relay-test: ${error.message} (${error.code})\nUsage: ${hint}\nRun with --help for details.\n`)
  return EXIT.usage
}

// Errors are values in reports; as JSON they keep their code and message.
function jsonErrors(_key: string, value: unknown): unknown {
  return value instanceof RelayTestError ? { code: value.code, message: value.message } : value
}

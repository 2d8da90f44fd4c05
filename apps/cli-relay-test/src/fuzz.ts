import { createHash } from 'node:crypto'
import { Counter } from './counter.js'
import { DOCUMENTED_CLOSE_CODES, generateCases, type FuzzCase, type FuzzCategory } from '@peerlane/protocol/testing'
import { FuzzConnection, type Exchange } from './fuzz-connection.js'
import { RelayTestError } from './errors.js'

export interface FuzzConfig {
  readonly url: URL
  readonly seed: number
  /** Hostile inputs to send (a flood of many frames counts as one). */
  readonly count: number
  /** The deployment's frame limit in bytes (Peerlane's default is 64 KiB). */
  readonly maxPayload: number
  /** How long the server may take to answer one case. */
  readonly caseTimeoutMs: number
  /** A fresh socket every this many cases, so one socket's history does not colour the rest. */
  readonly casesPerConnection: number
  readonly onProgress?: (done: number, total: number, findings: number) => void
}

export const FINDING_KINDS = {
  'accepted-invalid': 'The server neither rejected a frame the protocol forbids nor closed the socket.',
  'wrong-code': 'The server rejected a frame with a different error code than the protocol prescribes.',
  'internal-error': 'The server answered with `internal`: a handler threw.',
  'invalid-server-frame': 'The server sent a frame that is not a valid server message.',
  'undocumented-close': 'The server closed the socket with a code the protocol does not document (1006: it dropped it).',
  'no-answer': 'The server did not answer the barrier ping in time: it is stuck or dropped the frames silently.',
  'connect-failed': 'A new fuzzing socket could not connect or join midway.',
} as const
export type FindingKind = keyof typeof FINDING_KINDS

export interface FuzzFinding {
  readonly caseId: number
  readonly category: FuzzCategory
  readonly kind: FindingKind
  readonly detail: string
}

export interface FuzzSummary {
  readonly ok: boolean
  readonly target: string
  readonly seed: number
  readonly cases: number
  readonly frames: number
  readonly bytes: number
  /** SHA-256 of every frame sent, in order: equal digests mean identical runs. */
  readonly digest: string
  /** How the server answered, per category: `error:<code>`, `close:<code>`, `reply` or `silent`. */
  readonly outcomes: Record<string, Record<string, number>>
  readonly findings: readonly FuzzFinding[]
  /** A fresh socket could still connect and get a `pong` after the run. */
  readonly serverUp: boolean
  /** Set when the run could not start (e.g. the server is unreachable). */
  readonly error?: RelayTestError
}

/** Sends seeded hostile frames and checks that each gets a typed error or a documented close, and the server survives. */
export async function runFuzz(config: FuzzConfig): Promise<FuzzSummary> {
  const roomPrefix = `relay-test-fuzz-${config.seed}`
  const cases = generateCases({ seed: config.seed, count: config.count, room: roomPrefix, maxPayload: config.maxPayload })
  const base = describeCases(config, cases)
  const outcomes = new Map<FuzzCategory, Counter>()
  const findings: FuzzFinding[] = []
  let connections = 0
  let connection: FuzzConnection | undefined
  let used = 0

  const connect = async (): Promise<FuzzConnection | RelayTestError> => {
    const opened = await FuzzConnection.open(config.url, `${roomPrefix}-${connections++}`, config.caseTimeoutMs)
    return opened.ok ? opened.value : opened.error
  }

  const first = await connect()
  if (first instanceof RelayTestError) return { ...base, ok: false, outcomes: {}, findings, serverUp: false, error: first }
  connection = first

  for (const fuzzCase of cases) {
    if (!connection || connection.closed || used >= config.casesPerConnection) {
      connection?.close()
      const next = await connect()
      if (next instanceof RelayTestError) {
        findings.push({ caseId: fuzzCase.id, category: fuzzCase.category, kind: 'connect-failed', detail: `${next.code}: ${next.message}` })
        connection = undefined
        continue
      }
      connection = next
      used = 0
    }
    used++
    const exchange = await connection.exchange(fuzzCase.frames, `fuzz-${fuzzCase.id}`, config.caseTimeoutMs)
    const judged = judge(fuzzCase, exchange)
    const counter = outcomes.get(fuzzCase.category) ?? new Counter()
    counter.add(judged.outcome)
    outcomes.set(fuzzCase.category, counter)
    findings.push(...judged.findings.map((f) => ({ caseId: fuzzCase.id, category: fuzzCase.category, ...f })))
    if (!exchange.answered) {
      connection.close()
      connection = undefined
    }
    config.onProgress?.(fuzzCase.id + 1, cases.length, findings.length)
  }
  connection?.close()

  const serverUp = await stillUp(config, `${roomPrefix}-after`)
  return {
    ...base,
    ok: findings.length === 0 && serverUp,
    outcomes: Object.fromEntries([...outcomes].sort(([a], [b]) => a.localeCompare(b)).map(([category, counter]) => [category, counter.toJSON()])),
    findings,
    serverUp,
  }
}

function describeCases(config: FuzzConfig, cases: readonly FuzzCase[]) {
  const hash = createHash('sha256')
  let frames = 0
  let bytes = 0
  for (const fuzzCase of cases) {
    for (const frame of fuzzCase.frames) {
      hash.update(frame.binary ? 'b' : 't').update(String(frame.data.length)).update(frame.data)
      frames++
      bytes += frame.data.length
    }
  }
  return { target: config.url.href, seed: config.seed, cases: cases.length, frames, bytes, digest: hash.digest('hex') }
}

type Judged = { outcome: string; findings: { kind: FindingKind; detail: string }[] }

/** How the server answered one case, and what about it breaks the protocol. */
export function judge(fuzzCase: FuzzCase, exchange: Exchange): Judged {
  const findings: Judged['findings'] = []
  const errorCodes: string[] = []
  for (const reply of exchange.replies) {
    if (reply.invalid !== undefined) findings.push({ kind: 'invalid-server-frame', detail: reply.invalid })
    else if (reply.message?.type === 'error') errorCodes.push(reply.message.code)
  }
  if (errorCodes.includes('internal')) findings.push({ kind: 'internal-error', detail: 'the server answered `internal`' })

  const closeCode = exchange.closeCode
  if (closeCode !== undefined) {
    const documented = DOCUMENTED_CLOSE_CODES.has(closeCode) || (fuzzCase.extraCloseCodes ?? []).includes(closeCode)
    if (!documented) findings.push({ kind: 'undocumented-close', detail: `closed with ${closeCode}` })
    return { outcome: `close:${closeCode}`, findings }
  }
  if (!exchange.answered) {
    findings.push({ kind: 'no-answer', detail: `no pong within the case timeout after ${fuzzCase.frames.length} frame(s)` })
    return { outcome: 'no-answer', findings }
  }
  const first = errorCodes[0]
  if (fuzzCase.expect.kind === 'rejected') {
    const wanted = fuzzCase.expect.code
    if (first === undefined) findings.push({ kind: 'accepted-invalid', detail: wanted ? `expected error "${wanted}"` : 'expected an error or a close' })
    else if (wanted !== undefined && first !== wanted && first !== 'rate-limited') {
      findings.push({ kind: 'wrong-code', detail: `expected "${wanted}", got "${first}"` })
    }
  }
  return { outcome: first !== undefined ? `error:${first}` : exchange.replies.length > 0 ? 'reply' : 'silent', findings }
}

async function stillUp(config: FuzzConfig, room: string): Promise<boolean> {
  const opened = await FuzzConnection.open(config.url, room, config.caseTimeoutMs)
  if (!opened.ok) return false
  const exchange = await opened.value.exchange([], 'alive', config.caseTimeoutMs)
  opened.value.close()
  return exchange.answered
}

import type WebSocket from 'ws'
import { Counter } from './counter.js'
import { LatencyHistogram, type LatencySummary } from './latency-histogram.js'
import { buildTemplate, kindOf, readStamp, stampFrame, type FrameTemplate, type RelayKind } from './load-frames.js'
import { formatCounts } from './load-report.js'
import { connectFleet, dialectOf, type Fleet, type FleetPeer, type Handshake } from './load-fleet.js'

export type LoadPhase = 'connecting' | 'warmup' | 'measuring' | 'draining' | 'closing' | 'done'

export interface LoadConfig {
  readonly url: URL
  readonly peers: number
  readonly rooms: number
  /** Aggregate messages per second (open loop), or `max`: every delivery triggers the next send (closed loop). */
  readonly rate: number | 'max'
  /** Length of the measured window. */
  readonly durationMs: number
  /** Load before the measured window, so JIT warm-up and connection setup stay out of the figures. */
  readonly warmupMs: number
  readonly handshake: Handshake
  readonly token?: string
  /** Closed loop: messages each sending peer keeps in flight. */
  readonly window: number
  readonly roomPrefix: string
  readonly connectTimeoutMs: number
  readonly connectConcurrency: number
  /** How long to wait after the window for messages still in flight. */
  readonly drainTimeoutMs: number
  readonly progressIntervalMs?: number
  readonly onProgress?: (progress: LoadProgress) => void
  /** Called synchronously as each phase starts (the bench samples server CPU here). */
  readonly onPhase?: (phase: LoadPhase) => void
}

export interface LoadProgress {
  readonly phase: LoadPhase
  readonly elapsedMs: number
  readonly connected: number
  readonly sent: number
  readonly received: number
  readonly errors: number
}

export interface LoadReport {
  /** True when every peer connected and every message sent arrived, with no error frame or close. */
  readonly ok: boolean
  readonly target: string
  readonly mode: 'open-loop' | 'closed-loop'
  readonly rate: number | 'max'
  readonly peers: number
  readonly connected: number
  readonly rooms: number
  readonly connectionFailures: Record<string, number>
  /** Over the whole run, warm-up and drain included. */
  readonly sent: number
  readonly expected: number
  readonly received: number
  readonly lost: number
  readonly measured: {
    readonly durationMs: number
    readonly sent: number
    readonly received: number
    /** Deliveries per second inside the measured window. */
    readonly throughput: number
  }
  /** Send-to-delivery latency of messages sent inside the measured window (open loop: from their scheduled time). */
  readonly latencyMs: LatencySummary
  /** `error` frames the server answered with, by code. */
  readonly errors: Record<string, number>
  /** Sockets the server closed during the run, by close code. */
  readonly closes: Record<string, number>
  /** True when peers could send but nothing was delivered in the measured window. */
  readonly stalled: boolean
  readonly problems: readonly string[]
}

const micros = (): number => Math.round(performance.now() * 1000)
const ERROR_PREFIX = Buffer.from('{"type":"error"')
const KINDS: readonly RelayKind[] = ['offer', 'answer', 'candidate']

/** Connects a fleet of synthetic peers, relays stamped messages between them, and measures delivery. */
export async function runLoad(config: LoadConfig): Promise<LoadReport> {
  const startedAt = performance.now()
  let phase: LoadPhase = 'connecting'
  let connected = 0
  const enter = (next: LoadPhase): void => {
    phase = next
    config.onPhase?.(next)
  }
  const state = createState()
  const report = (): LoadProgress => ({
    phase,
    elapsedMs: Math.round(performance.now() - startedAt),
    connected,
    sent: state.sent,
    received: state.received,
    errors: state.errors.total,
  })
  const progress = config.onProgress
    ? setInterval(() => config.onProgress?.(report()), config.progressIntervalMs ?? 1000)
    : undefined

  try {
    enter('connecting')
    const fleet = await connectFleet(
      {
        url: config.url,
        peers: config.peers,
        rooms: config.rooms,
        roomPrefix: config.roomPrefix,
        handshake: config.handshake,
        connectTimeoutMs: config.connectTimeoutMs,
        concurrency: config.connectConcurrency,
        ...(config.token === undefined ? {} : { token: config.token }),
      },
      (count) => {
        connected = count
      },
    )
    connected = fleet.peers.length
    // Nothing can be relayed without a pair: fail at once instead of waiting out the duration.
    const measured = fleet.peers.some((peer) => peer.fanout > 0) ? await drive(config, fleet, state, enter) : 0
    enter('closing')
    state.closing = true
    await fleet.close()
    enter('done')
    return summarize(config, fleet, state, measured)
  } finally {
    clearInterval(progress)
  }
}

interface RunState {
  seq: number
  sent: number
  expected: number
  received: number
  sending: boolean
  closing: boolean
  measuring: boolean
  measureFrom: number
  measureTo: number
  measuredSent: number
  measuredReceived: number
  readonly latency: LatencyHistogram
  readonly errors: Counter
  readonly closes: Counter
}

function createState(): RunState {
  return {
    seq: 0,
    sent: 0,
    expected: 0,
    received: 0,
    sending: false,
    closing: false,
    measuring: false,
    measureFrom: Number.POSITIVE_INFINITY,
    measureTo: Number.POSITIVE_INFINITY,
    measuredSent: 0,
    measuredReceived: 0,
    latency: new LatencyHistogram(),
    errors: new Counter(),
    closes: new Counter(),
  }
}

async function drive(config: LoadConfig, fleet: Fleet, state: RunState, enter: (phase: LoadPhase) => void): Promise<number> {
  const senders = fleet.peers.filter((peer) => peer.fanout > 0)
  const templates = new Map<FleetPeer, Record<RelayKind, FrameTemplate>>()
  const dialect = dialectOf(config.handshake)
  for (const peer of senders) {
    templates.set(peer, Object.fromEntries(KINDS.map((kind) => [kind, buildTemplate(kind, peer.target, dialect)])) as Record<RelayKind, FrameTemplate>)
  }
  const send = (peer: FleetPeer, sentAtMicros: number): void => {
    const template = templates.get(peer)
    if (!template || peer.socket.readyState !== 1) return
    const seq = state.seq++
    peer.socket.send(stampFrame(template[kindOf(seq)], { seq, sentAtMicros }), { binary: false })
    state.sent++
    state.expected += peer.fanout
    if (state.measuring) state.measuredSent++
  }
  const closedLoop = config.rate === 'max'
  for (const peer of fleet.peers) listen(peer, state, closedLoop ? send : undefined)

  enter('warmup')
  state.sending = true
  const stopSchedule = closedLoop ? startClosedLoop(senders, config.window, send) : startOpenLoop(senders, config.rate as number, send)
  await sleep(config.warmupMs)

  enter('measuring')
  const measureStart = performance.now()
  state.measureFrom = micros()
  state.measuring = true
  await sleep(config.durationMs)
  state.measuring = false
  state.measureTo = micros()
  const measuredMs = performance.now() - measureStart

  enter('draining')
  state.sending = false
  stopSchedule()
  const drainEnd = performance.now() + config.drainTimeoutMs
  while (state.received < state.expected && performance.now() < drainEnd) await sleep(10)
  return measuredMs
}

function listen(peer: FleetPeer, state: RunState, reply: ((peer: FleetPeer, at: number) => void) | undefined): void {
  const socket: WebSocket = peer.socket
  socket.on('message', (data: Buffer) => {
    const stamp = readStamp(data)
    if (!stamp) {
      if (data.subarray(0, ERROR_PREFIX.length).equals(ERROR_PREFIX)) state.errors.add(errorCode(data))
      return
    }
    state.received++
    const now = micros()
    if (stamp.sentAtMicros >= state.measureFrom && stamp.sentAtMicros < state.measureTo) state.latency.recordMicros(now - stamp.sentAtMicros)
    if (state.measuring) state.measuredReceived++
    if (reply && state.sending) reply(peer, now)
  })
  socket.on('close', (code: number) => {
    if (!state.closing) state.closes.add(code)
  })
}

// Closed loop: each sender starts `window` messages; every delivery makes its receiver send the next.
function startClosedLoop(senders: readonly FleetPeer[], window: number, send: (peer: FleetPeer, at: number) => void): () => void {
  for (let i = 0; i < window; i++) for (const peer of senders) send(peer, micros())
  return () => undefined
}

// Open loop: messages leave on a fixed schedule whether or not earlier ones arrived. Each carries
// its scheduled time, so a stalled generator shows up as latency instead of hiding it.
function startOpenLoop(senders: readonly FleetPeer[], rate: number, send: (peer: FleetPeer, at: number) => void): () => void {
  if (senders.length === 0) return () => undefined
  const start = performance.now()
  let scheduled = 0
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - start) * rate) / 1000)
    for (; scheduled < due; scheduled++) {
      const peer = senders[scheduled % senders.length]
      if (peer) send(peer, Math.round((start + (scheduled * 1000) / rate) * 1000))
    }
  }, 1)
  return () => clearInterval(timer)
}

function errorCode(data: Buffer): string {
  try {
    const { code } = JSON.parse(data.toString()) as { code?: unknown }
    return typeof code === 'string' ? code : 'unknown'
  } catch {
    return 'unknown'
  }
}

function summarize(config: LoadConfig, fleet: Fleet, state: RunState, measuredMs: number): LoadReport {
  const lost = Math.max(0, state.expected - state.received)
  const problems: string[] = []
  const errors = state.errors.toJSON()
  const canRelay = fleet.peers.some((peer) => peer.fanout > 0)
  const stalled = canRelay && state.measuredReceived === 0
  if (fleet.peers.length === 0) problems.push(`no peer could connect (${formatCounts(fleet.failures.toJSON())}): is a Peerlane server listening at ${config.url.href}?`)
  else if (fleet.peers.length < config.peers) problems.push(`${config.peers - fleet.peers.length} of ${config.peers} peers could not connect (${formatCounts(fleet.failures.toJSON())})`)
  if (fleet.peers.length > 0 && !canRelay) problems.push('no room holds two peers: nothing to relay')
  if (stalled) {
    problems.push(
      errors['rate-limited']
        ? `stalled on the server's rate limit: nothing was delivered in the measured window and ${errors['rate-limited']} messages were refused with rate-limited (raise the server's limits or use a fixed --rate below them)`
        : 'stalled: nothing was delivered in the measured window',
    )
  } else if (errors['rate-limited']) problems.push(`the server rate-limited ${errors['rate-limited']} messages`)
  if (lost > 0) problems.push(`${lost} of ${state.expected} expected deliveries did not arrive`)
  if (state.received > state.expected) problems.push(`${state.received - state.expected} more deliveries than expected (duplicates?)`)
  if (state.errors.total > 0) problems.push(`the server answered with ${state.errors.total} error frames`)
  if (state.closes.total > 0) problems.push(`the server closed ${state.closes.total} sockets during the run`)
  return {
    ok: problems.length === 0,
    target: config.url.href,
    mode: config.rate === 'max' ? 'closed-loop' : 'open-loop',
    rate: config.rate,
    peers: config.peers,
    connected: fleet.peers.length,
    rooms: config.rooms,
    connectionFailures: fleet.failures.toJSON(),
    sent: state.sent,
    expected: state.expected,
    received: state.received,
    lost,
    measured: {
      durationMs: Math.round(measuredMs),
      sent: state.measuredSent,
      received: state.measuredReceived,
      throughput: Math.round((state.measuredReceived * 1000) / Math.max(1, measuredMs)),
    },
    latencyMs: state.latency.summary(),
    errors,
    closes: state.closes.toJSON(),
    stalled,
    problems,
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

import { PeerlaneClient, PeerlaneError, type JoinInfo, type PeerConnectionConstructor } from '@peerlane/sdk'
import type { PeerlaneDataChannel } from '@peerlane/sdk/data'
import { classifyConnectError } from './connect-error.js'
import { echo, openCheckChannel, roundTrip } from './check-channel.js'
import { until, within } from './deadline.js'
import { RelayTestError } from './errors.js'
import { summarizeCandidates, type CandidateSummary } from './ice-candidates.js'
import { LoopbackPeerConnection } from './loopback-peer-connection.js'
import { createTrace, tracedWebSocket, type SignalingTrace } from './signaling-probe.js'

/** The check's steps, in order; a failing report names the first one that did not complete. */
export const CHECK_STEPS = [
  'websocket',
  'welcome',
  'second-peer',
  'offer-answer',
  'ice-connected',
  'data-channel',
  'round-trip',
] as const
export type CheckStep = (typeof CHECK_STEPS)[number]

export interface CheckConfig {
  /** The deployment's WebSocket URL. */
  readonly url: URL
  /** A fresh room name: the two peers must be alone in it. */
  readonly room: string
  readonly token?: string
  /** Time limit of each step. */
  readonly stepTimeoutMs: number
  /** Data-channel messages echoed for the round-trip figure. */
  readonly roundTrips: number
  /** The peers' RTCPeerConnection; by default werift with a loopback host candidate. */
  readonly PeerConnection?: PeerConnectionConstructor
}

export interface StepResult {
  readonly step: CheckStep
  readonly ok: boolean
  /** How long the step took, in milliseconds. */
  readonly ms?: number
  readonly detail?: string
  readonly error?: RelayTestError
}

export interface CheckReport {
  readonly ok: boolean
  readonly url: string
  readonly room: string
  /** Every step that ran, the failing one last. */
  readonly steps: readonly StepResult[]
  readonly failedStep?: CheckStep
  readonly candidates?: CandidateSummary
}

interface Peer {
  readonly client: PeerlaneClient
  readonly trace: SignalingTrace
  readonly channel: PeerlaneDataChannel
  lastError?: PeerlaneError
}

/**
 * Two SDK peers join a fresh room through the deployment, negotiate, open a data channel and
 * echo messages over it: the whole path a real call takes, timed step by step.
 */
export async function runCheck(config: CheckConfig): Promise<CheckReport> {
  // The SDK makes the newcomer (b) offer to whoever is already in the room (a).
  const a = createPeer(config)
  const b = createPeer(config)
  try {
    return await checkWith(config, a, b)
  } finally {
    a.client.leave()
    b.client.leave()
  }
}

function createPeer(config: CheckConfig): Peer {
  const trace = createTrace()
  const client = new PeerlaneClient({
    url: config.url.href,
    WebSocket: tracedWebSocket(trace, config.stepTimeoutMs),
    RTCPeerConnection: config.PeerConnection ?? LoopbackPeerConnection,
    logLevel: 'silent',
  })
  const peer: Peer = { client, trace, channel: openCheckChannel(client) }
  client.on('error', (error) => {
    peer.lastError = error
  })
  return peer
}

async function checkWith(config: CheckConfig, a: Peer, b: Peer): Promise<CheckReport> {
  const steps: StepResult[] = []
  const report = (failed?: StepResult, candidates?: CandidateSummary): CheckReport => {
    if (failed) steps.push(failed)
    return {
      ok: !failed,
      url: config.url.href,
      room: config.room,
      steps,
      ...(failed ? { failedStep: failed.step } : {}),
      ...(candidates ? { candidates } : {}),
    }
  }
  const passed = (step: CheckStep, ms: number, detail?: string): void => {
    steps.push({ step, ok: true, ms, ...(detail !== undefined ? { detail } : {}) })
  }
  const failed = (step: CheckStep, error: RelayTestError): StepResult => {
    const sdk = b.lastError ?? a.lastError
    return { step, ok: false, error, ...(sdk ? { detail: `last SDK error: ${sdk.code}: ${sdk.message}` } : {}) }
  }
  const joinOptions = config.token === undefined ? {} : { token: config.token }
  const limit = config.stepTimeoutMs

  const startA = performance.now()
  const joinedA = await join(a, config, joinOptions)
  if (!joinedA.ok) return report(failed(a.trace.openedAt === undefined ? 'websocket' : 'welcome', joinedA.error))
  passed('websocket', (a.trace.openedAt ?? startA) - startA)
  passed('welcome', (a.trace.welcomeAt ?? startA) - (a.trace.openedAt ?? startA), `peer ${joinedA.value.peerId}`)

  const startB = performance.now()
  const joinedB = await join(b, config, joinOptions)
  if (!joinedB.ok) return report(failed('second-peer', joinedB.error))
  if (joinedB.value.peers.length !== 1) {
    const others = joinedB.value.peers.length
    return report(failed('second-peer', new RelayTestError('webrtc-failed', `room "${config.room}" holds ${others} other peers, expected 1: pick a fresh --room`)))
  }
  passed('second-peer', (b.trace.welcomeAt ?? startB) - startB, `peer ${joinedB.value.peerId}`)

  const answered = await until(() => b.trace.firstAnswerReceivedAt !== undefined || failure(a) || failure(b), limit, 'offer → answer')
  if (!answered.ok) return report(failed('offer-answer', answered.error))
  const answerAt = b.trace.firstAnswerReceivedAt ?? startB
  passed('offer-answer', answerAt - (b.trace.firstOfferSentAt ?? answerAt))

  const connection = b.client.peers.get(joinedA.value.peerId)?.rawConnection
  if (!connection) return report(failed('ice-connected', new RelayTestError('webrtc-failed', 'the first peer left the room')))
  const iceUp = await until(() => iceState(connection) || failure(a) || failure(b), limit, 'ICE connection')
  if (!iceUp.ok) return report(failed('ice-connected', iceUp.error))
  const iceAt = performance.now()
  passed('ice-connected', iceAt - answerAt)

  const aId = joinedA.value.peerId
  const open = await until(() => a.channel.openPeers.length > 0 && b.channel.openPeers.includes(aId), limit, 'data channel open')
  if (!open.ok) return report(failed('data-channel', open.error))
  passed('data-channel', performance.now() - iceAt)

  echo(a.channel)
  const times: number[] = []
  for (let i = 0; i < config.roundTrips; i++) {
    const rtt = await within(roundTrip(b.channel, aId, `relay-test ${i}`).catch((error: unknown) => error as PeerlaneError), limit, 'data-channel echo')
    if (!rtt.ok) return report(failed('round-trip', rtt.error))
    if (rtt.value instanceof PeerlaneError) return report(failed('round-trip', new RelayTestError('webrtc-failed', rtt.value.message, { cause: rtt.value })))
    times.push(rtt.value)
  }
  times.sort((x, y) => x - y)
  const median = times[Math.floor(times.length / 2)] ?? 0
  passed('round-trip', median, `median of ${times.length}, max ${(times.at(-1) ?? 0).toFixed(1)} ms`)

  return report(undefined, await summarizeCandidates(connection, b.trace))
}

/** Joins, mapping every way it can fail to the coded error an operator can act on. */
async function join(peer: Peer, config: CheckConfig, options: { token?: string }) {
  const joined = await within(peer.client.join(config.room, options).catch((error: unknown) => error as Error), config.stepTimeoutMs * 2, 'join')
  if (!joined.ok) return joined
  const value = joined.value
  if (!(value instanceof Error)) return { ok: true as const, value: value as JoinInfo }
  return { ok: false as const, error: joinError(config.url, peer.trace, value) }
}

function joinError(url: URL, trace: SignalingTrace, error: Error): RelayTestError {
  if (!(error instanceof PeerlaneError)) return new RelayTestError('webrtc-failed', error.message, { cause: error })
  if (error.code === 'connection-failed') {
    const cause = trace.failure
    if (cause instanceof Error && /timed out/i.test(cause.message)) return new RelayTestError('timeout', `WebSocket handshake with ${url.host} timed out`, { cause })
    return classifyConnectError(url, cause ?? error)
  }
  if (error.code === 'connection-lost') return new RelayTestError('connection-lost', error.message, { cause: error })
  return new RelayTestError('server-error', `the server refused join with "${error.code}": ${error.message}`, { cause: error })
}

function failure(peer: Peer): string | false {
  return peer.lastError?.code === 'negotiation-failed' ? peer.lastError.message : false
}

// The peer connection's state (ICE and DTLS up), not `iceConnectionState`: werift 0.24 reports the
// latter unreliably in both directions (stuck at `checking` on a working call, `connected` with no
// candidate pair at all).
function iceState(connection: RTCPeerConnection): boolean | string {
  const state = connection.connectionState
  if (state === 'connected') return true
  if (state === 'failed' || state === 'closed') return `peer connection ${state}`
  return connection.iceConnectionState === 'failed' ? 'ICE failed' : false
}

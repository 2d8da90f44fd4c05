import { candidateOf, decode } from '@peerlane/protocol/codec'
import type { WebSocketConstructor } from '@peerlane/sdk'
import WebSocket from 'ws'

/** What one peer's signaling socket saw, with `performance.now()` times: the check's step timings come from here. */
export interface SignalingTrace {
  openedAt?: number
  /** Why the socket could not open (the Node error), for a precise `unreachable`/`tls-failed`. */
  failure?: unknown
  welcomeAt?: number
  firstOfferSentAt?: number
  firstAnswerReceivedAt?: number
  readonly candidateTypesSent: Set<string>
  readonly candidateTypesReceived: Set<string>
}

export function createTrace(): SignalingTrace {
  return { candidateTypesSent: new Set(), candidateTypesReceived: new Set() }
}

/**
 * A `ws` WebSocket class for the SDK that records into `trace` what crosses the socket. The SDK
 * exposes no per-step hooks, and observing the wire needs none.
 */
export function tracedWebSocket(trace: SignalingTrace, handshakeTimeoutMs: number): WebSocketConstructor {
  return class TracedWebSocket extends WebSocket {
    constructor(url: string) {
      super(url, { perMessageDeflate: false, handshakeTimeout: handshakeTimeoutMs })
      this.once('open', () => {
        trace.openedAt = performance.now()
      })
      this.once('error', (error) => {
        trace.failure ??= error
      })
      this.on('message', (data, isBinary) => {
        if (!isBinary) observe(trace, 'received', data.toString())
      })
    }

    override send(data: unknown, ...rest: unknown[]): void {
      if (typeof data === 'string') observe(trace, 'sent', data)
      ;(super.send as (...args: unknown[]) => void)(data, ...rest)
    }
  }
}

function observe(trace: SignalingTrace, direction: 'sent' | 'received', text: string): void {
  // The probe times the exchange; frames the protocol refuses are the server's to report.
  const decoded = decode(text, direction === 'sent' ? 'client' : 'server')
  if (!decoded.ok) return
  const message = decoded.message
  const now = performance.now()
  if (direction === 'received' && message.type === 'welcome') trace.welcomeAt ??= now
  if (direction === 'sent' && message.type === 'offer') trace.firstOfferSentAt ??= now
  if (direction === 'received' && message.type === 'answer') trace.firstAnswerReceivedAt ??= now
  if (message.type === 'candidate') {
    const type = candidateType(candidateOf(message)?.candidate)
    if (type) (direction === 'sent' ? trace.candidateTypesSent : trace.candidateTypesReceived).add(type)
  }
}

/** The `typ` of an ICE candidate line. */
export function candidateType(line: string | undefined): string | undefined {
  return line === undefined ? undefined : / typ (\w+)/.exec(line)?.[1]
}

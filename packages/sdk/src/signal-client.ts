import { SUBPROTOCOLS, decodeServer, encode, type ClientMessage, type ServerMessage } from '@peerlane/protocol/codec'
import { Emitter } from './emitter.js'
import { WS_OPEN, type WebSocketConstructor, type WebSocketLike } from './environment.js'
import { PeerlaneError } from './errors.js'
import type { Logger } from './logger.js'

export interface SignalClientEvents {
  message: (message: ServerMessage) => void
  /** A frame from the server that is not a valid protocol message. */
  'protocol-error': (error: PeerlaneError) => void
  close: (code: number, reason: string) => void
}

// A WebSocket whose network vanished can look open for minutes; a socket closed this way
// reports the abnormal-closure code, as the browser would for a dropped connection.
const ABNORMAL_CLOSURE = 1006

/**
 * One signaling WebSocket: opens it, validates every inbound frame, sends typed messages, and
 * declares it dead after `keepaliveTimeoutMs` of silence (pinging well before that).
 */
export class SignalClient extends Emitter<SignalClientEvents> {
  #socket: WebSocketLike | undefined
  #lastHeard = 0
  #keepalive: ReturnType<typeof setInterval> | undefined
  #pings = 0

  readonly #url: string
  readonly #WebSocketImpl: WebSocketConstructor
  readonly #log: Logger
  readonly #keepaliveTimeoutMs: number
  constructor(
    url: string,
    WebSocketImpl: WebSocketConstructor,
    log: Logger,
    keepaliveTimeoutMs: number,
  ) {
    super()
    this.#url = url
    this.#WebSocketImpl = WebSocketImpl
    this.#log = log
    this.#keepaliveTimeoutMs = keepaliveTimeoutMs
  }

  /** Resolves when the socket is open; rejects with `connection-failed`. */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      let socket: WebSocketLike
      try {
        socket = new this.#WebSocketImpl(this.#url, [...SUBPROTOCOLS])
      } catch (cause) {
        reject(PeerlaneError.connectionFailed(this.#url, cause))
        return
      }
      this.#socket = socket
      let opened = false
      socket.onopen = () => {
        opened = true
        this.#startKeepalive()
        resolve()
      }
      socket.onerror = (event) => {
        if (!opened) reject(PeerlaneError.connectionFailed(this.#url, event))
      }
      socket.onclose = ({ code, reason }) => {
        if (this.#socket === socket) this.#socket = undefined
        this.#stopKeepalive()
        if (!opened) reject(PeerlaneError.connectionFailed(this.#url))
        else this.emit('close', code, reason)
      }
      socket.onmessage = ({ data }) => this.#receive(data)
    })
  }

  get connected(): boolean {
    return this.#socket?.readyState === WS_OPEN
  }

  /** Sends if the socket is open; returns whether it was sent. */
  send(message: ClientMessage): boolean {
    if (!this.#socket || this.#socket.readyState !== WS_OPEN) {
      this.#log.debug(`dropped ${message.type}: socket not open`)
      return false
    }
    this.#socket.send(encode(message))
    return true
  }

  /** Closes the socket without emitting `close` (the caller chose to close). */
  close(code = 1000): void {
    const socket = this.#socket
    this.#socket = undefined
    this.#stopKeepalive()
    if (!socket) return
    socket.onclose = null
    socket.onmessage = null
    socket.close(code)
  }

  #startKeepalive(): void {
    this.#lastHeard = Date.now()
    const interval = Math.max(50, Math.floor(this.#keepaliveTimeoutMs / 3))
    this.#keepalive = setInterval(() => {
      const silence = Date.now() - this.#lastHeard
      if (silence >= this.#keepaliveTimeoutMs) {
        this.#log.info(`no word from the server for ${silence} ms; dropping the socket`)
        this.close()
        this.emit('close', ABNORMAL_CLOSURE, 'keepalive timeout')
      } else if (silence >= interval) {
        this.send({ type: 'ping', id: ++this.#pings })
      }
    }, interval)
    // Node: a keepalive alone must not hold the process open.
    ;(this.#keepalive as { unref?: () => void }).unref?.()
  }

  #stopKeepalive(): void {
    clearInterval(this.#keepalive)
    this.#keepalive = undefined
  }

  #receive(data: unknown): void {
    this.#lastHeard = Date.now()
    if (typeof data !== 'string') {
      this.emit('protocol-error', new PeerlaneError('protocol-error', 'Server sent a binary frame'))
      return
    }
    const result = decodeServer(data)
    if (!result.ok) {
      this.#log.warn(`invalid frame from server: ${result.error.message}`, result.error.path)
      this.emit('protocol-error', PeerlaneError.protocol(result.error))
      return
    }
    this.emit('message', result.message)
  }
}

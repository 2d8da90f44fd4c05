import WebSocket from 'ws'
import { classifyConnectError } from './connect-error.js'
import { RelayTestError, err, ok, type Result } from './errors.js'

export interface OpenSocketOptions {
  readonly timeoutMs: number
  /**
   * Send client frames with an all-zero mask so `ws` skips masking them: RFC 6455 wants a
   * random mask, but the load generator must stay far cheaper than the server it measures.
   */
  readonly zeroMask?: boolean
  /** Skip `ws`'s UTF-8 check of received text frames (the load generator only scans bytes). */
  readonly skipUTF8Validation?: boolean
  /** Called with the socket as soon as it exists, for listeners that must not miss a frame the server sends on open. */
  readonly onSocket?: (socket: WebSocket) => void
}

const zeroMask = (mask: Buffer): void => {
  mask.fill(0)
}

/** Opens a WebSocket, resolving once it is open or with a coded error (never rejects). */
export function openSocket(url: URL, options: OpenSocketOptions): Promise<Result<WebSocket>> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, {
      perMessageDeflate: false,
      handshakeTimeout: options.timeoutMs,
      ...(options.zeroMask ? { generateMask: zeroMask } : {}),
      ...(options.skipUTF8Validation ? { skipUTF8Validation: true } : {}),
    })
    options.onSocket?.(socket)
    const settle = (result: Result<WebSocket>): void => {
      socket.off('open', onOpen)
      socket.off('error', onError)
      socket.off('unexpected-response', onResponse)
      // Later errors (after open) are reported through `close`; keep one listener so they never throw.
      socket.on('error', () => undefined)
      resolve(result)
    }
    const onOpen = (): void => settle(ok(socket))
    const onError = (cause: Error): void => {
      const timedOut = /timed out/i.test(cause.message)
      settle(err(timedOut ? RelayTestError.timeout(`WebSocket handshake with ${url.host}`, options.timeoutMs) : classifyConnectError(url, cause)))
    }
    const onResponse = (_request: unknown, response: { statusCode?: number }): void => {
      settle(err(new RelayTestError('handshake-rejected', `${url.href} answered the WebSocket upgrade with HTTP ${response.statusCode ?? '?'}`)))
      socket.terminate()
    }
    socket.once('open', onOpen)
    socket.once('error', onError)
    socket.once('unexpected-response', onResponse)
  })
}

/** Closes a socket and resolves once it is closed (or after `ms`, terminating it). */
export function closeSocket(socket: WebSocket, ms = 1000): Promise<void> {
  if (socket.readyState === WebSocket.CLOSED) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.terminate()
      resolve()
    }, ms)
    socket.once('close', () => {
      clearTimeout(timer)
      resolve()
    })
    if (socket.readyState === WebSocket.CONNECTING) socket.terminate()
    else socket.close(1000)
  })
}

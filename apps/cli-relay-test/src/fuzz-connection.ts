import { CLOSE_CODES, decode, type ServerMessage } from '@peerlane/protocol/codec'
import type WebSocket from 'ws'
import type { Result } from './errors.js'
import { openSocket } from './open-socket.js'
import type { FuzzFrame } from '@peerlane/protocol/testing'
import { withRoom } from './target-url.js'

const OPEN_ATTEMPTS = 5
const RETRY_LATER_MS = 1_000
// A rate-limited server drops the barrier ping too; asking again once its budget refills tells a
// throttled server from a stuck one.
const BARRIER_RETRY_MS = 500

export interface Reply {
  /** The decoded server message, or why the frame is not one. */
  readonly message?: ServerMessage
  readonly invalid?: string
}

export interface Exchange {
  readonly replies: readonly Reply[]
  /** Set when the server closed the socket. */
  readonly closeCode?: number
  /** The barrier `pong` came back: the server read every frame of the case. */
  readonly answered: boolean
}

/**
 * One fuzzing socket, joined to a room of its own so that nothing it relays can reach a real
 * participant of the deployment (a tutorial-style relay without `join` would land in `default`).
 */
export class FuzzConnection {
  #inbox: Reply[] = []
  #closeCode: number | undefined
  #onChange: (() => void) | undefined

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      this.#inbox.push(isBinary ? { invalid: 'binary frame from the server' } : parse(data.toString('utf8')))
      this.#onChange?.()
    })
    socket.once('close', (code: number) => {
      this.#closeCode = code
      this.#onChange?.()
    })
  }

  /** Opens and joins `room`; a server that sheds load (1013) is given a moment and asked again. */
  static async open(url: URL, room: string, timeoutMs: number): Promise<Result<FuzzConnection>> {
    for (let attempt = 1; ; attempt++) {
      const opened = await openSocket(withRoom(url, room), { timeoutMs })
      if (!opened.ok) return opened
      const connection = new FuzzConnection(opened.value)
      const joined = await connection.exchange([{ data: Buffer.from(JSON.stringify({ type: 'join', room })), binary: false }], 'join', timeoutMs)
      if (joined.closeCode !== CLOSE_CODES.tryAgainLater || attempt === OPEN_ATTEMPTS) return { ok: true, value: connection }
      await new Promise((resolve) => setTimeout(resolve, RETRY_LATER_MS))
    }
  }

  get closed(): boolean {
    return this.#closeCode !== undefined
  }

  /** Sends the frames, then a `ping` barrier, and collects everything until its `pong`, a close, or the timeout. */
  exchange(frames: readonly FuzzFrame[], barrier: string, timeoutMs: number): Promise<Exchange> {
    this.#inbox = []
    for (const frame of frames) {
      if (this.socket.readyState !== 1) break
      this.socket.send(frame.data, { binary: frame.binary })
    }
    const ping = JSON.stringify({ type: 'ping', id: barrier })
    const sendBarrier = (): void => {
      if (this.socket.readyState === 1) this.socket.send(ping)
    }
    sendBarrier()
    return new Promise((resolve) => {
      const isBarrier = (reply: Reply): boolean => reply.message?.type === 'pong' && reply.message.id === barrier
      const finish = (exchange: Exchange): void => {
        clearTimeout(timer)
        clearInterval(retry)
        this.#onChange = undefined
        resolve(exchange)
      }
      const settle = (): void => {
        const answered = this.#inbox.some(isBarrier)
        if (!answered && this.#closeCode === undefined) return
        finish({ replies: this.#inbox.filter((reply) => !isBarrier(reply)), answered, ...(this.#closeCode === undefined ? {} : { closeCode: this.#closeCode }) })
      }
      const timer = setTimeout(() => finish({ replies: [...this.#inbox], answered: false }), timeoutMs)
      const retry = setInterval(sendBarrier, BARRIER_RETRY_MS)
      this.#onChange = settle
      settle()
    })
  }

  close(): void {
    this.socket.terminate()
  }
}

function parse(text: string): Reply {
  const result = decode(text, 'server')
  return result.ok ? { message: result.message } : { invalid: `${result.error.code} at ${result.error.path ?? ''}: ${result.error.message}` }
}

import { WebSocketServer } from 'ws'
import type { AddressInfo } from 'node:net'

type EventsOf<E> = E extends { readonly eventTypes?: infer M } ? NonNullable<M> : never
type Args<E, K extends keyof EventsOf<E>> = EventsOf<E>[K] extends (...args: infer A) => void ? A : never

/** Resolves with the arguments of the next `event` of `source` (a client or a feature) for which `match` holds, or rejects after `ms`. */
export function nextEvent<E extends { readonly eventTypes?: object }, K extends keyof EventsOf<E> & string>(
  source: E,
  event: K,
  match: (...args: Args<E, K>) => boolean = () => true,
  ms = 10_000,
): Promise<Args<E, K>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off()
      reject(new Error(`no matching ${String(event)} event within ${ms} ms`))
    }, ms)
    const handler = (...args: Args<E, K>) => {
      if (!match(...args)) return
      clearTimeout(timer)
      off()
      resolve(args)
    }
    const off = (source as unknown as { on(event: string, handler: (...args: never[]) => void): () => void }).on(event, handler as unknown as (...args: never[]) => void)
  })
}

/** A bare WebSocket server that sends each connecting client the given frames. */
export async function scriptedServer(frames: () => string[]): Promise<{ url: string; close: () => Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  await new Promise<void>((resolve) => wss.once('listening', resolve))
  wss.on('connection', (socket) => {
    for (const frame of frames()) socket.send(frame)
  })
  const { port } = wss.address() as AddressInfo
  return {
    url: `ws://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => wss.close(() => resolve())),
  }
}

import type { ClientEvents, PeerlaneClient } from '../src/client.js'
import { WebSocketServer } from 'ws'
import type { AddressInfo } from 'node:net'


/** Resolves with the arguments of the next `event` for which `match` holds, or rejects after `ms`. */
export function nextEvent<K extends keyof ClientEvents>(
  client: PeerlaneClient,
  event: K,
  match: (...args: Parameters<ClientEvents[K]>) => boolean = () => true,
  ms = 10_000,
): Promise<Parameters<ClientEvents[K]>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off()
      reject(new Error(`no matching ${String(event)} event within ${ms} ms`))
    }, ms)
    const handler = (...args: Parameters<ClientEvents[K]>) => {
      if (!match(...args)) return
      clearTimeout(timer)
      off()
      resolve(args)
    }
    const off = client.on(event, handler as ClientEvents[K])
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

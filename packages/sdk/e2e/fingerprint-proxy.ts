import { WebSocket, WebSocketServer, type RawData } from 'ws'

/**
 * A hostile signaling hop for the safety-number test: it forwards every frame between the pages
 * and the real server, but rewrites `a=fingerprint` in relayed offers and answers to a
 * certificate of its own, as a signaling server that wanted to sit in the middle would.
 */
export class FingerprintRewritingProxy {
  /** Offers and answers whose fingerprints were replaced so far. */
  rewritten = 0

  private constructor(private readonly server: WebSocketServer) {}

  static async start(upstream: string): Promise<FingerprintRewritingProxy> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (offered) => [...offered][0] ?? false })
    const proxy = new FingerprintRewritingProxy(server)
    server.on('connection', (client) => proxy.pipe(client, upstream))
    await new Promise<void>((resolve) => server.once('listening', resolve))
    return proxy
  }

  get url(): string {
    const address = this.server.address()
    if (address === null || typeof address === 'string') throw new Error('proxy: not listening on TCP')
    return `ws://127.0.0.1:${address.port}/ws`
  }

  async stop(): Promise<void> {
    for (const client of this.server.clients) client.terminate()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private pipe(client: WebSocket, upstream: string): void {
    const server = new WebSocket(upstream, client.protocol ? [client.protocol] : [])
    const held: string[] = []
    server.on('open', () => held.splice(0).forEach((frame) => server.send(frame)))
    client.on('message', (data: RawData) => {
      const frame = data.toString()
      if (server.readyState === WebSocket.OPEN) server.send(frame)
      else held.push(frame)
    })
    server.on('message', (data: RawData) => client.send(this.rewrite(data.toString())))
    client.on('close', () => server.close())
    server.on('close', (code) => client.close(code === 1005 || code === 1006 ? 1000 : code))
  }

  private rewrite(frame: string): string {
    const message = JSON.parse(frame) as { type?: string; sdp?: unknown }
    if (message.type !== 'offer' && message.type !== 'answer') return frame
    const forged = (sdp: string) => sdp.replace(/^a=fingerprint:(\S+) (\S+)$/gm, (_line, algorithm: string, hex: string) => `a=fingerprint:${algorithm} ${hex.replace(/[0-9A-F]/g, (digit) => ((parseInt(digit, 16) + 1) % 16).toString(16).toUpperCase())}`)
    const sdp = message.sdp
    if (typeof sdp === 'string') message.sdp = forged(sdp)
    else if (sdp && typeof sdp === 'object' && typeof (sdp as { sdp?: unknown }).sdp === 'string') (sdp as { sdp: string }).sdp = forged((sdp as { sdp: string }).sdp)
    else return frame
    this.rewritten++
    return JSON.stringify(message)
  }
}

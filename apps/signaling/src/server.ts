import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CLOSE_CODES } from '@peerlane/protocol'
import { WebSocketServer } from 'ws'
import { resolveConfig, type SignalingConfig } from './config.js'
import { handleConnection } from './connection.js'
import { startHeartbeat } from './heartbeat.js'
import { createHttpHandler } from './http-handler.js'
import { createResumeTokens } from './resume-token.js'
import { RoomRegistry } from './rooms.js'

export interface SignalingServer {
  /** WebSocket URL of the server, e.g. `ws://127.0.0.1:8080` (any path is accepted; the app uses `/ws`). */
  readonly url: string
  /** The same address over HTTP, where `/healthz` and the web app are served. */
  readonly httpUrl: string
  /** The bound port (the real one when `port: 0` was asked for). */
  readonly port: number
  /** Closes every socket with 1001 (going away), stops listening and resolves once all is closed. Idempotent. */
  close(): Promise<void>
}

/** Starts a signaling server; rejects with the listen error (e.g. `EADDRINUSE`) when it cannot bind. */
export async function createSignalingServer(config: SignalingConfig = {}): Promise<SignalingServer> {
  const resolved = resolveConfig(config)
  const { logger } = resolved
  const registry = new RoomRegistry(resolved.maxPeersPerRoom)
  const httpServer = createServer(createHttpHandler({ staticDir: resolved.staticDir, stats: () => registry.stats(), logger }))
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: resolved.maxPayload,
    // Compression buys little on small JSON frames and has been a memory-exhaustion vector.
    perMessageDeflate: false,
  })
  const heartbeat = startHeartbeat(resolved.heartbeatIntervalMs, () => logger.debug('terminating a socket that missed a heartbeat'))
  const context = {
    registry,
    iceServers: resolved.iceServers,
    maxBufferedAmount: resolved.maxBufferedAmount,
    logger,
    resume: {
      tokens: createResumeTokens(resolved.resumeSecret, resolved.resumeTokenTtlMs),
      graceMs: resolved.resumeGraceMs,
      maxQueued: resolved.maxQueuedFrames,
    },
  }
  let closing: Promise<void> | undefined

  // Upgrades are accepted on any path: the web app uses `/ws`, the classic tutorial client `/`.
  httpServer.on('upgrade', (request, socket, head) => {
    socket.on('error', (error) => logger.debug({ err: error }, 'upgrade socket error'))
    if (closing) {
      socket.destroy()
      return
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      // handleConnection attaches the socket's error listener first thing.
      handleConnection(ws, request, context)
      heartbeat.track(ws)
    })
  })
  wss.on('error', (error) => logger.error({ err: error }, 'WebSocket server error'))

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject)
    httpServer.listen(resolved.port, resolved.host, () => {
      httpServer.off('error', reject)
      resolve()
    })
  })
  httpServer.on('error', (error) => logger.error({ err: error }, 'HTTP server error'))

  const { port } = httpServer.address() as AddressInfo
  const authority = `${resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host}:${port}`
  logger.debug({ port, host: resolved.host, staticDir: resolved.staticDir }, 'listening')

  const shutdown = async (): Promise<void> => {
    heartbeat.stop()
    for (const ws of wss.clients) ws.close(CLOSE_CODES.goingAway, 'server shutting down')
    // Clients that do not answer the close frame in time are cut off rather than awaited.
    const deadline = setTimeout(() => {
      for (const ws of wss.clients) ws.terminate()
      httpServer.closeAllConnections()
    }, resolved.shutdownTimeoutMs)
    await new Promise<void>((resolve) => wss.close(() => resolve()))
    await new Promise<void>((resolve) => {
      httpServer.close(() => resolve())
      httpServer.closeIdleConnections()
    })
    clearTimeout(deadline)
    logger.debug('closed')
  }

  return {
    url: `ws://${authority}`,
    httpUrl: `http://${authority}`,
    port,
    close: () => (closing ??= shutdown()),
  }
}

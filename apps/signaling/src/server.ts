import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { CLOSE_CODES, chooseSubprotocol } from '@peerlane/protocol'
import { WebSocketServer, type WebSocket } from 'ws'
import { createAuthenticator } from './auth.js'
import { clientAddress, isTrustedProxy, limitKey } from './client-address.js'
import { ConnectionBudget } from './connection-budget.js'
import { resolveConfig, type SignalingConfig } from './config.js'
import { checkConfig } from './config-check.js'
import { handleConnection, removeLocalSession, type Connection } from './connection.js'
import { createIceServerSource } from './ice-server-source.js'
import { createListener } from './listener.js'
import { drainClients } from './drain.js'
import { QueueBudget } from './frame-queue.js'
import { IdentityRegistry } from './identities.js'
import { createMetrics } from './metrics.js'
import { startMetricsListener } from './metrics-listener.js'
import { createOriginCheck, isLoopbackHost } from './origin.js'
import { shedPendingSockets } from './pending-sockets.js'
import type { ConnectionPolicy } from './policy.js'
import { KeyedRateLimiter } from './rate-limiter.js'
import { createHttpHandler } from './http-handler.js'
import { createResumeTokens } from './resume-token.js'
import { RoomRegistry } from './rooms.js'
import { securityHeaders } from './security-headers.js'
import { Sweeper } from './sweeper.js'

const OVERLOAD_REASONS = {
  'server-full': 'server full',
  'connection-rate': 'too many new connections',
  'address-connections': 'too many connections from this address',
} as const

export interface SignalingServer {
  /** WebSocket URL of the server, e.g. `ws://127.0.0.1:8080` (`wss://` with TLS; any path is accepted; the app uses `/ws`). */
  readonly url: string
  /** The same address over HTTP, where `/healthz` and the web app are served. */
  readonly httpUrl: string
  /** The bound port (the real one when `port: 0` was asked for). */
  readonly port: number
  /** `http://host:port/metrics` of the separate metrics listener, when `metricsPort` was given. */
  readonly metricsUrl: string | undefined
  /** Closes every socket with 1001 (going away), stops listening and resolves once all is closed. Idempotent. */
  close(): Promise<void>
  /**
   * Graceful shutdown: `/readyz` turns 503, new connections and joins are refused, every client
   * gets `draining`; after `drainTimeoutMs` (or once all have left) the rest are closed with 1012
   * and the server stops. Idempotent.
   */
  drain(): Promise<void>
}

// Clients whose join budget is remembered at once: about 2 MiB (an address of at most 45
// characters and a bucket each); past it full buckets and then the oldest are forgotten.
const MAX_BUDGETED_CLIENTS = 10_000

/**
 * Starts a signaling server; rejects with a `ConfigError` or `AuthConfigError` for an unusable
 * configuration, or with the listen error (e.g. `EADDRINUSE`) when it cannot bind.
 */
export async function createSignalingServer(config: SignalingConfig = {}): Promise<SignalingServer> {
  const resolved = resolveConfig(config)
  const { logger } = resolved
  const invalid = checkConfig(resolved)
  if (invalid) throw invalid
  const auth = await createAuthenticator({ secret: resolved.authSecret, publicKey: resolved.authPublicKey })
  if (!auth) logger.info('no auth secret or public key configured: any client may join any room')
  const registry = new RoomRegistry(resolved.maxPeersPerRoom, {
    lockNewRooms: resolved.lockRooms,
    hostsByArrival: auth === undefined,
    knockTimeoutMs: resolved.knockTimeoutMs,
    maxWaiting: resolved.maxWaitingPerRoom,
  })
  let draining = false
  const metrics = createMetrics({ stats: () => registry.stats(), connections: () => wss.clients.size, draining: () => draining })
  const identities = new IdentityRegistry()
  // Loaded only in cluster mode, so the in-memory server never loads ioredis.
  const cluster = resolved.redisUrl === undefined ? undefined : (await import('./cluster/redis-cluster.js')).createRedisCluster({
    url: resolved.redisUrl,
    heartbeatMs: resolved.clusterHeartbeatMs,
    graceMs: resolved.resumeGraceMs,
    maxPeersPerRoom: resolved.maxPeersPerRoom,
    duplicateIdentity: resolved.duplicateIdentity,
    lockNewRooms: resolved.lockRooms,
    hostsByArrival: auth === undefined,
    knockTimeoutMs: resolved.knockTimeoutMs,
    maxWaiting: resolved.maxWaitingPerRoom,
    revocationTtlMs: resolved.resumeTokenTtlMs,
    maxRevoked: resolved.maxRevokedResumeTokens,
    registry,
    evictLocal: (room, identity, peerId) => {
      const holder = identities.holder(room, identity)
      if (holder?.session.peerId === peerId) holder.evict()
    },
    release: (session) => identities.release(session),
    removeLocal: (room, peerId, by) => removeLocalSession(context, room, peerId, by),
    metrics,
    logger,
  })
  if (resolved.resumeSecretRandom && resolved.resumeGraceMs > 0) {
    logger.warn('no resume secret configured (--resume-secret or --resume-secret-file): a restart of this server rebuilds every call instead of resuming it')
  }
  const tls = resolved.tlsCert !== undefined && resolved.tlsKey !== undefined ? { cert: resolved.tlsCert, key: resolved.tlsKey } : undefined
  const httpServer = createListener(
    {
      // Node's defaults (60 s, checked every 30 s) let a slow request head hold a socket ~95 s.
      headersTimeout: resolved.upgradeTimeoutMs,
      requestTimeout: resolved.upgradeTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, resolved.upgradeTimeoutMs),
    },
    createHttpHandler({
      staticDir: resolved.staticDir,
      stats: () => registry.stats(),
      logger,
      // Redis unreachable: the node still serves its own peers, but a balancer should prefer others.
      readiness: () => (draining || closing ? 'draining' : cluster && !cluster.ready() ? 'degraded' : 'ready'),
      metrics: resolved.metricsPublic ? () => metrics.render() : undefined,
      headers: securityHeaders(resolved.publicUrl),
    }),
    tls,
  )
  shedPendingSockets(httpServer, {
    maxPending: resolved.maxPendingUpgrades,
    maxPendingPerIp: resolved.maxPendingUpgradesPerIp,
    timeoutMs: resolved.upgradeTimeoutMs,
    exempt: (address) => isTrustedProxy(address, resolved),
    onShed: (reason) => metrics.dropped.inc({ reason }),
  })
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: resolved.maxPayload,
    // Compression buys little on small JSON frames and has been a memory-exhaustion vector.
    perMessageDeflate: false,
    // The upgrade handler has already refused unknown Peerlane versions; this names the one spoken.
    handleProtocols: (offered) => {
      const choice = chooseSubprotocol(offered)
      return (choice.ok && choice.protocol) || false
    },
  })
  const sweeper = new Sweeper<Connection>({ heartbeatIntervalMs: resolved.heartbeatIntervalMs, joinTimeoutMs: resolved.joinTimeoutMs })
  const policy: ConnectionPolicy = {
    auth,
    duplicateIdentity: resolved.duplicateIdentity,
    identities,
    rateLimits: {
      messagesPerSecond: resolved.maxMessagesPerSecond,
      bytesPerSecond: resolved.maxBytesPerSecond,
      disconnectAfter: resolved.rateLimitDisconnectAfter,
    },
    messageLimits: {
      maxSdpLength: resolved.maxSdpLength,
      maxCandidateLength: resolved.maxCandidateLength,
      maxNameLength: resolved.maxNameLength,
    },
    maxRooms: resolved.maxRooms,
    metrics,
    draining: () => draining,
    joinBudget: new KeyedRateLimiter(resolved.joinFailuresPerIpPerMinute / 60, resolved.joinFailuresPerIpPerMinute, undefined, MAX_BUDGETED_CLIENTS),
  }
  const originAllowed = createOriginCheck(resolved)
  if (!isLoopbackHost(resolved.host) && resolved.publicUrl === undefined && resolved.allowedOrigins.length === 0) {
    logger.warn('bound beyond loopback without --public-url or --allowed-origins: browsers may only use this server from an IP-address URL')
  }
  const openPerAddress = new ConnectionBudget(resolved.maxOpenConnectionsPerIp)
  const connectionRate = new KeyedRateLimiter(resolved.maxConnectionsPerIpPerSecond, resolved.maxConnectionsPerIpPerSecond)
  let framesSinceSample = 0
  const context = {
    registry,
    cluster,
    iceServers: createIceServerSource(
      resolved.iceServers,
      resolved.turnSecret === undefined ? undefined : { secret: resolved.turnSecret, urls: resolved.turnUrls, ttlSeconds: resolved.turnTtlSeconds },
    ),
    maxBufferedAmount: resolved.maxBufferedAmount,
    logger,
    resume: {
      tokens: createResumeTokens(resolved.resumeSecret, { ttlMs: resolved.resumeTokenTtlMs, maxRevoked: resolved.maxRevokedResumeTokens }),
      graceMs: resolved.resumeGraceMs,
      queueLimits: { maxFrames: resolved.maxQueuedFrames, maxBytes: resolved.maxQueuedBytes },
      queueBudget: new QueueBudget(resolved.maxQueuedBytesTotal),
    },
    policy,
    sweeper,
    openPerAddress,
    sampleLatency: () => ++framesSinceSample % resolved.relayLatencySampleEvery === 0,
    knockTimeoutMs: resolved.knockTimeoutMs,
  }
  let closing: Promise<void> | undefined

  // One listener for every socket: a closure made in the upgrade handler would keep the handler's
  // scope, request headers included, alive for the socket's whole life.
  const onSocketError = (error: Error): void => logger.debug({ err: error }, 'upgrade socket error')

  // Upgrades are accepted on any path: the web app uses `/ws`, the classic tutorial client `/`.
  httpServer.on('upgrade', (request, socket, head) => {
    socket.on('error', onSocketError)
    if (closing) {
      socket.destroy()
      return
    }
    // Refused before the handshake: a draining server sends clients elsewhere, and a foreign
    // page gets nothing to talk to.
    if (draining) return refuseUpgrade(socket, 503, 'Service Unavailable', 'draining')
    if (!originAllowed(request.headers.origin, request.headers.host)) return refuseUpgrade(socket, 403, 'Forbidden', 'origin')
    const version = chooseSubprotocol(offeredSubprotocols(request.headers['sec-websocket-protocol']))
    if (!version.ok) return refuseUpgrade(socket, 400, 'Bad Request', 'protocol-version', version.reason)
    // Over capacity, the handshake completes so that the client sees a close code it can act on.
    const remote = clientAddress(request, resolved)
    const address = limitKey(remote)
    const overloaded =
      wss.clients.size >= resolved.maxConnections ? 'server-full' : !connectionRate.take(address) ? 'connection-rate' : undefined
    wss.handleUpgrade(request, socket, head, (ws) => {
      // Taken only once the handshake succeeded: a failed one never calls back to give it back.
      const refused = overloaded ?? (openPerAddress.take(address) ? undefined : 'address-connections')
      if (refused) {
        metrics.rejected.inc({ reason: refused })
        ws.on('error', () => {})
        ws.close(CLOSE_CODES.tryAgainLater, OVERLOAD_REASONS[refused])
        return
      }
      // The connection gives its address slot back when it closes, and attaches the socket's
      // error listener first thing.
      handleConnection(ws, request.url, remote, context)
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

  const metricsListener =
    resolved.metricsPort === undefined
      ? undefined
      : await startMetricsListener({ host: resolved.metricsHost, port: resolved.metricsPort, render: () => metrics.render(), logger }).catch(
          async (error: unknown) => {
            sweeper.stop()
            await new Promise<void>((resolve) => httpServer.close(() => resolve()))
            throw error
          },
        )

  const { port } = httpServer.address() as AddressInfo
  const authority = `${resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host}:${port}`
  logger.debug({ port, host: resolved.host, staticDir: resolved.staticDir }, 'listening')

  const refuseUpgrade = (socket: Duplex, status: number, text: string, reason: string, body = ''): void => {
    metrics.rejected.inc({ reason })
    const length = Buffer.byteLength(body)
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${length}\r\n\r\n${body}`)
  }

  const shutdown = async (code: number, reason: string): Promise<void> => {
    sweeper.stop()
    for (const ws of wss.clients) ws.close(code, reason)
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
    await metricsListener?.close()
    await cluster?.close()
    logger.debug('closed')
  }

  let drainPromise: Promise<void> | undefined
  const drainThenClose = async (): Promise<void> => {
    draining = true
    logger.info({ clients: wss.clients.size, timeoutMs: resolved.drainTimeoutMs }, 'draining')
    const left: WebSocket[] = await drainClients(wss.clients, {
      reconnectAfterMs: resolved.drainReconnectAfterMs,
      timeoutMs: resolved.drainTimeoutMs,
    })
    logger.info({ remaining: left.length }, 'drain finished, closing with 1012')
    await (closing ??= shutdown(CLOSE_CODES.serviceRestart, 'server restarting'))
  }

  return {
    url: `${tls ? 'wss' : 'ws'}://${authority}`,
    httpUrl: `${tls ? 'https' : 'http'}://${authority}`,
    port,
    metricsUrl: metricsListener?.url,
    close: () => (closing ??= shutdown(CLOSE_CODES.goingAway, 'server shutting down')),
    drain: () => (drainPromise ??= drainThenClose()),
  }
}

/** The subprotocols a client offered in `Sec-WebSocket-Protocol` (comma-separated tokens). */
function offeredSubprotocols(header: string | undefined): string[] {
  return header === undefined ? [] : header.split(',').map((token) => token.trim()).filter((token) => token.length > 0)
}

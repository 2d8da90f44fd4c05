import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { RoomStats } from './rooms.js'

export interface MetricsSources {
  readonly stats: () => RoomStats
  readonly connections: () => number
  readonly draining: () => boolean
}

export interface Metrics {
  /** Frames relayed to other peers, by message type (one per recipient). */
  readonly relayed: Counter<'type'>
  /** `error` frames sent, by error code. */
  readonly errors: Counter<'code'>
  /** Time from a relay frame's arrival to its hand-off to the recipients' sockets. */
  readonly relayLatency: Histogram
  /** Frames dropped by a connection's rate limit, and connections closed for flooding. */
  readonly rateLimited: Counter
  /** Sockets the server cut off: reason `slow-consumer`, `heartbeat`, `flood`, `frame-too-big`, `replaced`. */
  readonly dropped: Counter<'reason'>
  /** Upgrades refused before a session existed: `origin`, `connection-rate`, `server-full`, `draining`. */
  readonly rejected: Counter<'reason'>
  /** Joins refused for their token, by reason (`missing`, `expired`, `bad-signature`, …). */
  readonly authFailures: Counter<'reason'>
  /** Cluster mode only: registers the cluster's metrics (an in-memory server shows none). */
  cluster(degraded: () => boolean): ClusterMetrics
  /** The Prometheus text exposition of this server's metrics and the process's. */
  render(): Promise<{ contentType: string; body: string }>
}

export interface ClusterMetrics {
  /** Round trip of the liveness renewal, one per heartbeat. */
  readonly redisRoundTrip: Histogram
  /** Publish-to-receipt time of messages from other nodes (clocks of different hosts add their skew). */
  readonly pubsubLag: Histogram
  /** Frames and control messages between nodes: direction `out`, `in`, or `dropped` (Redis unreachable). */
  readonly crossNode: Counter<'direction'>
}

// Process metrics (CPU, memory, event loop lag, GC) are process-wide and their collectors cannot
// be stopped, so one registry serves every server in the process instead of one per server.
let processRegistry: Registry | undefined
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry()
    collectDefaultMetrics({ register: processRegistry })
  }
  return processRegistry
}

const PREFIX = 'peerlane_signaling_'

export function createMetrics(sources: MetricsSources): Metrics {
  const registry = new Registry()
  const registers = [registry]
  new Gauge({ name: `${PREFIX}connections`, help: 'Open WebSocket connections.', registers, collect() { this.set(sources.connections()) } })
  new Gauge({ name: `${PREFIX}rooms`, help: 'Rooms with at least one peer.', registers, collect() { this.set(sources.stats().rooms) } })
  new Gauge({ name: `${PREFIX}peers`, help: 'Peers in rooms, including ones waiting to resume.', registers, collect() { this.set(sources.stats().peers) } })
  new Gauge({ name: `${PREFIX}draining`, help: '1 while the server drains before shutting down.', registers, collect() { this.set(sources.draining() ? 1 : 0) } })

  return {
    relayed: new Counter({ name: `${PREFIX}messages_relayed_total`, help: 'Frames relayed to peers, by message type.', labelNames: ['type'], registers }),
    errors: new Counter({ name: `${PREFIX}errors_total`, help: 'Error frames sent to clients, by error code.', labelNames: ['code'], registers }),
    relayLatency: new Histogram({
      name: `${PREFIX}relay_latency_seconds`,
      help: 'Time from a relay frame arriving to its hand-off to the recipients, sampled (one frame in 16).',
      // Relaying is in-memory work: the interesting range is tens of microseconds to milliseconds.
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
      registers,
    }),
    rateLimited: new Counter({ name: `${PREFIX}rate_limited_total`, help: 'Frames dropped by a per-connection rate limit.', registers }),
    dropped: new Counter({ name: `${PREFIX}dropped_connections_total`, help: 'Connections the server cut off, by reason.', labelNames: ['reason'], registers }),
    rejected: new Counter({ name: `${PREFIX}rejected_connections_total`, help: 'Connections refused at the upgrade, by reason.', labelNames: ['reason'], registers }),
    authFailures: new Counter({ name: `${PREFIX}auth_failures_total`, help: 'Joins refused for their token, by reason.', labelNames: ['reason'], registers }),
    cluster(degraded) {
      new Gauge({ name: `${PREFIX}cluster_degraded`, help: '1 while Redis is unreachable: this node serves its own peers alone.', registers, collect() { this.set(degraded() ? 1 : 0) } })
      // Loopback Redis answers in tens of microseconds; a remote one in a data centre in a millisecond or so.
      const buckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5]
      return {
        redisRoundTrip: new Histogram({ name: `${PREFIX}redis_round_trip_seconds`, help: 'Round trip of the cluster liveness renewal to Redis.', buckets, registers }),
        pubsubLag: new Histogram({ name: `${PREFIX}pubsub_lag_seconds`, help: 'Time from another node publishing a message to its receipt here.', buckets, registers }),
        crossNode: new Counter({ name: `${PREFIX}cross_node_messages_total`, help: 'Messages between nodes over Redis, by direction (out, in, dropped).', labelNames: ['direction'], registers }),
      }
    },
    async render() {
      const body = (await processMetrics().metrics()) + (await registry.metrics())
      return { contentType: registry.contentType, body }
    },
  }
}

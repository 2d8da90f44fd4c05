// Test-only: cluster nodes in this process against a test Redis, with short heartbeat and grace
// periods so that suites stay fast, and the join/drop steps the cluster suites share.
import { setTimeout as sleep } from 'node:timers/promises'
import type { SignalingConfig } from '../config.js'
import { connect, startServer, type TestClient } from './client.js'

export const CLUSTER_SECRET = 'a-resume-secret-every-node-shares'
export const HEARTBEAT_MS = 100
export const GRACE_MS = 400

/** A node on `redisUrl` (closed after the test), once `/readyz` says it reached Redis. */
export async function clusterNode(redisUrl: string, config: SignalingConfig = {}) {
  const server = await startServer({ redisUrl, resumeSecret: CLUSTER_SECRET, clusterHeartbeatMs: HEARTBEAT_MS, resumeGraceMs: GRACE_MS, ...config })
  await readiness(server.httpUrl, 200)
  return server
}

/** The arguments that start the same node as a child process (spawnServer), for a node that must die. */
export function clusterNodeArgs(redisUrl: string, extra: string[] = []): string[] {
  return ['--redis-url', redisUrl, '--resume-secret', CLUSTER_SECRET, '--cluster-heartbeat-ms', String(HEARTBEAT_MS), '--resume-grace-ms', String(GRACE_MS), ...extra]
}

/** Waits until `/readyz` answers `status`; returns its body. */
export async function readiness(httpUrl: string, status: number): Promise<unknown> {
  const deadline = Date.now() + 5_000
  for (;;) {
    const response = await fetch(`${httpUrl}/readyz`)
    const body: unknown = await response.json()
    if (response.status === status) return body
    if (Date.now() > deadline) throw new Error(`/readyz stayed ${response.status} ${JSON.stringify(body)}`)
    await sleep(20)
  }
}

/** Connects to `url` and joins `room` (extra fields for the join); resolves on its welcome. */
export async function join(url: string, room: string, extra: Record<string, unknown> = {}) {
  const client = await connect(url)
  client.send({ type: 'join', room, ...extra })
  const welcome = await client.nextOfType('welcome')
  return { client, welcome, peerId: welcome.peerId }
}

/** Cuts the socket off without a close handshake, as a dropped network does. */
export async function drop(client: TestClient): Promise<void> {
  client.ws.terminate()
  await client.closed
}

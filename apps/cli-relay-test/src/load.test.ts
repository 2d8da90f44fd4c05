import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { createSignalingServer, type SignalingServer } from '@peerlane/signaling'
import { PeerServer } from 'peer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runLoad, type LoadConfig } from './load.js'
import { UNLIMITED, deadPort } from './test-support.js'

let server: SignalingServer
let runs = 0

const config = (extra: Partial<LoadConfig> = {}): LoadConfig => ({
  url: new URL(server.url),
  peers: 6,
  rooms: 3,
  rate: 200,
  durationMs: 1_000,
  warmupMs: 200,
  handshake: 'join',
  window: 1,
  roomPrefix: `load-test-${process.pid}-${++runs}`,
  connectTimeoutMs: 5_000,
  connectConcurrency: 10,
  drainTimeoutMs: 3_000,
  ...extra,
})

beforeAll(async () => {
  server = await createSignalingServer({ port: 0, ...UNLIMITED })
})
afterAll(() => server.close())

describe('load', () => {
  it('delivers every message it sent at a small fixed rate', async () => {
    const phases: string[] = []
    const report = await runLoad(config({ onPhase: (phase) => phases.push(phase) }))
    expect(report.problems).toEqual([])
    expect(report.ok).toBe(true)
    expect(report.connected).toBe(6)
    // 200 msg/s for 1.2 s; timers only ever run late, so at least that many.
    expect(report.sent).toBeGreaterThanOrEqual(200)
    expect(report.received).toBe(report.sent)
    expect(report.lost).toBe(0)
    expect(report.latencyMs.count).toBeGreaterThan(150)
    expect(phases).toEqual(['connecting', 'warmup', 'measuring', 'draining', 'closing', 'done'])
  })

  it('delivers every message in closed loop, rooms larger than pairs included', async () => {
    const report = await runLoad(config({ peers: 6, rooms: 2, rate: 'max', durationMs: 500 }))
    expect(report.problems).toEqual([])
    expect(report.received).toBe(report.sent)
    expect(report.measured.throughput).toBeGreaterThan(100)
  })

  it('speaks the tutorial handshake (?room=, broadcast) too', async () => {
    const report = await runLoad(config({ handshake: 'url-room', peers: 4, rooms: 2, rate: 100 }))
    expect(report.problems).toEqual([])
    expect(report.received).toBe(report.sent)
  })

  it('drives a PeerJS server in its own handshake and message format', async () => {
    const http = await new Promise<Server>((resolve) => {
      PeerServer({ host: '127.0.0.1', port: 0, path: '/', key: 'peerjs' }, resolve)
    })
    try {
      const url = new URL(`ws://127.0.0.1:${(http.address() as AddressInfo).port}/peerjs`)
      const report = await runLoad(config({ url, handshake: 'peerjs', peers: 4, rooms: 2, rate: 100 }))
      expect(report.problems).toEqual([])
      expect(report.connected).toBe(4)
      expect(report.sent).toBeGreaterThan(0)
      expect(report.received).toBe(report.sent)
    } finally {
      http.closeAllConnections()
      await new Promise((resolve) => http.close(resolve))
    }
  })

  it('reports the server’s rate limiting as error frames and lost messages', async () => {
    const limited = await createSignalingServer({ port: 0 })
    try {
      // A second of warm-up: the closed loop spends the server's burst and stalls before the window.
      const report = await runLoad(config({ url: new URL(limited.url), peers: 2, rooms: 1, rate: 'max', warmupMs: 1_000, durationMs: 300 }))
      expect(report.ok).toBe(false)
      expect(report.errors['rate-limited']).toBeGreaterThan(0)
      expect(report.stalled).toBe(true)
      expect(report.problems.join('\n')).toMatch(/^stalled on the server's rate limit/m)
    } finally {
      await limited.close()
    }
  })

  it('counts peers that cannot connect, and stops at once when none does', async () => {
    // A duration beyond the test's timeout: waiting it out fails the test.
    const report = await runLoad(config({ url: new URL(`ws://127.0.0.1:${await deadPort()}`), peers: 2, rooms: 1, durationMs: 600_000 }))
    expect(report.ok).toBe(false)
    expect(report.connectionFailures).toEqual({ unreachable: 2 })
    expect(report.problems[0]).toMatch(/^no peer could connect/)
  })
})

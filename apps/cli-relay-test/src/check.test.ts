import { createSignalingServer, type SignalingServer } from '@peerlane/signaling'
import { PeerlaneError } from '@peerlane/sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHECK_STEPS, runCheck, type CheckConfig } from './check.js'
import { RTCPeerConnection as WeriftPeerConnection } from 'werift'
import type { PeerConnectionConstructor } from '@peerlane/sdk'
import { UNLIMITED, deadPort, scriptedServer } from './test-support.js'

let server: SignalingServer
let rooms = 0
const config = (url: string, extra: Partial<CheckConfig> = {}): CheckConfig => ({
  url: new URL(url),
  room: `check-test-${process.pid}-${++rooms}`,
  stepTimeoutMs: 10_000,
  roundTrips: 3,
  ...extra,
})

beforeAll(async () => {
  server = await createSignalingServer({ port: 0, ...UNLIMITED })
})
afterAll(() => server.close())

describe('check', () => {
  it('passes every step against a local server and names the candidate types', async () => {
    const report = await runCheck(config(server.url))
    expect(report.steps.filter((s) => !s.ok)).toEqual([])
    expect(report.ok).toBe(true)
    // Repeated: werift's negotiation used to stall intermittently (see @peerlane/sdk/werift).
    for (let i = 0; i < 3; i++) expect((await runCheck(config(server.url))).failedStep).toBeUndefined()
    expect(report.steps.map((s) => s.step)).toEqual([...CHECK_STEPS])
    for (const step of report.steps) expect(step.ms).toBeGreaterThanOrEqual(0)
    expect(report.candidates?.sent).toContain('host')
  })

  it('fails at "websocket" with unreachable when nothing listens', async () => {
    const report = await runCheck(config(`ws://127.0.0.1:${await deadPort()}`))
    expect(report.ok).toBe(false)
    expect(report.failedStep).toBe('websocket')
    expect(report.steps.at(-1)?.error?.code).toBe('unreachable')
  })

  it('fails at "welcome" with the server’s code when the token is refused', async () => {
    const refusing = await scriptedServer((frame) =>
      frame.includes('"join"') ? JSON.stringify({ type: 'error', code: 'unauthorized', message: 'bad token' }) : undefined,
    )
    try {
      const report = await runCheck(config(refusing.url, { token: 'wrong' }))
      expect(report.failedStep).toBe('welcome')
      const error = report.steps.at(-1)?.error
      expect(error?.code).toBe('server-error')
      expect((error?.cause as PeerlaneError).code).toBe('unauthorized')
    } finally {
      await refusing.close()
    }
  })

  it('fails at "ice-connected" when ICE cannot connect', async () => {
    // Neither IPv4 nor IPv6: the peers gather no candidate at all, so ICE has nothing to try.
    const NoCandidates = class extends WeriftPeerConnection {
      constructor(configuration: RTCConfiguration = {}) {
        super({ ...(configuration as object), iceUseIpv4: false, iceUseIpv6: false })
      }
    } as unknown as PeerConnectionConstructor
    const report = await runCheck(config(server.url, { PeerConnection: NoCandidates, stepTimeoutMs: 3_000 }))
    expect(report.failedStep).toBe('ice-connected')
    expect(report.steps.at(-1)?.error?.code).toMatch(/^(timeout|webrtc-failed)$/)
  })
})

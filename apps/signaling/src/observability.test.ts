import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { mintToken } from './auth.js'
import { createLogger } from './logger.js'
import { connect, startServer } from './test-support/client.js'

const SECRET = 'observability-secret-long-enough-for-hs256'
// Distinctive text that must never reach the logs.
const SDP = 'v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\na=ice-pwd:SECRETICEPASSWORDxyz123\r\n'
const CANDIDATE = 'candidate:842163049 1 udp 1677729535 203.0.113.77 54321 typ srflx'

function memoryLogger() {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean))
      callback()
    },
  })
  return { logger: createLogger('trace', stream), lines }
}

async function call(url: string, tokenFor?: (identity: string) => Promise<string>) {
  const join = async (name: string) => ({ type: 'join', room: 'r', name, ...(tokenFor ? { token: await tokenFor(name) } : {}) })
  const ada = await connect(url)
  ada.send(await join('Ada'))
  const adaWelcome = await ada.nextOfType('welcome')
  const bob = await connect(url)
  bob.send(await join('Bob'))
  const bobWelcome = await bob.nextOfType('welcome')
  ada.send({ type: 'offer', to: bobWelcome.peerId, sdp: { type: 'offer', sdp: SDP } })
  await bob.nextOfType('offer')
  bob.send({ type: 'answer', to: adaWelcome.peerId, sdp: SDP })
  await ada.nextOfType('answer')
  bob.send({ type: 'candidate', to: adaWelcome.peerId, candidate: { candidate: CANDIDATE, sdpMid: '0' } })
  await ada.nextOfType('candidate')
  // A bad frame carrying an SDP, and a refused token.
  ada.send({ type: 'offer', to: bobWelcome.peerId, sdp: { type: 'answer', sdp: SDP } })
  await ada.nextOfType('error')
  return { ada, bob, adaWelcome, bobWelcome }
}

describe('observability', () => {
  it('logs JSON per connection with peer id and room, and never an SDP, candidate or token', async () => {
    const { logger, lines } = memoryLogger()
    const server = await startServer({ logger, authSecret: SECRET })
    const tokens: string[] = []
    const { ada, bob, adaWelcome } = await call(server.url, async (identity) => {
      const token = await mintToken({ secret: SECRET, room: 'r', identity, ttlSeconds: 60 })
      tokens.push(token)
      return token
    })
    const intruder = await connect(server.url)
    const forged = `${tokens[0]}x`
    intruder.send({ type: 'join', room: 'r', token: forged })
    await intruder.closed
    ada.ws.close()
    bob.ws.close()
    await Promise.all([ada.closed, bob.closed])

    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(records.length).toBeGreaterThan(5)
    expect(records.some((r) => r.peerId === adaWelcome.peerId && r.room === 'r' && r.msg === 'joined')).toBe(true)
    expect(records.some((r) => r.msg === 'join refused for its token' && r.reason === 'bad-signature')).toBe(true)
    const text = lines.join('\n')
    for (const secret of ['SECRETICEPASSWORD', '203.0.113.77', SECRET, forged, ...tokens, adaWelcome.resumeToken ?? 'unset']) {
      expect(text).not.toContain(secret)
    }
  })

  it('redacts token and SDP fields even if code logs them', () => {
    const { logger, lines } = memoryLogger()
    logger.info({ token: 'tok-123', message: { sdp: SDP, candidate: CANDIDATE }, deep: { join: { resumeToken: 'rt-456' } } }, 'oops')
    expect(lines.join('\n')).not.toMatch(/tok-123|SECRETICE|203\.0\.113|rt-456/)
  })

  it('logs once at start that the server is open when no key is configured', async () => {
    const { logger, lines } = memoryLogger()
    await startServer({ logger })
    expect(lines.filter((line) => line.includes('no auth secret or public key configured'))).toHaveLength(1)
  })

  it('keeps /metrics off the public port unless asked; a metrics listener of its own serves it', async () => {
    const server = await startServer({ metricsPort: 0 })
    const onPublic = await fetch(`${server.httpUrl}/metrics`)
    expect(onPublic.status).toBe(404)
    expect(await onPublic.text()).not.toContain('process_resident_memory_bytes')
    expect(server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/)
    expect(server.metricsUrl).not.toContain(`:${server.port}/`)
    const scraped = await fetch(server.metricsUrl ?? '')
    expect(scraped.status).toBe(200)
    expect(await scraped.text()).toMatch(/^peerlane_signaling_connections 0$/m)
    // Only /metrics there: not the app, not health.
    expect((await fetch(`${new URL(server.metricsUrl ?? '').origin}/healthz`)).status).toBe(404)
    // Without any metrics option, none at all.
    const plain = await startServer()
    expect(plain.metricsUrl).toBeUndefined()
    expect((await fetch(`${plain.httpUrl}/metrics`)).status).toBe(404)
  })

  it('serves /healthz, /readyz and Prometheus /metrics with the relay counters', async () => {
    const server = await startServer({ metricsPublic: true, relayLatencySampleEvery: 1 })
    await call(server.url)
    expect(await (await fetch(`${server.httpUrl}/healthz`)).json()).toEqual({ status: 'ok', rooms: 1, peers: 2 })
    const ready = await fetch(`${server.httpUrl}/readyz`)
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }])

    const response = await fetch(`${server.httpUrl}/metrics`)
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await response.text()
    for (const line of [
      /^peerlane_signaling_connections 2$/m,
      /^peerlane_signaling_rooms 1$/m,
      /^peerlane_signaling_peers 2$/m,
      /^peerlane_signaling_draining 0$/m,
      /^peerlane_signaling_messages_relayed_total\{type="offer"\} 1$/m,
      /^peerlane_signaling_messages_relayed_total\{type="answer"\} 1$/m,
      /^peerlane_signaling_messages_relayed_total\{type="candidate"\} 1$/m,
      /^peerlane_signaling_errors_total\{code="invalid-message"\} 1$/m,
      /^peerlane_signaling_relay_latency_seconds_count 3$/m,
      /^peerlane_signaling_relay_latency_seconds_bucket\{le="\+Inf"\} 3$/m,
      /^peerlane_signaling_rate_limited_total 0$/m,
      // Process metrics, e.g. for the benchmark's CPU figure.
      /^process_cpu_seconds_total \d/m,
      /^process_resident_memory_bytes \d/m,
      /^nodejs_heap_size_used_bytes \d/m,
    ]) {
      expect(text).toMatch(line)
    }
  })
})

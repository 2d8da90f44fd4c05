import { CLOSE_CODES } from '@peerlane/protocol'
import { describe, expect, it } from 'vitest'
import { ConfigError } from './config-check.js'
import { FrameGuard } from './limits.js'
import { KeyedRateLimiter, TokenBucket } from './rate-limiter.js'
import { connect, joined, startServer, type Received, type TestClient } from './test-support/client.js'

const offer = (sdp = 'v=0\r\n') => ({ type: 'offer', sdp: { type: 'offer', sdp } })

/** Collects every message until the socket closes. */
async function drainUntilClosed(client: TestClient): Promise<Received[]> {
  const seen: Received[] = []
  let done = false
  const closed = client.closed.then((result) => {
    done = true
    return result
  })
  while (!done) {
    const message = await Promise.race([client.next(() => true, 5_000), closed.then(() => undefined)])
    if (message) seen.push(message)
  }
  return seen
}

async function metric(httpUrl: string, line: RegExp): Promise<number> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text()
  const match = text.split('\n').find((l) => line.test(l))
  return match === undefined ? 0 : Number(match.split(' ').at(-1))
}

describe('token buckets', () => {
  it('allow a burst, then the refill rate, and forget full buckets', () => {
    let now = 0
    const bucket = new TokenBucket(10, 20, () => now)
    expect(Array.from({ length: 25 }, () => bucket.take()).filter(Boolean)).toHaveLength(20)
    now += 500
    expect(Array.from({ length: 10 }, () => bucket.take()).filter(Boolean)).toHaveLength(5)
    const perKey = new KeyedRateLimiter(1, 1, () => now)
    expect([perKey.take('a'), perKey.take('a'), perKey.take('b')]).toEqual([true, false, true])
    now += 1_000
    perKey.prune()
    expect(perKey.size).toBe(0)
  })

  it('turn persistent excess into abuse', () => {
    let now = 0
    const guard = new FrameGuard({ messagesPerSecond: 1, bytesPerSecond: 1_000, disconnectAfter: 3 }, () => now)
    const admit = (size: number) => guard.admit(size)
    expect([admit(1), admit(1), admit(1), admit(1), admit(1), admit(1)]).toEqual(['ok', 'ok', 'limited', 'limited', 'limited', 'abusive'])
    now += 10_000
    expect(admit(1)).toBe('ok')
    expect(admit(5_000)).toBe('limited')
  })
})

describe('limits', () => {
  it('closes with 1009 a frame over the default 64 KiB', async () => {
    const server = await startServer({ metricsPublic: true })
    const client = await connect(server.url)
    client.send('x'.repeat(64 * 1024 + 1))
    expect((await client.closed).code).toBe(CLOSE_CODES.messageTooBig)
    expect(await metric(server.httpUrl, /^peerlane_signaling_dropped_connections_total\{reason="frame-too-big"\}/)).toBe(1)
  })

  it('answers rate-limited past the burst, keeps the connection, and closes a persistent flooder with 1008', async () => {
    const server = await startServer({ maxMessagesPerSecond: 5, rateLimitDisconnectAfter: 20 })
    const client = await connect(server.url)
    for (let i = 0; i < 15; i++) client.send({ type: 'ping', id: i })
    const replies = await Promise.all(Array.from({ length: 15 }, () => client.next()))
    const pongs = replies.filter((m) => m.type === 'pong').length
    const limited = replies.filter((m) => m.type === 'error' && m.code === 'rate-limited').length
    expect(pongs + limited).toBe(15)
    expect(pongs).toBeGreaterThanOrEqual(10)
    expect(limited).toBeGreaterThanOrEqual(4)

    for (let i = 0; i < 100; i++) client.send({ type: 'ping' })
    const rest = await drainUntilClosed(client)
    expect((await client.closed).code).toBe(CLOSE_CODES.policyViolation)
    expect(rest.filter((m) => m.type === 'error').every((m) => m.type === 'error' && m.code === 'rate-limited')).toBe(true)
  })

  it('counts bytes too', async () => {
    const server = await startServer({ maxBytesPerSecond: 1_000 })
    const client = await connect(server.url)
    client.send({ type: 'ping', id: 'x'.repeat(60) })
    client.send(offer('v'.repeat(3_000)))
    expect(await client.nextOfType('pong')).toBeDefined()
    expect(await client.nextOfType('error')).toMatchObject({ code: 'rate-limited' })
  })

  it('keeps relaying every message of a well-behaved pair while another connection floods', async () => {
    const server = await startServer({ metricsPublic: true })
    const ada = await joined(server.url, 'calm')
    const bob = await joined(server.url, 'calm')
    await ada.client.nextOfType('peer-joined')
    const flooder = await joined(server.url, 'storm')
    await joined(server.url, 'storm')
    let flooding = true
    const flood = (async () => {
      while (flooding && flooder.client.ws.readyState === flooder.client.ws.OPEN) {
        for (let i = 0; i < 200; i++) flooder.client.send(offer())
        await new Promise((resolve) => setImmediate(resolve))
      }
    })()
    // 80 messages in one go stay within the default burst of 100.
    const COUNT = 80
    for (let i = 0; i < COUNT; i++) ada.client.send({ ...offer(`v=0\r\ns=${i}\r\n`), to: bob.peerId })
    for (let i = 0; i < COUNT; i++) {
      expect(await bob.client.nextOfType('offer')).toMatchObject({ from: ada.peerId, sdp: { sdp: `v=0\r\ns=${i}\r\n` } })
    }
    expect(await ada.client.sync()).toEqual([])
    expect((await flooder.client.closed).code).toBe(CLOSE_CODES.policyViolation)
    flooding = false
    await flood
    expect(await metric(server.httpUrl, /^peerlane_signaling_rate_limited_total /)).toBeGreaterThan(0)
    expect(await metric(server.httpUrl, /^peerlane_signaling_dropped_connections_total\{reason="flood"\}/)).toBe(1)
  })

  it('closes new connections over the per-IP rate with 1013', async () => {
    const server = await startServer({ maxConnectionsPerIpPerSecond: 3 })
    const clients = await Promise.all(Array.from({ length: 6 }, () => connect(server.url)))
    const pending = clients.map((client) =>
      Promise.race([client.sync().then(() => 'open' as const), client.closed.then(() => 'closed' as const)]),
    )
    const outcomes = await Promise.all(pending)
    const closes = await Promise.all(
      clients.filter((_, i) => outcomes[i] === 'closed').map((client) => client.closed.then((c) => c.code)),
    )
    expect(outcomes.filter((o) => o === 'open').length).toBeGreaterThanOrEqual(3)
    expect(closes.length).toBeGreaterThanOrEqual(2)
    expect(new Set(closes)).toEqual(new Set([CLOSE_CODES.tryAgainLater]))
  })

  it('closes connections beyond maxConnections with 1013', async () => {
    const server = await startServer({ maxConnections: 2 })
    await connect(server.url)
    await connect(server.url)
    const third = await connect(server.url)
    expect((await third.closed).code).toBe(CLOSE_CODES.tryAgainLater)
  })

  it('refuses a join that would create a room beyond maxRooms with server-full', async () => {
    const server = await startServer({ maxRooms: 2 })
    await joined(server.url, 'a')
    await joined(server.url, 'b')
    const client = await connect(server.url)
    client.send({ type: 'join', room: 'c' })
    expect(await client.nextOfType('error')).toMatchObject({ code: 'server-full', ref: 'join' })
    client.send({ type: 'join', room: 'a' })
    await client.nextOfType('welcome')
  })

  it('applies the configured SDP, candidate and name lengths', async () => {
    const server = await startServer({ maxSdpLength: 10, maxCandidateLength: 10, maxNameLength: 3 })
    const client = await connect(server.url)
    client.send({ type: 'join', room: 'r', name: 'Adalbert' })
    expect(await client.nextOfType('error')).toMatchObject({ code: 'invalid-message', path: '/name', ref: 'join' })
    client.send({ type: 'join', room: 'r', name: 'Ada' })
    await client.nextOfType('welcome')
    client.send(offer('v=0\r\ns=too long\r\n'))
    expect(await client.nextOfType('error')).toMatchObject({ code: 'invalid-message', path: '/sdp/sdp' })
    client.send({ type: 'answer', sdp: 'v=0\r\ns=too long\r\n' })
    expect(await client.nextOfType('error')).toMatchObject({ code: 'invalid-message', path: '/sdp' })
    client.send({ type: 'candidate', candidate: { candidate: 'candidate:1 1 udp' } })
    expect(await client.nextOfType('error')).toMatchObject({ code: 'invalid-message', path: '/candidate/candidate' })
    client.send({ type: 'candidate', candidate: 'candidate:1 1 udp' })
    expect(await client.nextOfType('error')).toMatchObject({ code: 'invalid-message', path: '/candidate' })
  })

  it('cuts off a slow consumer whose send buffer stays full', async () => {
    const big = 'a'.repeat(30_000)
    const server = await startServer({ metricsPublic: true, maxBufferedAmount: 64 * 1024, resumeGraceMs: 0, maxMessagesPerSecond: 10_000, maxBytesPerSecond: 1e9 })
    const sender = await joined(server.url, 'r')
    const reader = await joined(server.url, 'r')
    await sender.client.nextOfType('peer-joined')
    // Stop reading: the kernel buffers fill, then the server's send buffer grows.
    ;(reader.client.ws as unknown as { _socket: { pause(): void } })._socket.pause()
    for (let i = 0; i < 600; i++) sender.client.send({ ...offer(big), to: reader.peerId })
    expect(await sender.client.nextOfType('peer-left', 10_000)).toMatchObject({ peerId: reader.peerId, reason: 'disconnected' })
    expect(await metric(server.httpUrl, /^peerlane_signaling_dropped_connections_total\{reason="slow-consumer"\}/)).toBe(1)
  })

  it('refuses to start with an unusable limit', async () => {
    await expect(startServer({ maxRooms: 0 })).rejects.toMatchObject({ field: 'maxRooms' })
    await expect(startServer({ maxSdpLength: 1e6 })).rejects.toBeInstanceOf(ConfigError)
    await expect(startServer({ allowedOrigins: ['example.com'] })).rejects.toMatchObject({ field: 'allowedOrigins' })
    await expect(startServer({ trustProxy: ['10.0.0.0/33'] })).rejects.toMatchObject({ field: 'trustProxy' })
    await expect(startServer({ publicUrl: 'call.example.com' })).rejects.toMatchObject({ field: 'publicUrl' })
    await expect(startServer({ metricsPort: 70_000 })).rejects.toMatchObject({ field: 'metricsPort' })
    await expect(startServer({ joinTimeoutMs: 0 })).rejects.toMatchObject({ field: 'joinTimeoutMs' })
  })
})

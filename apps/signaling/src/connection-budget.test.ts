import { connect as tcpConnect, type Socket } from 'node:net'
import { CLOSE_CODES } from '@peerlane/protocol'
import { describe, expect, it, vi } from 'vitest'
import { clientAddress, limitKey } from './client-address.js'
import { ConnectionBudget } from './connection-budget.js'
import { connect, joined, startServer, type TestClient } from './test-support/client.js'

/** Resolves 'open' once a ping round-trips, or 'closed' with the code when the server closes first. */
async function outcome(client: TestClient): Promise<'open' | number> {
  return Promise.race([client.sync().then(() => 'open' as const), client.closed.then((close) => close.code)])
}

interface RawSocket {
  readonly socket: Socket
  /** Milliseconds from connecting until the socket closed (watched from the start, so no close is missed). */
  readonly closedAfter: Promise<number>
}

/** A raw TCP connection to the server (from `localAddress`), resolving once connected. */
function rawSocket(port: number, localAddress = '127.0.0.1'): Promise<RawSocket> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ port, host: '127.0.0.1', localAddress }, () => {
      const connectedAt = performance.now()
      const closedAfter = new Promise<number>((closed) => socket.once('close', () => closed(performance.now() - connectedAt)))
      // Read and drop whatever the server sends (Node answers a timed-out head with 408): an
      // unread response would keep the stream from ever reaching 'end' and 'close'.
      socket.resume()
      resolve({ socket, closedAfter })
    })
    socket.once('error', reject)
    socket.on('error', () => {})
  })
}

/** Milliseconds until the server closed `raw`, or Infinity if it is still open after `boundMs` (then it is destroyed). */
function closedWithin(raw: RawSocket, boundMs: number): Promise<number> {
  let timer: NodeJS.Timeout | undefined
  const bound = new Promise<number>((resolve) => {
    timer = setTimeout(() => resolve(Number.POSITIVE_INFINITY), boundMs)
  })
  return Promise.race([raw.closedAfter, bound]).then((ms) => {
    clearTimeout(timer)
    raw.socket.destroy()
    return ms
  })
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('per-address connection cap', () => {
  it('closes sockets beyond maxOpenConnectionsPerIp with 1013 while another address still connects', async () => {
    const server = await startServer({ maxOpenConnectionsPerIp: 3 })
    const first = await Promise.all([1, 2, 3].map(() => connect(server.url)))
    expect(await Promise.all(first.map(outcome))).toEqual(['open', 'open', 'open'])
    const fourth = await connect(server.url)
    expect(await outcome(fourth)).toBe(CLOSE_CODES.tryAgainLater)
    expect((await fourth.closed).reason).toBe('too many connections from this address')

    const other = await connect(server.url, { localAddress: '127.0.0.2' })
    other.send({ type: 'join', room: 'r' })
    await other.nextOfType('welcome')

    // A slot comes back when a socket closes.
    first[0]?.ws.close()
    await first[0]?.closed
    await vi.waitFor(async () => expect(await outcome(await connect(server.url))).toBe('open'), { timeout: 5_000, interval: 200 })
  })

  it('counts X-Forwarded-For clients only behind a trusted proxy, taking the rightmost untrusted hop', async () => {
    const behindProxy = await startServer({ maxOpenConnectionsPerIp: 1, trustProxy: ['127.0.0.1'] })
    const via = (forwarded: string) => connect(behindProxy.url, { headers: { 'X-Forwarded-For': forwarded } })
    expect(await outcome(await via('203.0.113.1'))).toBe('open')
    expect(await outcome(await via('203.0.113.2'))).toBe('open')
    // A client cannot pick its identity by writing a hop to the left of what the proxy appended.
    expect(await outcome(await via('198.51.100.7, 203.0.113.1'))).toBe(CLOSE_CODES.tryAgainLater)

    const direct = await startServer({ maxOpenConnectionsPerIp: 1 })
    const spoof = (forwarded: string) => connect(direct.url, { headers: { 'X-Forwarded-For': forwarded } })
    expect(await outcome(await spoof('203.0.113.1'))).toBe('open')
    expect(await outcome(await spoof('203.0.113.2'))).toBe(CLOSE_CODES.tryAgainLater)
  })
})

describe('clientAddress', () => {
  const request = (remoteAddress: string, forwarded?: string) =>
    ({ socket: { remoteAddress }, headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded } }) as never

  it('ignores X-Forwarded-For unless the peer is a trusted proxy', () => {
    expect(clientAddress(request('198.51.100.1', '203.0.113.9'), { trustProxy: [] })).toBe('198.51.100.1')
    expect(clientAddress(request('198.51.100.1', '203.0.113.9'), { trustProxy: ['10.0.0.0/8'] })).toBe('198.51.100.1')
    expect(clientAddress(request('::ffff:10.1.2.3', '203.0.113.9'), { trustProxy: ['10.0.0.0/8'] })).toBe('203.0.113.9')
  })

  it('skips trusted hops from the right and stops at garbage', () => {
    const config = { trustProxy: ['10.0.0.0/8', '::1'] }
    expect(clientAddress(request('10.0.0.1', '1.1.1.1, 203.0.113.9, 10.0.0.2'), config)).toBe('203.0.113.9')
    expect(clientAddress(request('10.0.0.1', '10.0.0.3, 10.0.0.2'), config)).toBe('10.0.0.3')
    expect(clientAddress(request('10.0.0.1', 'nonsense, 10.0.0.2'), config)).toBe('10.0.0.2')
    expect(clientAddress(request('10.0.0.1', '[2001:db8::7]:4711, 203.0.113.9:80'), config)).toBe('203.0.113.9')
    expect(clientAddress(request('::1'), config)).toBe('::1')
  })

  it('keys IPv6 limits by /64, IPv4 by address', () => {
    expect(limitKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64')
    expect(limitKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64')
    expect(limitKey('2001:db8::1')).toBe('2001:db8:0:0::/64')
    expect(limitKey('::ffff:192.0.2.1')).toBe('192.0.2.1')
    expect(limitKey('192.0.2.1')).toBe('192.0.2.1')
  })

  it('budgets per key and in total, forgetting keys at zero', () => {
    const budget = new ConnectionBudget(2, 3)
    expect([budget.take('a'), budget.take('a'), budget.take('a')]).toEqual([true, true, false])
    expect([budget.take('b'), budget.take(undefined)]).toEqual([true, false])
    budget.release('a')
    expect(budget.take(undefined)).toBe(true)
  })
})

describe('join timeout', () => {
  it('closes sockets that stay outside a room with 4003; joined and relaying ones stay', async () => {
    const server = await startServer({ joinTimeoutMs: 300 })
    const idle = await connect(server.url)
    const member = await joined(server.url, 'r')
    const tutorial = await connect(`${server.url}/?room=t`)
    tutorial.send({ type: 'offer', sdp: { type: 'offer', sdp: 'v=0\r\n' } })
    const leaver = await joined(server.url, 'r')
    leaver.client.send({ type: 'leave' })

    expect(await idle.closed).toEqual({ code: CLOSE_CODES.joinTimeout, reason: 'no join in time' })
    expect((await leaver.client.closed).code).toBe(CLOSE_CODES.joinTimeout)
    await sleep(400)
    expect(await outcome(member.client)).toBe('open')
    expect(await outcome(tutorial)).toBe('open')
  })
})

describe('one sweep for every socket', () => {
  it('arms no timer per socket: join deadlines and heartbeats share one', async () => {
    const joinTimeoutMs = 61_234
    const server = await startServer({ joinTimeoutMs, maxOpenConnectionsPerIp: 100, maxConnectionsPerIpPerSecond: 100 })
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout')
    try {
      // Waiting in the lobby (each under a join deadline), and joined then left (under it again).
      await Promise.all(Array.from({ length: 20 }, () => connect(server.url)))
      const leavers = await Promise.all(Array.from({ length: 5 }, () => joined(server.url, 'r')))
      for (const { client } of leavers) client.send({ type: 'leave' })
      await Promise.all(leavers.map(({ client }) => client.sync()))
      const deadlines = setTimeoutSpy.mock.calls.filter(([, delay]) => delay === joinTimeoutMs)
      expect(deadlines).toEqual([])
    } finally {
      setTimeoutSpy.mockRestore()
    }
  })
})

describe('sockets before the upgrade', () => {
  it('sheds silent and slowloris connections within upgradeTimeoutMs while a calm client connects', async () => {
    const server = await startServer({ upgradeTimeoutMs: 500 })
    const silent = await rawSocket(server.port)
    const slow = await rawSocket(server.port)
    slow.socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n')
    const drip = setInterval(() => slow.socket.writable && slow.socket.write('X-Slow: 1\r\n'), 100)
    // Node alone keeps both for 60 to 95 s; the bound leaves room for a loaded machine.
    const [silentMs, slowMs] = await Promise.all([closedWithin(silent, 8_000), closedWithin(slow, 8_000)])
    clearInterval(drip)
    expect(silentMs).toBeLessThan(8_000)
    expect(slowMs).toBeLessThan(8_000)
    expect(await outcome(await connect(server.url))).toBe('open')
  }, 20_000)

  it('drops connections beyond maxPendingUpgradesPerIp at once; another address still connects', async () => {
    const server = await startServer({ maxPendingUpgradesPerIp: 2, maxPendingUpgrades: 3 })
    const held = [await rawSocket(server.port), await rawSocket(server.port)]
    const third = await rawSocket(server.port)
    expect(await closedWithin(third, 5_000)).toBeLessThan(5_000)
    const other = await connect(server.url, { localAddress: '127.0.0.2' })
    expect(await outcome(other)).toBe('open')
    // The total cap holds across addresses.
    const pendingElsewhere = await rawSocket(server.port, '127.0.0.3')
    const overTotal = await rawSocket(server.port, '127.0.0.4')
    expect(await closedWithin(overTotal, 5_000)).toBeLessThan(5_000)
    for (const raw of [...held, pendingElsewhere]) raw.socket.destroy()
    // Slots come back once the server has seen the closes.
    await vi.waitFor(async () => expect(await outcome(await connect(server.url))).toBe('open'), { timeout: 5_000, interval: 100 })
  }, 20_000)
})

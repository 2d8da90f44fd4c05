import { describe, expect, it } from 'vitest'
import { mintToken } from './auth.js'
import { KeyedRateLimiter } from './rate-limiter.js'
import { connect, startServer } from './test-support/client.js'

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256'

async function tryJoin(url: string, room: string, options: { localAddress?: string; extra?: Record<string, unknown> } = {}) {
  const client = await connect(url, options.localAddress ? { localAddress: options.localAddress } : {})
  client.send({ type: 'join', room, ...options.extra })
  return { client, reply: await client.next((message) => message.type === 'welcome' || message.type === 'error') }
}

describe('join budget against room enumeration', () => {
  it('refuses joins with too-many-joins once an IP has created its budget of rooms, while another IP still joins', async () => {
    const server = await startServer({ joinFailuresPerIpPerMinute: 3 })
    const host = await tryJoin(server.url, 'meeting')
    expect(host.reply.type).toBe('welcome')
    // Joining a room that exists costs nothing, however often.
    for (let i = 0; i < 5; i++) expect((await tryJoin(server.url, 'meeting')).reply.type).toBe('welcome')
    // A guesser: every guess names a room that does not exist.
    for (const guess of ['quiet-otter-11', 'brave-lynx-42']) expect((await tryJoin(server.url, guess)).reply.type).toBe('welcome')
    const refused = await tryJoin(server.url, 'meeting')
    expect(refused.reply).toMatchObject({ type: 'error', code: 'too-many-joins', ref: 'join' })
    // The refused join had no effect: the socket is still open and not in a room.
    refused.client.send({ type: 'leave' })
    expect(await refused.client.nextOfType('error')).toMatchObject({ code: 'not-in-room' })
    expect((await tryJoin(server.url, 'meeting', { localAddress: '127.0.0.2' })).reply.type).toBe('welcome')
  })

  it('counts failed joins: room-full and refused tokens', async () => {
    const server = await startServer({ joinFailuresPerIpPerMinute: 3, maxPeersPerRoom: 1, authSecret: SECRET })
    const token = (identity: string) => mintToken({ secret: SECRET, room: '*', identity, ttlSeconds: 60 })
    expect((await tryJoin(server.url, 'full', { extra: { token: await token('ada') } })).reply.type).toBe('welcome')
    expect((await tryJoin(server.url, 'full', { extra: { token: await token('bob') } })).reply).toMatchObject({ code: 'room-full' })
    expect((await tryJoin(server.url, 'full', { extra: { token: 'not.a.token' } })).reply).toMatchObject({ code: 'unauthorized' })
    expect((await tryJoin(server.url, 'full', { extra: { token: await token('cy') } })).reply).toMatchObject({ code: 'too-many-joins' })
  })

  it('budgets tutorial clients that join by relaying', async () => {
    const server = await startServer({ joinFailuresPerIpPerMinute: 1 })
    const first = await connect(`${server.url}/?room=a`)
    first.send({ type: 'candidate', candidate: null })
    expect(await first.sync()).toEqual([])
    const second = await connect(`${server.url}/?room=b`)
    second.send({ type: 'candidate', candidate: null })
    expect(await second.nextOfType('error')).toMatchObject({ code: 'too-many-joins', ref: 'candidate' })
  })
})

describe('KeyedRateLimiter as a join budget', () => {
  it('refills over a minute', () => {
    let now = 0
    const budget = new KeyedRateLimiter(2 / 60, 2, () => now, 100)
    budget.take('1.2.3.4')
    budget.take('1.2.3.4')
    expect(budget.has('1.2.3.4')).toBe(false)
    expect(budget.has('1.2.3.5')).toBe(true)
    now = 30_000
    expect(budget.has('1.2.3.4')).toBe(true)
  })

  it('remembers at most maxKeys addresses', () => {
    const budget = new KeyedRateLimiter(5 / 60, 5, () => 0, 100)
    for (let i = 0; i < 10_000; i++) budget.take(`10.0.${i >> 8}.${i & 255}`)
    expect(budget.size).toBeLessThanOrEqual(100)
  })

})

import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { mintToken } from './auth.js'
import { ConfigError } from './config-check.js'
import { connect, startServer } from './test-support/client.js'

const TURN_SECRET = 'turn-secret-shared-with-coturn'
const TURN_URLS = ['turn:127.0.0.1:3478?transport=udp', 'turn:127.0.0.1:3478?transport=tcp']
const STUN = { urls: 'stun:127.0.0.1:3478' }

/** Checks a TURN entry the way coturn does: the HMAC over the username, and the expiry in it. */
function expectValidTurn(entry: { urls?: unknown; username?: string; credential?: string } | undefined, user: string, ttlSeconds: number): number {
  expect(entry?.urls).toEqual(TURN_URLS)
  const [expiry, ...rest] = (entry?.username ?? '').split(':')
  expect(rest.join(':')).toBe(user)
  expect(entry?.credential).toBe(createHmac('sha1', TURN_SECRET).update(entry?.username ?? '').digest('base64'))
  const now = Date.now() / 1000
  expect(Number(expiry)).toBeGreaterThan(now + ttlSeconds - 5)
  expect(Number(expiry)).toBeLessThanOrEqual(now + ttlSeconds + 1)
  return Number(expiry)
}

describe('TURN credentials in welcome', () => {
  it('merges the static ICE servers with TURN credentials for the peer, fresh ones on resume', async () => {
    const server = await startServer({ iceServers: [STUN], turnSecret: TURN_SECRET, turnUrls: TURN_URLS, turnTtlSeconds: 600, resumeGraceMs: 5_000 })
    const client = await connect(server.url)
    client.send({ type: 'join', room: 'r' })
    const welcome = await client.nextOfType('welcome')
    expect(welcome.iceServers[0]).toEqual(STUN)
    expectValidTurn(welcome.iceServers[1], welcome.peerId, 600)
    expect(welcome.iceServers).toHaveLength(2)

    client.ws.terminate()
    await client.closed
    await new Promise((resolve) => setTimeout(resolve, 1_100))
    const back = await connect(server.url)
    back.send({ type: 'join', room: 'r', resumeToken: welcome.resumeToken })
    const resumed = await back.nextOfType('welcome')
    expect(resumed).toMatchObject({ resumed: true, peerId: welcome.peerId })
    const expiry = expectValidTurn(resumed.iceServers[1], welcome.peerId, 600)
    expect(expiry, 'a resume renews the credentials').toBeGreaterThan(Number(welcome.iceServers[1]?.username?.split(':')[0]))
  })

  it('names the room-token identity in the username when the server checks tokens', async () => {
    const authSecret = 'an-hs256-secret-of-at-least-32-characters'
    const server = await startServer({ authSecret, turnSecret: TURN_SECRET, turnUrls: TURN_URLS })
    const client = await connect(server.url)
    client.send({ type: 'join', room: 'r', token: await mintToken({ secret: authSecret, room: 'r', identity: 'user-42', ttlSeconds: 60 }) })
    const welcome = await client.nextOfType('welcome')
    expectValidTurn(welcome.iceServers[0], 'user-42', 3600)
  })

  it('sends only the static list without TURN, and no ice-servers frames', async () => {
    const server = await startServer({ iceServers: [STUN] })
    const client = await connect(server.url)
    client.send({ type: 'join', room: 'r' })
    expect((await client.nextOfType('welcome')).iceServers).toEqual([STUN])
    expect(await client.sync()).toEqual([])
  })

  it.each([
    [{ turnSecret: TURN_SECRET }, 'turnUrls', /turnUrls \(--turn-urls \/ PEERLANE_TURN_URLS\) must list at least one/],
    [{ turnUrls: TURN_URLS }, 'turnSecret', /--turn-secret/],
    [{ turnSecret: 'short', turnUrls: TURN_URLS }, 'turnSecret', /at least 16/],
    [{ turnSecret: TURN_SECRET, turnUrls: ['stun:127.0.0.1:3478'] }, 'turnUrls', /turn: or turns:/],
    [{ turnSecret: TURN_SECRET, turnUrls: ['turn:host:3478?transport=sctp'] }, 'turnUrls', /turn: or turns:/],
    [{ turnSecret: TURN_SECRET, turnUrls: [`turn:${'a'.repeat(300)}`] }, 'turnUrls', /turn: or turns:/],
    [{ turnSecret: TURN_SECRET, turnUrls: Array(9).fill('turn:h') }, 'turnUrls', /at most 8/],
    [{ turnSecret: TURN_SECRET, turnUrls: TURN_URLS, turnTtlSeconds: 5 }, 'turnTtlSeconds', /--turn-ttl.*from 10 to 604800/],
    [{ turnSecret: TURN_SECRET, turnUrls: TURN_URLS, turnTtlSeconds: 1.5 }, 'turnTtlSeconds', /whole number/],
  ])('refuses an unusable TURN configuration %#', async (config, field, message) => {
    const error = await startServer(config).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ConfigError)
    expect(error).toMatchObject({ code: 'PEERLANE_ERR_CONFIG', field, message: expect.stringMatching(message) })
  })
})

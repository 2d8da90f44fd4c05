import { CLOSE_CODES } from '@peerlane/protocol'
import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose'
import { describe, expect, it } from 'vitest'
import { AuthConfigError, createAuthenticator, mintToken, roomMatches } from './auth.js'
import { connect, startServer } from './test-support/client.js'

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256'
const OTHER_SECRET = 'another-secret-that-is-long-enough-for-hs256'
const OFFER = { type: 'offer', sdp: { type: 'offer', sdp: 'v=0\r\n' } }

interface Algorithm {
  readonly name: string
  /** Server config and two signers: one with the server's key, one with a key the server does not know. */
  setup(): Promise<{ server: { authSecret?: string; authPublicKey?: string }; good: Signer; forged: Signer }>
}
type Signer = { secret: string } | { privateKey: string }

const algorithms: Algorithm[] = [
  {
    name: 'HS256',
    setup: async () => ({ server: { authSecret: SECRET }, good: { secret: SECRET }, forged: { secret: OTHER_SECRET } }),
  },
  {
    name: 'ES256',
    async setup() {
      const real = await generateKeyPair('ES256', { extractable: true })
      const other = await generateKeyPair('ES256', { extractable: true })
      return {
        server: { authPublicKey: await exportSPKI(real.publicKey) },
        good: { privateKey: await exportPKCS8(real.privateKey) },
        forged: { privateKey: await exportPKCS8(other.privateKey) },
      }
    },
  },
]

const now = () => Math.floor(Date.now() / 1000)

describe.each(algorithms)('room tokens with $name', (algorithm) => {
  it.each([
    ['valid', (signer: Signer) => mintToken({ ...signer, room: 'standup', identity: 'ada', name: 'Ada L.', ttlSeconds: 60 }), 'ok'],
    ['valid for a room pattern', (signer: Signer) => mintToken({ ...signer, room: 'stand*', identity: 'ada', ttlSeconds: 60 }), 'ok'],
    ['expired', (signer: Signer) => mintToken({ ...signer, room: 'standup', identity: 'ada', ttlSeconds: 60, now: now() - 3600 }), 'Token has expired'],
    ['for another room', (signer: Signer) => mintToken({ ...signer, room: 'other', identity: 'ada', ttlSeconds: 60 }), 'Token is not valid for this room'],
    ['missing', async () => undefined, 'This server requires a token in join'],
    ['not a JWT', async () => 'not.a.jwt', /malformed/],
  ] as const)('%s token', async (_label, makeToken, expected) => {
    const { server: keys, good } = await algorithm.setup()
    const server = await startServer(keys)
    const client = await connect(server.url)
    const token = await makeToken(good)
    client.send({ type: 'join', room: 'standup', name: 'ignored', ...(token === undefined ? {} : { token }) })
    if (expected === 'ok') {
      const welcome = await client.nextOfType('welcome')
      expect(welcome.room).toBe('standup')
      return
    }
    const error = await client.nextOfType('error')
    expect(error).toMatchObject({ code: 'unauthorized', ref: 'join' })
    expect(error.message).toMatch(expected)
    expect((await client.closed).code).toBe(CLOSE_CODES.unauthorized)
  })

  it('refuses a token signed with another key', async () => {
    const { server: keys, forged } = await algorithm.setup()
    const server = await startServer(keys)
    const client = await connect(server.url)
    client.send({ type: 'join', room: 'standup', token: await mintToken({ ...forged, room: 'standup', identity: 'mallory', ttlSeconds: 60 }) })
    expect(await client.nextOfType('error')).toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/signature|algorithm/) })
    expect((await client.closed).code).toBe(CLOSE_CODES.unauthorized)
  })
})

describe('room tokens', () => {
  it('uses the name from the token, and keeps frames sent right after join in order', async () => {
    const server = await startServer({ authSecret: SECRET })
    const ada = await connect(server.url)
    ada.send({ type: 'join', room: 'r', token: await mintToken({ secret: SECRET, room: 'r', identity: 'ada', ttlSeconds: 60 }) })
    await ada.nextOfType('welcome')
    const bob = await connect(server.url)
    // The offer is sent before the (asynchronous) token check finishes: it must still follow the join.
    bob.send({ type: 'join', room: 'r', name: 'spoofed', token: await mintToken({ secret: SECRET, room: 'r', identity: 'bob', name: 'Bob', ttlSeconds: 60 }) })
    bob.send(OFFER)
    const welcome = await bob.nextOfType('welcome')
    expect(await ada.nextOfType('peer-joined')).toMatchObject({ peer: { peerId: welcome.peerId, name: 'Bob' } })
    expect(await ada.nextOfType('offer')).toMatchObject({ from: welcome.peerId })
    expect(await bob.sync()).toEqual([])
  })

  it('refuses a relaying client that never joined (it cannot carry a token)', async () => {
    const server = await startServer({ authSecret: SECRET })
    const tutorial = await connect(server.url)
    tutorial.send(OFFER)
    expect(await tutorial.nextOfType('error')).toMatchObject({ code: 'unauthorized' })
    expect((await tutorial.closed).code).toBe(CLOSE_CODES.unauthorized)
  })

  it('replaces the older session of a duplicate identity by default', async () => {
    const server = await startServer({ authSecret: SECRET })
    const token = await mintToken({ secret: SECRET, room: 'r', identity: 'ada', ttlSeconds: 60 })
    const watcher = await connect(server.url)
    watcher.send({ type: 'join', room: 'r', token: await mintToken({ secret: SECRET, room: 'r', identity: 'bob', ttlSeconds: 60 }) })
    await watcher.nextOfType('welcome')
    const first = await connect(server.url)
    first.send({ type: 'join', room: 'r', token })
    const firstWelcome = await first.nextOfType('welcome')
    const second = await connect(server.url)
    second.send({ type: 'join', room: 'r', token })
    const secondWelcome = await second.nextOfType('welcome')
    expect(secondWelcome.peers.map((peer) => peer.peerId)).not.toContain(firstWelcome.peerId)
    expect((await first.closed).code).toBe(CLOSE_CODES.replaced)
    expect(await watcher.nextOfType('peer-left')).toEqual({ type: 'peer-left', peerId: firstWelcome.peerId, reason: 'replaced' })
  })

  it('rejects the newer join of a duplicate identity when configured to', async () => {
    const server = await startServer({ authSecret: SECRET, duplicateIdentity: 'reject' })
    const token = await mintToken({ secret: SECRET, room: 'r', identity: 'ada', ttlSeconds: 60 })
    const first = await connect(server.url)
    first.send({ type: 'join', room: 'r', token })
    await first.nextOfType('welcome')
    const second = await connect(server.url)
    second.send({ type: 'join', room: 'r', token })
    expect(await second.nextOfType('error')).toMatchObject({ code: 'identity-in-use', ref: 'join' })
    expect(await first.sync()).toEqual([])
    // Once the first leaves, the identity is free again.
    first.send({ type: 'leave' })
    await first.sync()
    second.send({ type: 'join', room: 'r', token })
    await second.nextOfType('welcome')
  })

  it('lets a session resume under its own identity without counting as a duplicate', async () => {
    const server = await startServer({ authSecret: SECRET, duplicateIdentity: 'reject', resumeGraceMs: 5_000 })
    const token = await mintToken({ secret: SECRET, room: 'r', identity: 'ada', ttlSeconds: 60 })
    const first = await connect(server.url)
    first.send({ type: 'join', room: 'r', token })
    const welcome = await first.nextOfType('welcome')
    first.ws.terminate()
    await first.closed
    const again = await connect(server.url)
    again.send({ type: 'join', room: 'r', token, resumeToken: welcome.resumeToken })
    expect(await again.nextOfType('welcome')).toMatchObject({ peerId: welcome.peerId, resumed: true })
  })

  it('refuses unusable keys at start, and bad mint arguments', async () => {
    await expect(startServer({ authSecret: 'short' })).rejects.toBeInstanceOf(AuthConfigError)
    await expect(startServer({ authPublicKey: 'not a key' })).rejects.toBeInstanceOf(AuthConfigError)
    await expect(mintToken({ room: 'r', identity: 'a', ttlSeconds: 60 })).rejects.toBeInstanceOf(AuthConfigError)
    await expect(mintToken({ secret: SECRET, room: 'bad room', identity: 'a', ttlSeconds: 60 })).rejects.toBeInstanceOf(AuthConfigError)
    await expect(
      mintToken({ secret: SECRET, room: 'r', identity: 'a', ttlSeconds: 60, capabilities: ['fly' as 'room-admin'] }),
    ).rejects.toThrow(/unknown capabilities/)
  })

  it('verifies capabilities and keeps only known ones', async () => {
    const auth = await createAuthenticator({ secret: SECRET })
    const token = await mintToken({ secret: SECRET, room: 'r', identity: 'a', ttlSeconds: 60, capabilities: ['share-screen', 'room-admin'] })
    expect(await auth?.verify(token, 'r')).toEqual({
      ok: true,
      claims: { room: 'r', identity: 'a', name: undefined, capabilities: ['share-screen', 'room-admin'] },
    })
  })

  it('matches room patterns on whole names only', () => {
    expect(roomMatches('*', 'anything')).toBe(true)
    expect(roomMatches('team-*', 'team-a')).toBe(true)
    expect(roomMatches('team-*', 'xteam-a')).toBe(false)
    expect(roomMatches('team', 'team-a')).toBe(false)
    expect(roomMatches('a*b', 'a-x_b')).toBe(true)
  })
})

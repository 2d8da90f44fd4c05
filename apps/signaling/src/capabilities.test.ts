// Token capabilities: granted in welcome, enforced on relayed descriptions (real werift SDP).
import { DEFAULT_CAPABILITIES, type Capability } from '@peerlane/protocol'
import { describe, expect, it } from 'vitest'
import { mintToken } from './auth.js'
import { connect, startServer } from './test-support/client.js'
import { weriftOffer, type Direction } from './test-support/sdp.js'

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256'

async function joinWith(url: string, identity: string, capabilities?: Capability[]) {
  const token = await mintToken({ secret: SECRET, room: 'r', identity, ttlSeconds: 60, capabilities })
  const client = await connect(url)
  client.send({ type: 'join', room: 'r', token })
  const welcome = await client.nextOfType('welcome')
  return { client, welcome, peerId: welcome.peerId }
}

describe('capabilities in welcome', () => {
  it('grants the defaults without a caps claim, exactly the claim with one, and the defaults in open mode', async () => {
    const guarded = await startServer({ authSecret: SECRET })
    expect((await joinWith(guarded.url, 'a')).welcome.capabilities).toEqual(DEFAULT_CAPABILITIES)
    expect((await joinWith(guarded.url, 'b', ['publish-audio', 'room-admin'])).welcome.capabilities).toEqual(['publish-audio', 'room-admin'])
    expect((await joinWith(guarded.url, 'c', [])).welcome.capabilities).toEqual([])
    const open = await startServer()
    const client = await connect(open.url)
    client.send({ type: 'join', room: 'r' })
    expect((await client.nextOfType('welcome')).capabilities).toEqual(DEFAULT_CAPABILITIES)
  })
})

// Each row: a grant, the directions of the offer's audio, camera and second video section, and
// whether the server relays it.
const MATRIX: readonly (readonly [Capability[], [Direction, Direction, Direction], boolean])[] = [
  [[], ['recvonly', 'recvonly', 'recvonly'], true],
  [[], ['sendrecv', 'recvonly', 'recvonly'], false],
  [[], ['recvonly', 'sendonly', 'inactive'], false],
  [['publish-audio'], ['sendrecv', 'recvonly', 'recvonly'], true],
  [['publish-audio'], ['sendrecv', 'sendrecv', 'recvonly'], false],
  [['publish-video'], ['sendonly', 'recvonly', 'recvonly'], false],
  [['publish-video'], ['recvonly', 'sendrecv', 'recvonly'], true],
  [['publish-video'], ['recvonly', 'sendrecv', 'sendonly'], false],
  [['share-screen'], ['recvonly', 'inactive', 'sendonly'], true],
  [['publish-audio', 'publish-video'], ['sendrecv', 'sendrecv', 'sendonly'], false],
  [['publish-audio', 'publish-video', 'send-files'], ['sendrecv', 'sendrecv', 'inactive'], true],
  [['publish-video', 'share-screen'], ['recvonly', 'sendrecv', 'sendonly'], true],
  [['publish-video', 'share-screen'], ['sendrecv', 'sendrecv', 'sendonly'], false],
  [['publish-audio', 'publish-video', 'share-screen'], ['sendrecv', 'sendrecv', 'sendonly'], true],
]

describe('capabilities enforced on descriptions', () => {
  it.each(MATRIX)('grant %j, offer %j: relayed %s', async (capabilities, directions, relayed) => {
    const server = await startServer({ authSecret: SECRET })
    const sender = await joinWith(server.url, 'sender', capabilities)
    const receiver = await joinWith(server.url, 'receiver')
    const sdp = weriftOffer(...directions)
    // Both wire forms: the description object and the tutorial's bare SDP string.
    for (const message of [
      { type: 'offer', to: receiver.peerId, sdp: { type: 'offer', sdp } },
      { type: 'offer', to: receiver.peerId, sdp },
      { type: 'answer', to: receiver.peerId, sdp: { type: 'answer', sdp } },
    ]) {
      sender.client.send(message)
      if (relayed) {
        expect(await receiver.client.nextOfType(message.type as 'offer')).toMatchObject({ from: sender.peerId })
      } else {
        expect(await sender.client.nextOfType('error')).toMatchObject({ code: 'not-permitted', ref: message.type })
      }
    }
    // A refused description reached nobody, not even late.
    expect((await receiver.client.sync()).filter((m) => m.type === 'offer' || m.type === 'answer')).toEqual([])
    // Candidates are never refused: they carry no media.
    sender.client.send({ type: 'candidate', to: receiver.peerId, candidate: null })
    expect(await receiver.client.nextOfType('candidate')).toMatchObject({ from: sender.peerId })
  })
})

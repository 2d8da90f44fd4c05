import { CLOSE_CODES } from '@peerlane/protocol'
import { describe, expect, it } from 'vitest'
import { connect, startServer, type TestClient } from './test-support/client.js'

const OFFER = { type: 'offer', sdp: { type: 'offer', sdp: 'v=0\r\n' } }

async function join(url: string, room: string, extra: Record<string, unknown> = {}) {
  const client = await connect(url)
  client.send({ type: 'join', room, ...extra })
  const welcome = await client.nextOfType('welcome')
  return { client, welcome }
}

/** Waits until the server has noticed `client`'s socket is gone (its close completed). */
async function drop(client: TestClient): Promise<void> {
  client.ws.terminate()
  await client.closed
}

describe('session resume', () => {
  it('keeps a dropped peer in the room, queues what is sent to it, and delivers it on resume', async () => {
    const server = await startServer({ resumeGraceMs: 5_000 })
    const ada = await join(server.url, 'r')
    const bob = await join(server.url, 'r', { name: 'Bob' })
    expect(await ada.client.nextOfType('peer-joined')).toMatchObject({ peer: { peerId: bob.welcome.peerId } })

    await drop(bob.client)
    ada.client.send({ ...OFFER, to: bob.welcome.peerId })
    ada.client.send({ type: 'candidate', to: bob.welcome.peerId, candidate: null })
    // Nothing reaches Ada: no peer-left, and no unknown-peer for the relays to the dropped peer.
    expect(await ada.client.sync()).toEqual([])

    const back = await join(server.url, 'r', { name: 'Bob', resumeToken: bob.welcome.resumeToken })
    expect(back.welcome).toMatchObject({ peerId: bob.welcome.peerId, resumed: true, peers: [{ peerId: ada.welcome.peerId }] })
    expect(back.welcome.resumeToken).toEqual(expect.any(String))
    expect(await back.client.next()).toMatchObject({ type: 'offer', from: ada.welcome.peerId })
    expect(await back.client.next()).toMatchObject({ type: 'candidate', from: ada.welcome.peerId, candidate: null })
    expect(await ada.client.sync()).toEqual([])
  })

  it('reports peer-left only when the grace period ends without a resume', async () => {
    const server = await startServer({ resumeGraceMs: 100 })
    const ada = await join(server.url, 'r')
    const bob = await join(server.url, 'r')
    await drop(bob.client)
    expect(await ada.client.sync()).toMatchObject([{ type: 'peer-joined' }])
    expect(await ada.client.nextOfType('peer-left')).toEqual({ type: 'peer-left', peerId: bob.welcome.peerId, reason: 'disconnected' })
    // Too late now: the token no longer names a live session, so the peer joins afresh.
    const late = await join(server.url, 'r', { resumeToken: bob.welcome.resumeToken })
    expect(late.welcome.peerId).toBe(bob.welcome.peerId)
    expect(late.welcome.resumed).toBe(true)
  })

  it('resumes sessions across a server restart when the nodes share the resume secret', async () => {
    const first = await startServer({ resumeSecret: 'shared-secret-for-tests' })
    const ada = await join(first.url, 'r')
    const bob = await join(first.url, 'r')
    await first.close()
    const second = await startServer({ resumeSecret: 'shared-secret-for-tests' })
    const ada2 = await join(second.url, 'r', { resumeToken: ada.welcome.resumeToken })
    const bob2 = await join(second.url, 'r', { resumeToken: bob.welcome.resumeToken })
    expect([ada2.welcome.peerId, ada2.welcome.resumed]).toEqual([ada.welcome.peerId, true])
    expect([bob2.welcome.peerId, bob2.welcome.resumed]).toEqual([bob.welcome.peerId, true])
    expect(bob2.welcome.peers).toEqual([{ peerId: ada.welcome.peerId }])
    expect(await ada2.client.nextOfType('peer-joined')).toMatchObject({ peer: { peerId: bob.welcome.peerId } })
  })

  it('joins afresh with a forged, foreign or other-room token', async () => {
    const server = await startServer()
    const other = await startServer()
    const ada = await join(server.url, 'r')
    const foreign = await join(other.url, 'r')
    const [head, signature] = String(ada.welcome.resumeToken).split('.')
    const forged = `${head}.${signature?.startsWith('A') ? 'B' : 'A'}${signature?.slice(1)}`
    for (const [resumeToken, room] of [
      [forged, 'r'],
      [foreign.welcome.resumeToken, 'r'],
      [ada.welcome.resumeToken, 'elsewhere'],
      ['not-a-token', 'r'],
    ] as const) {
      const attempt = await join(server.url, room, { resumeToken })
      expect(attempt.welcome.peerId).not.toBe(ada.welcome.peerId)
      expect(attempt.welcome.resumed).toBeUndefined()
    }
  })

  it('moves a live session to the resuming socket and closes the old one', async () => {
    const server = await startServer()
    const ada = await join(server.url, 'r')
    const bob = await join(server.url, 'r')
    const again = await join(server.url, 'r', { resumeToken: bob.welcome.resumeToken })
    expect(again.welcome).toMatchObject({ peerId: bob.welcome.peerId, resumed: true })
    expect((await bob.client.closed).code).toBe(CLOSE_CODES.replaced)
    ada.client.send({ ...OFFER, to: bob.welcome.peerId })
    expect(await again.client.nextOfType('offer')).toMatchObject({ from: ada.welcome.peerId })
    expect(await ada.client.sync()).toMatchObject([{ type: 'peer-joined' }])
  })

  it('keeps only the newest frames for a dropped peer', async () => {
    const server = await startServer({ maxQueuedFrames: 2 })
    const ada = await join(server.url, 'r')
    const bob = await join(server.url, 'r')
    await drop(bob.client)
    for (let i = 0; i < 5; i++) ada.client.send({ type: 'candidate', to: bob.welcome.peerId, candidate: `candidate:${i}` })
    await ada.client.sync()
    const back = await join(server.url, 'r', { resumeToken: bob.welcome.resumeToken })
    expect(back.welcome.resumed).toBe(true)
    expect((await back.client.sync()).map((m) => m.candidate)).toEqual(['candidate:3', 'candidate:4'])
  })
})

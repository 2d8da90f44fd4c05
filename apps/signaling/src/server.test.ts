import { CLOSE_CODES, PROTOCOL_VERSION } from '@peerlane/protocol'
import { describe, expect, it } from 'vitest'
import { DEFAULT_CONFIG } from './config.js'
import { connect, joined, startServer } from './test-support/client.js'

const SDP = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n'
const offer = { type: 'offer', sdp: { type: 'offer', sdp: SDP } } as const

async function healthz(httpUrl: string): Promise<{ status: string; rooms: number; peers: number }> {
  const response = await fetch(`${httpUrl}/healthz`)
  return (await response.json()) as { status: string; rooms: number; peers: number }
}

describe('rooms', () => {
  it('welcomes a joiner with its id, the room, the peers already there and the ICE servers', async () => {
    const iceServers = [{ urls: 'stun:127.0.0.1:3478' }]
    const server = await startServer({ iceServers })
    const ada = await connect(server.url + '/ws')
    ada.send({ type: 'join', room: 'standup', name: 'Ada' })
    const first = await ada.nextOfType('welcome')
    expect(first).toEqual({
      type: 'welcome',
      protocol: PROTOCOL_VERSION,
      peerId: first.peerId,
      room: 'standup',
      peers: [],
      iceServers,
      resumeToken: expect.any(String),
      capabilities: ['publish-audio', 'publish-video', 'share-screen', 'send-files'],
    })
    expect(first.peerId).toMatch(/^[A-Za-z0-9_-]{12}$/)

    const bob = await connect(server.url + '/ws')
    bob.send({ type: 'join', room: 'standup' })
    const second = await bob.nextOfType('welcome')
    expect(second.peers).toEqual([{ peerId: first.peerId, name: 'Ada' }])
    expect(second.peerId).not.toBe(first.peerId)
    expect(await ada.nextOfType('peer-joined')).toEqual({ type: 'peer-joined', peer: { peerId: second.peerId } })
    expect(await healthz(server.httpUrl)).toEqual({ status: 'ok', rooms: 1, peers: 2 })
  })

  it('tells the others when a peer leaves, and lets it join again under a new id', async () => {
    const server = await startServer()
    const ada = await joined(server.url, 'r')
    const bob = await joined(server.url, 'r')
    bob.client.send({ type: 'leave' })
    expect(await ada.client.nextOfType('peer-left')).toEqual({ type: 'peer-left', peerId: bob.peerId, reason: 'left' })
    bob.client.send({ type: 'join', room: 'r' })
    const again = await bob.client.nextOfType('welcome')
    expect(again.peerId).not.toBe(bob.peerId)
    expect(again.peers).toEqual([{ peerId: ada.peerId }])
  })

  it('reports a dropped connection as disconnected once its grace period ends, and deletes empty rooms', async () => {
    const server = await startServer({ resumeGraceMs: 50 })
    const ada = await joined(server.url, 'r')
    const bob = await joined(server.url, 'r')
    await joined(server.url, 'other').then(({ client }) => client.ws.close())
    bob.client.ws.close()
    expect(await ada.client.nextOfType('peer-left')).toEqual({ type: 'peer-left', peerId: bob.peerId, reason: 'disconnected' })
    await ada.client.sync()
    expect(await healthz(server.httpUrl)).toEqual({ status: 'ok', rooms: 1, peers: 1 })
  })

  it('refuses a second join and a leave without a room, and keeps the connection', async () => {
    const server = await startServer()
    const lone = await connect(server.url)
    lone.send({ type: 'leave' })
    expect(await lone.nextOfType('error')).toMatchObject({ code: 'not-in-room', ref: 'leave' })
    lone.send({ type: 'join', room: 'a' })
    await lone.nextOfType('welcome')
    lone.send({ type: 'join', room: 'b' })
    expect(await lone.nextOfType('error')).toMatchObject({ code: 'already-joined', ref: 'join' })
    expect(await lone.sync()).toEqual([])
  })

  it('refuses a peer beyond maxPeersPerRoom with room-full', async () => {
    const server = await startServer({ maxPeersPerRoom: 2 })
    await joined(server.url, 'small')
    await joined(server.url, 'small')
    const third = await connect(server.url)
    third.send({ type: 'join', room: 'small' })
    expect(await third.nextOfType('error')).toMatchObject({ code: 'room-full', ref: 'join' })
    third.send({ type: 'join', room: 'elsewhere' })
    await third.nextOfType('welcome')
  })

  it('defaults to 50 peers per room', () => {
    expect(DEFAULT_CONFIG.maxPeersPerRoom).toBe(50)
  })
})

describe('relay', () => {
  it('delivers to the addressed peer only, without `to` and with `from` stamped', async () => {
    const server = await startServer()
    const ada = await joined(server.url, 'r')
    const bob = await joined(server.url, 'r')
    const cat = await joined(server.url, 'r')
    ada.client.send({ ...offer, to: bob.peerId })
    expect(await bob.client.nextOfType('offer')).toEqual({ ...offer, from: ada.peerId })
    expect((await cat.client.sync()).filter((m) => m.type === 'offer')).toEqual([])
  })

  it('overwrites a forged `from`', async () => {
    const server = await startServer()
    const ada = await joined(server.url, 'r')
    const bob = await joined(server.url, 'r')
    ada.client.send({ type: 'answer', to: bob.peerId, from: bob.peerId, sdp: { type: 'answer', sdp: SDP } })
    expect(await bob.client.nextOfType('answer')).toEqual({ type: 'answer', from: ada.peerId, sdp: { type: 'answer', sdp: SDP } })
  })

  it('broadcasts a message without `to` to every other peer of the room, not back to the sender', async () => {
    const server = await startServer()
    const ada = await joined(server.url, 'r')
    const bob = await joined(server.url, 'r')
    const cat = await joined(server.url, 'r')
    const outsider = await joined(server.url, 'elsewhere')
    const candidate = { type: 'candidate', candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 } }
    ada.client.send(candidate)
    expect(await bob.client.nextOfType('candidate')).toEqual({ ...candidate, from: ada.peerId })
    expect(await cat.client.nextOfType('candidate')).toEqual({ ...candidate, from: ada.peerId })
    expect((await ada.client.sync()).filter((m) => m.type === 'candidate')).toEqual([])
    expect((await outsider.client.sync()).filter((m) => m.type === 'candidate')).toEqual([])
  })

  it('answers unknown-peer for a `to` that names no peer of the room, even one in another room', async () => {
    const server = await startServer()
    const ada = await joined(server.url, 'r')
    const far = await joined(server.url, 'other')
    ada.client.send({ ...offer, to: 'nobody' })
    expect(await ada.client.nextOfType('error')).toMatchObject({ type: 'error', code: 'unknown-peer', path: '/to', ref: 'offer' })
    ada.client.send({ type: 'candidate', to: far.peerId, candidate: null })
    expect(await ada.client.nextOfType('error')).toMatchObject({ code: 'unknown-peer', path: '/to', ref: 'candidate' })
    // The error came after the server handled the frame, so anything relayed would be queued already.
    expect((await far.client.sync()).filter((m) => m.type === 'candidate')).toEqual([])
  })
})

describe('frames', () => {
  it('answers a binary frame with binary-frame and keeps the connection', async () => {
    const server = await startServer()
    const client = await connect(server.url)
    client.ws.send(Buffer.from(JSON.stringify({ type: 'ping' })))
    expect(await client.nextOfType('error')).toMatchObject({ code: 'binary-frame' })
    expect(await client.sync()).toEqual([])
  })

  it('answers ping with pong, echoing the id', async () => {
    const server = await startServer()
    const client = await connect(server.url)
    client.send({ type: 'ping', id: 41 })
    expect(await client.nextOfType('pong')).toEqual({ type: 'pong', id: 41 })
    client.send({ type: 'ping' })
    expect(await client.nextOfType('pong')).toEqual({ type: 'pong' })
  })

  it('closes a socket that sends a frame over maxPayload with 1009 and keeps serving the others', async () => {
    const server = await startServer({ resumeGraceMs: 0 })
    const ada = await joined(server.url, 'r')
    const big = await joined(server.url, 'r')
    big.client.send(JSON.stringify({ type: 'ping', id: 'x'.repeat(DEFAULT_CONFIG.maxPayload) }))
    expect((await big.client.closed).code).toBe(CLOSE_CODES.messageTooBig)
    expect(await ada.client.nextOfType('peer-left')).toMatchObject({ peerId: big.peerId, reason: 'disconnected' })
    await ada.client.sync()
    const late = await joined(server.url, 'r')
    expect(await ada.client.nextOfType('peer-joined')).toMatchObject({ peer: { peerId: late.peerId } })
  })

  it('accepts a frame of exactly maxPayload bytes', async () => {
    const server = await startServer({ maxPayload: 1024 })
    const client = await connect(server.url)
    const frame = JSON.stringify({ type: 'ping', id: 'x' })
    client.send(frame.padEnd(1024, ' '))
    expect(await client.nextOfType('pong')).toEqual({ type: 'pong', id: 'x' })
  })
})

describe('classic tutorial clients', () => {
  const legacyOffer = { type: 'offer', sdp: SDP }
  const legacyAnswer = { type: 'answer', sdp: SDP }
  const flatCandidate = { type: 'candidate', candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 }

  it('joins a relaying client to its ?room= implicitly: peer-joined for the others, no welcome for it', async () => {
    const server = await startServer()
    const app = await joined(server.url + '/ws', 'kitchen')
    const tutorial = await connect(`${server.url}/?room=kitchen`)
    tutorial.send(legacyOffer)
    const announced = await app.client.nextOfType('peer-joined')
    expect(await app.client.nextOfType('offer')).toEqual({ ...legacyOffer, from: announced.peer.peerId })
    expect(await tutorial.sync()).toEqual([])
    expect(await healthz(server.httpUrl)).toEqual({ status: 'ok', rooms: 1, peers: 2 })
  })

  it('runs the whole tutorial exchange in the default room, relaying legacy forms unchanged', async () => {
    const server = await startServer()
    const caller = await connect(server.url)
    // An invalid ?room= falls back to the default room too.
    const callee = await connect(`${server.url}/?room=not%20valid`)
    caller.send(legacyOffer)
    // The callee has sent nothing yet: it hears the offer as a lobby listener of its room.
    const receivedOffer = await callee.nextOfType('offer')
    expect(receivedOffer).toEqual({ ...legacyOffer, from: receivedOffer.from })
    callee.send(legacyAnswer)
    const calleeJoined = await caller.nextOfType('peer-joined')
    expect(await caller.nextOfType('answer')).toEqual({ ...legacyAnswer, from: calleeJoined.peer.peerId })
    caller.send(flatCandidate)
    expect(await callee.nextOfType('candidate')).toEqual({ ...flatCandidate, from: receivedOffer.from })
    expect(await healthz(server.httpUrl)).toEqual({ status: 'ok', rooms: 1, peers: 2 })
    const app = await joined(server.url, 'default')
    expect(app.peerId).toBeTruthy()
    expect((await caller.nextOfType('peer-joined')).peer.peerId).toBe(app.peerId)
  })

  it('keeps lobby listeners out of SDK peers’ broadcasts and of other rooms', async () => {
    const server = await startServer()
    const app = await joined(server.url, 'default')
    const other = await joined(server.url, 'default')
    const waiting = await connect(server.url)
    const elsewhere = await connect(`${server.url}/?room=elsewhere`)
    const tutorial = await connect(server.url)
    app.client.send(offer)
    await other.client.nextOfType('offer')
    tutorial.send(legacyOffer)
    expect(await other.client.nextOfType('offer')).toMatchObject(legacyOffer)
    expect((await waiting.sync()).map((m) => m.sdp)).toEqual([SDP])
    expect(await elsewhere.sync()).toEqual([])
  })

  it('stops lobby delivery once a connection joins a room explicitly', async () => {
    const server = await startServer()
    const app = await connect(server.url)
    app.send({ type: 'join', room: 'named' })
    await app.nextOfType('welcome')
    const tutorial = await connect(server.url)
    tutorial.send(legacyOffer)
    await tutorial.sync()
    expect(await app.sync()).toEqual([])
  })
})

describe('heartbeat and shutdown', () => {
  it('terminates a socket that stops answering pings, keeps live ones, and tells the room', async () => {
    const server = await startServer({ heartbeatIntervalMs: 40, resumeGraceMs: 0 })
    const live = await joined(server.url, 'r')
    let pingsAnswered = 0
    live.client.ws.on('ping', () => pingsAnswered++)
    const dead = await connect(server.url, { autoPong: false })
    dead.send({ type: 'join', room: 'r' })
    const deadWelcome = await dead.nextOfType('welcome')
    await live.client.nextOfType('peer-joined')
    const closed = await dead.closed
    // terminate() sends no close frame: the client sees an abnormal closure.
    expect(closed.code).toBe(1006)
    expect(await live.client.nextOfType('peer-left')).toEqual({ type: 'peer-left', peerId: deadWelcome.peerId, reason: 'disconnected' })
    // The dead socket was pinged at least once before it was cut, so the live one was too, and
    // answering kept it connected.
    expect(pingsAnswered).toBeGreaterThanOrEqual(1)
    // Three more rounds: a socket that did not answer would have been cut after the next one.
    const target = pingsAnswered + 3
    await new Promise<void>((resolve) => {
      const check = (): void => void (pingsAnswered >= target && resolve())
      live.client.ws.on('ping', check)
      check()
    })
    expect(await live.client.sync()).toEqual([])
    expect(live.client.ws.readyState).toBe(live.client.ws.OPEN)
  })

  it('closes clients with 1001 on close() and stops listening', async () => {
    const server = await startServer()
    const client = await joined(server.url, 'r')
    await server.close()
    expect((await client.client.closed).code).toBe(CLOSE_CODES.goingAway)
    await expect(fetch(`${server.httpUrl}/healthz`)).rejects.toThrow()
  })

  it('rejects with EADDRINUSE when the port is taken', async () => {
    const server = await startServer()
    await expect(startServer({ port: server.port })).rejects.toMatchObject({ code: 'EADDRINUSE' })
  })
})

// The protocol package's golden vectors, driven through a real server over real sockets.
import { frozenV1Vectors, invalidVectors, validVectors, type GoldenVector } from '@peerlane/protocol/vectors'
import { describe, expect, it } from 'vitest'
import { connect, joined, startServer, type TestClient } from './test-support/client.js'

const clientVectors = (vectors: GoldenVector[]) => vectors.filter((vector) => vector.from === 'client').map((v) => [v.name, v] as const)

describe('invalid client vectors', () => {
  it('covers a good share of the protocol', () => {
    expect(clientVectors(invalidVectors()).length).toBeGreaterThanOrEqual(20)
  })

  it.each(clientVectors(invalidVectors()))('%s gets its precise error and the connection keeps working', async (_name, vector) => {
    const server = await startServer()
    // Both before and after joining: validation must not depend on the connection's state.
    const lone = await connect(server.url)
    const member = await joined(server.url, 'vectors')
    for (const client of [lone, member.client]) {
      client.send(vector.frame)
      const error = await client.nextOfType('error')
      expect(error.code).toBe(vector.error?.code)
      expect(error.path).toBe(vector.error?.path)
      expect(error.message.length).toBeGreaterThan(0)
      expect(await client.sync()).toEqual([])
    }
  })
})

describe('valid client vectors', () => {
  it.each(clientVectors(validVectors()))('%s is accepted', (_name, vector) => accepts(vector))
})

// A v1 client may send any of these forever: the current server must still serve them.
describe('frozen v1 client vectors', () => {
  it.each(clientVectors(frozenV1Vectors()))('%s is still accepted', (_name, vector) => accepts(vector))
})

async function accepts(vector: GoldenVector): Promise<void> {
  const server = await startServer()
  const message = JSON.parse(vector.frame) as Record<string, unknown> & { type: string }
  switch (message.type) {
    case 'join': {
      const client = await connect(server.url)
      client.send(vector.frame)
      const welcome = await client.nextOfType('welcome')
      expect(welcome.room).toBe(message.room)
      expect(await client.sync()).toEqual([])
      return
    }
    case 'leave': {
      const ada = await joined(server.url, 'vectors')
      const bob = await joined(server.url, 'vectors')
      bob.client.send(vector.frame)
      expect(await ada.client.nextOfType('peer-left')).toEqual({ type: 'peer-left', peerId: bob.peerId, reason: 'left' })
      expect(await bob.client.sync()).toEqual([])
      return
    }
    case 'ping': {
      const client = await connect(server.url)
      client.send(vector.frame)
      expect(await client.nextOfType('pong')).toEqual('id' in message ? { type: 'pong', id: message.id } : { type: 'pong' })
      return
    }
    case 'offer':
    case 'answer':
    case 'candidate':
      return relayVector(server.url, vector.frame, message)
    case 'lock':
    case 'admit':
    case 'deny':
    case 'remove':
    case 'ask-mute':
    case 'make-host':
      return hostActionVector(server.url, vector.frame, message)
    default:
      throw new Error(`no test for client vector type ${message.type}`)
  }
}

async function relayVector(url: string, frame: string, message: Record<string, unknown> & { type: string }): Promise<void> {
  const sender = await joined(url, 'vectors')
  const receiver = await joined(url, 'vectors')
  await sender.client.nextOfType('peer-joined')
  const { to, from: _claimed, ...rest } = message
  const expected = { ...rest, from: sender.peerId }

  if (to !== undefined) {
    // The vector's `to` names a peer that does not exist here: exactly one unknown-peer error.
    sender.client.send(frame)
    expect(await sender.client.nextOfType('error')).toMatchObject({ code: 'unknown-peer', path: '/to', ref: message.type })
    expect(await receiver.client.sync()).toEqual([])
    // Addressed to a real peer instead, it is delivered.
    sender.client.send({ ...message, to: receiver.peerId })
  } else {
    sender.client.send(frame)
  }
  const relayed = await receiver.client.nextOfType(message.type as 'offer')
  expect(relayed).toEqual(expected)
  expect(relayed).not.toHaveProperty('to')
  await expectNoError(sender.client)
}

// A host action: from a member who is not a host it is refused; from the host it is taken, and
// its vector's `peer` (a peer that does not exist here) is the one unknown-peer error.
async function hostActionVector(url: string, frame: string, message: Record<string, unknown> & { type: string }): Promise<void> {
  const host = await joined(url, 'vectors')
  const member = await joined(url, 'vectors')
  member.client.send(frame)
  expect(await member.client.nextOfType('error')).toMatchObject({ code: 'not-permitted', ref: message.type })
  host.client.send(frame)
  if ('peer' in message) {
    expect(await host.client.nextOfType('error')).toMatchObject({ code: 'unknown-peer', path: '/peer', ref: message.type })
  } else {
    expect(await host.client.next((m) => m.type === 'room-state' && m.locked === message.locked)).toBeTruthy()
  }
  await expectNoError(host.client)
}

async function expectNoError(client: TestClient): Promise<void> {
  expect((await client.sync()).filter((m) => m.type === 'error')).toEqual([])
}

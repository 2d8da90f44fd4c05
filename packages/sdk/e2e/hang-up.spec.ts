import { decode, encode } from '@peerlane/protocol/codec'
import WebSocket from 'ws'
import { expectDecoding } from './participant.js'
import { expect, test } from './test.js'

const GRACE_MS = 1_000

test('grace expiry: a peer whose socket dies and never returns is reported peer-left disconnected', async ({ signaling, participant, room }) => {
  const server = await signaling({ resumeGraceMs: GRACE_MS })
  const alice = await participant('alice')
  await alice.join(server.url, room)

  // A bare protocol client: joins, then its socket dies without a close frame or a leave.
  const ghost = new WebSocket(server.url)
  const welcome = new Promise<string>((resolve, reject) => {
    ghost.on('message', (data: Buffer) => {
      const result = decode(data.toString(), 'server')
      if (result.ok && result.message.type === 'welcome') resolve(result.message.peerId)
    })
    ghost.once('error', reject)
  })
  await new Promise((resolve) => ghost.once('open', resolve))
  ghost.send(encode({ type: 'join', room, name: 'ghost' }))
  const ghostId = await welcome
  await expect.poll(async () => (await alice.events('peer-joined')).map((e) => e.peerId)).toEqual([ghostId])

  const cutAt = Date.now()
  ghost.terminate()
  await expect
    .poll(async () => (await alice.events('peer-left')).map((e) => `${e.peerId} ${e.reason}`), { message: 'alice hears the ghost is gone', timeout: 10_000 })
    .toEqual([`${ghostId} disconnected`])
  const [left] = await alice.events('peer-left')
  // Not at once: the server held the session for its grace period in case it came back.
  expect(left!.t - cutAt, 'ms from the socket dying to peer-left').toBeGreaterThanOrEqual(GRACE_MS * 0.8)
  expect(await alice.peerIds()).toEqual([])
  expect(await alice.errors()).toEqual([])
})

test('hang-up reaches the far side at once: leave() and closing the page are peer-left "left"', async ({ signaling, participant, room }) => {
  // The server's default grace (20 s) is far beyond these timeouts: only a real hang-up passes.
  const server = await signaling()
  const alice = await participant('alice')
  const bob = await participant('bob')
  const carol = await participant('carol')
  for (const p of [alice, bob, carol]) await p.join(server.url, room)
  await expectDecoding(alice, bob)
  await expectDecoding(alice, carol)

  await bob.leave()
  await expect
    .poll(async () => (await alice.events('peer-left')).map((e) => `${e.peerId} ${e.reason}`), { message: 'alice hears bob leave', timeout: 2_000 })
    .toEqual([`${bob.peerId} left`])
  await expect.poll(async () => (await carol.events('peer-left')).map((e) => `${e.peerId} ${e.reason}`), { timeout: 2_000 }).toEqual([`${bob.peerId} left`])
  expect(await bob.state()).toBe('closed')

  await carol.page.close()
  await expect
    .poll(async () => (await alice.events('peer-left')).map((e) => `${e.peerId} ${e.reason}`), { message: 'alice hears carol close her page', timeout: 3_000 })
    .toEqual([`${bob.peerId} left`, `${carol.peerId} left`])
  expect(await alice.peerIds()).toEqual([])
  expect(await alice.errors()).toEqual([])
})

import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { FrameQueue, QueueBudget } from './frame-queue.js'
import { connect, startServer, type TestClient } from './test-support/client.js'

async function join(url: string, room: string, extra: Record<string, unknown> = {}) {
  const client = await connect(url)
  client.send({ type: 'join', room, ...extra })
  const welcome = await client.nextOfType('welcome')
  return { client, welcome }
}

async function drop(client: TestClient): Promise<void> {
  client.ws.terminate()
  await client.closed
}

/** An offer of about `bytes` characters, as a browser with many m-sections would send. */
const offer = (to: string, bytes: number, tag: string) => ({ type: 'offer', to, sdp: { type: 'offer', sdp: `v=0\r\na=tag:${tag}\r\n${'a'.repeat(bytes)}` } })

/** Everything a resumed client receives up to now, with the welcome first. */
async function resume(url: string, room: string, resumeToken: unknown) {
  const back = await join(url, room, { resumeToken })
  const frames = await back.client.sync()
  return { welcome: back.welcome, frames, bytes: frames.reduce((sum, frame) => sum + Buffer.byteLength(JSON.stringify(frame)), 0) }
}

describe('queues of dropped sessions', () => {
  it('holds at most maxQueuedBytes per session, keeps the newest frames and says it overflowed', async () => {
    const server = await startServer({ maxQueuedBytes: 10_000 })
    const ada = await join(server.url, 'r')
    const bob = await join(server.url, 'r')
    await drop(bob.client)
    for (let i = 0; i < 8; i++) ada.client.send(offer(bob.welcome.peerId, 3_000, `${i}`))
    await ada.client.sync()
    const back = await resume(server.url, 'r', bob.welcome.resumeToken)
    expect(back.welcome).toMatchObject({ resumed: true, queueOverflowed: true })
    expect(back.bytes).toBeLessThanOrEqual(10_000)
    expect(back.frames.map((frame) => /tag:(\d)/.exec(JSON.stringify(frame))?.[1])).toEqual(['5', '6', '7'])
  })

  it('says nothing of an overflow when every queued frame was kept', async () => {
    const server = await startServer()
    const ada = await join(server.url, 'r')
    const bob = await join(server.url, 'r')
    await drop(bob.client)
    ada.client.send(offer(bob.welcome.peerId, 3_000, '0'))
    await ada.client.sync()
    const back = await resume(server.url, 'r', bob.welcome.resumeToken)
    expect(back.welcome.queueOverflowed).toBeUndefined()
    expect(back.frames).toHaveLength(1)
  })

  it('holds at most maxQueuedBytesTotal over all sessions; the longest-queueing session gives up frames first', async () => {
    const server = await startServer({ maxQueuedBytes: 20_000, maxQueuedBytesTotal: 25_000 })
    const ada = await join(server.url, 'r')
    const first = await join(server.url, 'r')
    const second = await join(server.url, 'r')
    await drop(first.client)
    await drop(second.client)
    for (let i = 0; i < 4; i++) ada.client.send(offer(first.welcome.peerId, 4_000, `${i}`))
    await ada.client.sync()
    for (let i = 0; i < 4; i++) ada.client.send(offer(second.welcome.peerId, 4_000, `${i}`))
    await ada.client.sync()
    const a = await resume(server.url, 'r', first.welcome.resumeToken)
    const b = await resume(server.url, 'r', second.welcome.resumeToken)
    expect(a.bytes + b.bytes).toBeLessThanOrEqual(25_000)
    expect(a.welcome.queueOverflowed).toBe(true)
    expect(b.welcome.queueOverflowed).toBeUndefined()
    expect(b.frames).toHaveLength(4)
  })

  it('keeps the server heap bounded while many senders within their rate limits fill dropped sessions', async () => {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    const heap = (): number => {
      gc()
      gc()
      return process.memoryUsage().heapUsed
    }
    const caps = { maxQueuedBytes: 256 * 1024, maxQueuedBytesTotal: 2 * 1024 * 1024 }
    // Rate limits as an operator might raise them for large calls; every sender stays inside them.
    const server = await startServer({ ...caps, maxBytesPerSecond: 2 * 1024 * 1024, maxPeersPerRoom: 64, maxConnectionsPerIpPerSecond: 100 })
    const dropped = await Promise.all(Array.from({ length: 12 }, () => join(server.url, 'r')))
    const senders = await Promise.all(Array.from({ length: 12 }, () => join(server.url, 'r')))
    await Promise.all(dropped.map(({ client }) => drop(client)))
    for (const sender of senders) await sender.client.sync()
    const before = heap()
    // 12 senders × 60 offers of 30 KB: about 21 MB relayed to the dropped peers. Before the byte
    // caps, all of it stayed queued (60 frames per dropped peer is well under maxQueuedFrames).
    await Promise.all(
      senders.map(async ({ client }, s) => {
        for (let i = 0; i < 60; i++) client.send(offer(dropped[(s + i) % dropped.length]?.welcome.peerId ?? '', 30_000, `${s}-${i}`))
        client.send({ type: 'ping', id: `done-${s}` })
        // No error (rate-limited, unknown-peer) before the pong: every offer was relayed.
        expect(await client.next(undefined, 30_000)).toEqual({ type: 'pong', id: `done-${s}` })
      }),
    )
    const grown = heap() - before
    expect(grown).toBeLessThan(caps.maxQueuedBytesTotal + 4 * 1024 * 1024)
    let total = 0
    for (const { welcome } of dropped) {
      const back = await resume(server.url, 'r', welcome.resumeToken)
      expect(back.bytes).toBeLessThanOrEqual(caps.maxQueuedBytes)
      total += back.bytes
      back.frames.length = 0
    }
    expect(total).toBeLessThanOrEqual(caps.maxQueuedBytesTotal)
  }, 60_000)
})

describe('FrameQueue', () => {
  it('refuses a frame larger than its cap without dropping what it holds', () => {
    const budget = new QueueBudget(100)
    const queue = new FrameQueue({ maxFrames: 10, maxBytes: 50 }, budget)
    queue.push('x'.repeat(40))
    queue.push('y'.repeat(60))
    expect(budget.bytes).toBe(40)
    expect(queue.overflowed).toBe(true)
    expect(queue.take()).toEqual(['x'.repeat(40)])
    expect([budget.bytes, queue.overflowed]).toEqual([0, false])
  })

  it('counts UTF-8 bytes and returns them to the budget when cleared', () => {
    const budget = new QueueBudget(1_000)
    const queue = new FrameQueue({ maxFrames: 10, maxBytes: 1_000 }, budget)
    queue.push('é'.repeat(10))
    expect(budget.bytes).toBe(20)
    queue.clear()
    expect(budget.bytes).toBe(0)
  })
})

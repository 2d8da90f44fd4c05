// Cluster relay latency: an offer's trip from one client to another on the same node, and on two
// nodes sharing a Redis (cross-node, through pub/sub), p50/p99 over --messages round trips; plus
// the raw round trip of PUBLISH and of SPUBLISH (sharded pub/sub) on that Redis, for the choice
// the README explains. Starts its own redis-server on a free loopback port.
// Run: pnpm bench:cluster [-- --messages 2000]
import { parseArgs } from 'node:util'
import { Redis } from 'ioredis'
import { WebSocket } from 'ws'
import { createSignalingServer } from '../src/server.js'
import { startRedis } from '../src/test-support/redis.js'

const { values } = parseArgs({ args: process.argv.slice(2).filter((arg) => arg !== '--'), options: { messages: { type: 'string', default: '2000' } } })
const MESSAGES = Number(values.messages)
const OFFER = JSON.stringify({ type: 'offer', sdp: { type: 'offer', sdp: `v=0\r\n${'a=x\r\n'.repeat(200)}` } })

const redis = await startRedis()
const config = { port: 0, redisUrl: redis.url, resumeSecret: 'bench-secret-shared-by-nodes', maxMessagesPerSecond: 1e6, maxBytesPerSecond: 1e9 }
const [one, two] = [await createSignalingServer(config), await createSignalingServer(config)]
await new Promise((resolve) => setTimeout(resolve, 300))

interface Client {
  ws: WebSocket
  peerId: string
  next(): Promise<Record<string, unknown>>
}

async function join(url: string, room: string): Promise<Client> {
  const ws = new WebSocket(url)
  const queue: Record<string, unknown>[] = []
  const waiters: ((message: Record<string, unknown>) => void)[] = []
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString()) as Record<string, unknown>
    const waiter = waiters.shift()
    if (waiter) waiter(message)
    else queue.push(message)
  })
  await new Promise((resolve) => ws.once('open', resolve))
  const next = () => (queue.length > 0 ? Promise.resolve(queue.shift() as Record<string, unknown>) : new Promise<Record<string, unknown>>((resolve) => waiters.push(resolve)))
  ws.send(JSON.stringify({ type: 'join', room }))
  const welcome = await next()
  return { ws, peerId: welcome.peerId as string, next }
}

async function nextOfType(client: Client, type: string): Promise<void> {
  for (;;) if ((await client.next()).type === type) return
}

/** Round trips offer A→B, answer B→A; returns one-way latencies in ms (half of each round trip). */
async function measure(a: Client, b: Client): Promise<number[]> {
  const samples: number[] = []
  const answer = JSON.stringify({ type: 'answer', to: a.peerId, sdp: { type: 'answer', sdp: 'v=0\r\n' } })
  const offer = OFFER.replace('{', `{"to":"${b.peerId}",`)
  for (let i = 0; i < MESSAGES; i++) {
    const started = performance.now()
    a.ws.send(offer)
    await nextOfType(b, 'offer')
    b.ws.send(answer)
    await nextOfType(a, 'answer')
    samples.push((performance.now() - started) / 2)
  }
  return samples
}

async function pubsub(command: 'publish' | 'spublish'): Promise<number[]> {
  const publisher = new Redis(redis.url)
  const subscriber = new Redis(redis.url)
  const channel = `bench:${command}`
  let resolveNext: (() => void) | undefined
  const event = command === 'publish' ? 'messageBuffer' : 'smessageBuffer'
  subscriber.on(event, () => resolveNext?.())
  await (command === 'publish' ? subscriber.subscribe(channel) : subscriber.ssubscribe(channel))
  const payload = Buffer.from(OFFER)
  const samples: number[] = []
  for (let i = 0; i < MESSAGES; i++) {
    const started = performance.now()
    const arrived = new Promise<void>((resolve) => (resolveNext = resolve))
    await (command === 'publish' ? publisher.publish(channel, payload) : publisher.spublish(channel, payload))
    await arrived
    samples.push(performance.now() - started)
  }
  publisher.disconnect()
  subscriber.disconnect()
  return samples
}

const percentile = (samples: number[], p: number): string => {
  const sorted = [...samples].sort((x, y) => x - y)
  return (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number).toFixed(3)
}
const report = (label: string, samples: number[]) => console.log(`${label.padEnd(34)} p50 ${percentile(samples, 50)} ms   p99 ${percentile(samples, 99)} ms`)

try {
  const sameA = await join(one.url, 'same')
  const sameB = await join(one.url, 'same')
  const crossA = await join(one.url, 'cross')
  const crossB = await join(two.url, 'cross')
  await nextOfType(crossA, 'peer-joined')
  await nextOfType(sameA, 'peer-joined')
  const cpuBefore = process.cpuUsage()
  const same = await measure(sameA, sameB)
  const cpuSame = process.cpuUsage(cpuBefore)
  const cpuBeforeCross = process.cpuUsage()
  const cross = await measure(crossA, crossB)
  const cpuCross = process.cpuUsage(cpuBeforeCross)
  console.log(`${MESSAGES} round trips each, ${OFFER.length}-byte offers, one process for both nodes and the clients`)
  report('relay same node (one way)', same)
  report('relay cross node (one way)', cross)
  const perMessage = (usage: NodeJS.CpuUsage) => ((usage.user + usage.system) / (MESSAGES * 2)).toFixed(1)
  console.log(`process CPU per relayed message: same node ${perMessage(cpuSame)} µs, cross node ${perMessage(cpuCross)} µs`)
  report('redis PUBLISH → subscriber', await pubsub('publish'))
  report('redis SPUBLISH → subscriber', await pubsub('spublish'))
  for (const client of [sameA, sameB, crossA, crossB]) client.ws.terminate()
} finally {
  await Promise.all([one.close(), two.close()])
  await redis.stop()
}

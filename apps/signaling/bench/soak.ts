// Soak: joins, leaves and relays against a spawned server for --minutes (default 10), then
// checks that its heap and RSS came back to within 10% of their baseline. Prints a report; exits
// 1 when memory did not come back. Run: pnpm bench [-- --minutes 1]
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { WebSocket } from 'ws'

// pnpm forwards the `--` of `pnpm bench -- --minutes 1`.
const { values } = parseArgs({ args: process.argv.slice(2).filter((arg) => arg !== '--'), options: { minutes: { type: 'string', default: '10' }, rooms: { type: 'string', default: '40' } } })
const MINUTES = Number(values.minutes)
const ROOMS = Number(values.rooms)
const PEERS_PER_ROOM = 4
const TOLERANCE = 0.1
const packageDir = fileURLToPath(new URL('..', import.meta.url))
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const child = spawn(
  process.execPath,
  ['--expose-gc', '--import', 'tsx', '--import', './bench/gc-on-signal.ts', 'src/main.ts', '--port', '0', '--log-level', 'warn',
    '--resume-grace-ms', '500', '--max-connections-per-ip', '100000', '--drain-timeout-ms', '0',
    '--max-open-connections-per-ip', '100000', '--max-pending-upgrades-per-ip', '100000', '--join-failures-per-ip-per-minute', '100000000', '--metrics-public'],
  { cwd: packageDir, stdio: ['ignore', 'pipe', 'inherit'] },
)
const httpUrl = await new Promise<string>((resolve, reject) => {
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk
    const url = /listening on (http:\/\/\S+)/.exec(out)?.[1]
    if (url) resolve(url)
  })
  child.once('exit', (code) => reject(new Error(`server exited with ${code}`)))
})
const wsUrl = httpUrl.replace(/^http/, 'ws')

async function memory(): Promise<{ heap: number; rss: number }> {
  child.kill('SIGUSR2')
  await sleep(1_000)
  const text = await (await fetch(`${httpUrl}/metrics`)).text()
  const read = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1])
  return { heap: read('nodejs_heap_size_used_bytes'), rss: read('process_resident_memory_bytes') }
}

const stats = { joins: 0, leaves: 0, relayed: 0, received: 0, errors: 0 }

/** One peer's life: join, relay a few messages to the others, leave or drop. */
async function peerLife(room: string): Promise<void> {
  const ws = new WebSocket(`${wsUrl}/ws`)
  ws.on('error', () => {})
  const peers = new Set<string>()
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { type: string; peerId?: string; peers?: { peerId: string }[]; peer?: { peerId: string } }
    if (message.type === 'welcome') for (const peer of message.peers ?? []) peers.add(peer.peerId)
    else if (message.type === 'peer-joined' && message.peer) peers.add(message.peer.peerId)
    else if (message.type === 'peer-left' && message.peerId) peers.delete(message.peerId)
    else if (message.type === 'error') stats.errors++
    else stats.received++
  })
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  ws.send(JSON.stringify({ type: 'join', room, name: 'soak' }))
  stats.joins++
  const rounds = 5 + Math.floor(Math.random() * 10)
  for (let i = 0; i < rounds; i++) {
    await sleep(50 + Math.random() * 200)
    for (const to of peers) {
      ws.send(JSON.stringify({ type: 'offer', to, sdp: { type: 'offer', sdp: `v=0\r\no=- ${i} 2 IN IP4 127.0.0.1\r\ns=soak\r\n${'a=x\r\n'.repeat(50)}` } }))
      ws.send(JSON.stringify({ type: 'candidate', to, candidate: { candidate: `candidate:${i} 1 udp 1 127.0.0.1 ${1000 + i} typ host`, sdpMid: '0' } }))
      stats.relayed += 2
    }
  }
  // Half leave politely, half just drop (their sessions then wait out the resume grace).
  if (Math.random() < 0.5) ws.send(JSON.stringify({ type: 'leave' }))
  stats.leaves++
  ws.close()
  await new Promise((resolve) => ws.once('close', resolve))
}

async function load(durationMs: number): Promise<void> {
  const until = Date.now() + durationMs
  await Promise.all(
    Array.from({ length: ROOMS * PEERS_PER_ROOM }, async (_, i) => {
      while (Date.now() < until) await peerLife(`soak-${i % ROOMS}`).catch(() => stats.errors++)
    }),
  )
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`
const started = Date.now()
// A short warm-up first, so the baseline includes compiled code and pools that stay for good.
await load(10_000)
await sleep(1_500)
const baseline = await memory()
let peak = baseline
const sampler = setInterval(() => {
  void memory().then((m) => (peak = { heap: Math.max(peak.heap, m.heap), rss: Math.max(peak.rss, m.rss) }))
}, 30_000)
await load(MINUTES * 60_000)
clearInterval(sampler)
await sleep(1_500)
const after = await memory()
const health = (await (await fetch(`${httpUrl}/healthz`)).json()) as { rooms: number; peers: number }
child.kill('SIGTERM')

const heapGrowth = after.heap / baseline.heap - 1
const rssGrowth = after.rss / baseline.rss - 1
const ok = heapGrowth <= TOLERANCE && rssGrowth <= TOLERANCE && health.peers === 0
const seconds = ((Date.now() - started) / 1000).toFixed(0)
process.stdout.write(
  [
    `Peerlane signaling soak: ${MINUTES} min of load (${ROOMS} rooms × ${PEERS_PER_ROOM} peers churning), ${seconds} s in all`,
    `  joins ${stats.joins}, leaves ${stats.leaves}, relayed ${stats.relayed}, received ${stats.received}, errors ${stats.errors}`,
    `  heap: baseline ${mb(baseline.heap)}, peak ${mb(peak.heap)}, after ${mb(after.heap)} (${(heapGrowth * 100).toFixed(1)}%)`,
    `  rss:  baseline ${mb(baseline.rss)}, peak ${mb(peak.rss)}, after ${mb(after.rss)} (${(rssGrowth * 100).toFixed(1)}%)`,
    `  left over: ${health.rooms} rooms, ${health.peers} peers`,
    `  ${ok ? 'PASS' : 'FAIL'}: heap and RSS within ${TOLERANCE * 100}% of baseline and no peer left behind`,
    '',
  ].join('\n'),
)
process.exit(ok ? 0 : 1)

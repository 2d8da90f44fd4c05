// Hostile traffic against the real bin in a child process, so that a crash is seen as a crash.
// Every text frame is also decoded here with the protocol's own decoder: the server must answer
// each frame that decoder rejects with the same error code, in order, on the same connection.
import { CLOSE_CODES, decode } from '@peerlane/protocol'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { joined } from './test-support/client.js'
import { spawnServer } from './test-support/spawned-server.js'

const FRAMES = Number(process.env.PEERLANE_FUZZ_FRAMES ?? 100_000)
const SEED = Number(process.env.PEERLANE_FUZZ_SEED ?? Date.now() % 2 ** 31)
const CONNECTIONS = 4
const BATCH = 500
const MAX_PAYLOAD = 64 * 1024

interface Frame {
  readonly data: string | Buffer
  readonly binary: boolean
}

// ── generators ────────────────────────────────────────────────────────────────────────────────
const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/)
const anyText = (maxLength: number) => fc.string({ unit: 'binary', maxLength })
const hostileText = fc.oneof(
  anyText(200),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', '\u0000', '\uFFFF', '\uD800', '💥'.repeat(30), '<script>', '${x}'),
)
const sdp = fc.oneof(anyText(2_000).filter((s) => s.length > 0), fc.constant('v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n'))
const candidateInit = fc.record(
  {
    candidate: anyText(300),
    sdpMid: fc.option(anyText(64)),
    sdpMLineIndex: fc.option(fc.integer({ min: 0, max: 1023 })),
    usernameFragment: fc.option(anyText(100)),
  },
  { requiredKeys: ['candidate'] },
)

/** Messages that pass the schema, with values chosen to be awkward. */
const validMessage: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record(
    {
      type: fc.constant('join'),
      room: id,
      name: anyText(64).filter((s) => s.length > 0),
      token: anyText(300).filter((s) => s.length > 0),
      resumeToken: anyText(256).filter((s) => s.length > 0),
    },
    { requiredKeys: ['type', 'room'] },
  ),
  fc.constant({ type: 'leave' }),
  ...(['offer', 'answer'] as const).map((type) =>
    fc.record(
      { type: fc.constant(type), to: id, from: fc.jsonValue({ maxDepth: 3 }), sdp: fc.oneof(sdp, sdp.map((text) => ({ type, sdp: text }))) },
      { requiredKeys: ['type', 'sdp'] },
    ),
  ),
  fc.record(
    {
      type: fc.constant('candidate'),
      to: id,
      from: hostileText,
      candidate: fc.oneof(fc.constant(null), anyText(1024), candidateInit),
      sdpMid: fc.option(anyText(64)),
      sdpMLineIndex: fc.option(fc.integer({ min: 0, max: 1023 })),
    },
    { requiredKeys: ['type', 'candidate'] },
  ),
  fc.record({ type: fc.constant('ping'), id: fc.oneof(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), anyText(64)) }, { requiredKeys: ['type'] }),
)

/** JSON text of a value to put where a field's value should be; deep nesting is built as text (stringify would overflow). */
const wrongValue = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
  fc.constantFrom(null, true, -1, 1.5, 1e308, -0, [], {}, '', 'x'.repeat(40_000), Number.MAX_SAFE_INTEGER + 2).map((value) => JSON.stringify(value)),
  fc.integer({ min: 1, max: 5_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
)

const MARKER = '"fuzz-marker-4b1d"'
const mutated = fc
  .tuple(validMessage, fc.oneof(fc.constantFrom('type', 'room', 'to', 'sdp', 'candidate', 'name', 'id', 'sdpMLineIndex', '__proto__', 'extra'), hostileText), wrongValue)
  .map(([message, key, value]) => JSON.stringify({ ...message, [key]: JSON.parse(MARKER) as string }).replace(MARKER, value))

// Deep nesting is costly to parse (about 1 ms per 20,000 levels), so depths stay in the thousands.
const nesting = fc.tuple(fc.integer({ min: 1, max: 5_000 }), fc.constantFrom('[', '{"a":'), fc.boolean()).map(([depth, open, closeIt]) => {
  const close = open === '[' ? ']' : '}'
  return open.repeat(depth) + (open === '[' ? '' : '1') + (closeIt ? close.repeat(depth) : '')
})

const deepInside = fc.tuple(validMessage, fc.integer({ min: 1, max: 5_000 })).map(([message, depth]) =>
  JSON.stringify({ ...message, from: JSON.parse(MARKER) as string }).replace(MARKER, '['.repeat(depth) + ']'.repeat(depth)),
)

// Up to 60,000 bytes of JSON in one field: 'é' takes 2 bytes, a NUL 6 once escaped.
const huge = fc
  .tuple(validMessage, fc.constantFrom('sdp', 'name', 'room', 'to', 'id', 'from', 'candidate'), fc.integer({ min: 10_000, max: 60_000 }), fc.constantFrom(['a', 1], ['é', 2], ['\u0000', 6]))
  .map(([message, key, bytes, [char, width]]) => JSON.stringify({ ...message, [key]: (char as string).repeat(Math.floor(bytes / (width as number))) }))

const truncated = fc.tuple(validMessage, fc.nat()).map(([message, cut]) => {
  const text = JSON.stringify(message)
  return text.slice(0, cut % Math.max(1, text.length))
})

const text = (arbitrary: fc.Arbitrary<string>) => arbitrary.map((data): Frame => ({ data, binary: false }))
// Weights in percent; the costly kinds (deep, huge) are rarer so 100,000 frames stay fast.
const frame: fc.Arbitrary<Frame> = fc.oneof(
  { weight: 8, arbitrary: fc.uint8Array({ maxLength: 512 }).map((bytes): Frame => ({ data: Buffer.from(bytes), binary: true })) },
  { weight: 12, arbitrary: text(anyText(300)) },
  { weight: 12, arbitrary: text(truncated) },
  { weight: 1, arbitrary: text(nesting) },
  { weight: 1, arbitrary: text(deepInside) },
  { weight: 2, arbitrary: text(huge) },
  { weight: 30, arbitrary: text(mutated) },
  { weight: 28, arbitrary: text(validMessage.map((message) => JSON.stringify(message))) },
  { weight: 6, arbitrary: text(fc.jsonValue({ maxDepth: 5 }).map((value) => JSON.stringify(value))) },
)

/** The error code the protocol says this frame deserves, or undefined for a valid message. */
function expectedError(f: Frame): string | undefined {
  if (f.binary) return 'binary-frame'
  const decoded = decode(f.data as string, 'client')
  return decoded.ok ? undefined : decoded.error.code
}

const DECODE_CODES = new Set(['bad-json', 'invalid-message', 'unknown-type', 'binary-frame'])

/** One fuzzing connection: sends batches and collects the decode-level errors the server answers. */
async function fuzzer(url: string) {
  const ws = new WebSocket(url)
  const errors: string[] = []
  const invalid: string[] = []
  let onPong: ((id: string) => void) | undefined
  ws.on('message', (data, isBinary) => {
    const decoded = isBinary ? undefined : decode(data.toString(), 'server')
    if (!decoded?.ok) return void invalid.push(data.toString().slice(0, 200))
    const message = decoded.message
    if (message.type === 'error' && DECODE_CODES.has(message.code)) errors.push(message.code)
    if (message.type === 'pong' && typeof message.id === 'string' && message.id.startsWith('sentinel-')) onPong?.(message.id)
  })
  let closed: { code: number } | undefined
  ws.on('close', (code) => (closed = { code }))
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  let sentinel = 0
  return {
    ws,
    errors,
    invalid,
    closed: () => closed,
    /** Sends the frames and a sentinel ping; resolves once the server has answered all of them. */
    async send(frames: readonly Frame[]): Promise<void> {
      const idText = `sentinel-${++sentinel}`
      const answered = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no sentinel pong; closed: ${JSON.stringify(closed)}`)), 20_000)
        onPong = (got) => {
          if (got !== idText) return
          clearTimeout(timer)
          resolve()
        }
      })
      for (const f of frames) ws.send(f.data, { binary: f.binary })
      ws.send(JSON.stringify({ type: 'ping', id: idText }))
      await answered
    },
  }
}

async function closeCodeAfterSending(url: string, data: Buffer | string, binary: boolean): Promise<number> {
  const ws = new WebSocket(url)
  ws.on('error', () => {})
  await new Promise((resolve) => ws.once('open', resolve))
  const closed = new Promise<number>((resolve) => ws.once('close', resolve))
  ws.send(data, { binary })
  return closed
}

describe('fuzzing a running server', () => {
  it(`survives ${FRAMES} hostile frames, answers each bad one with its typed error, and keeps relaying for a calm pair`, { timeout: 120_000 }, async () => {
    const server = await spawnServer([
      // Limits out of the way so that every frame reaches the decoder; limits have their own tests.
      '--max-messages-per-second', '100000000',
      '--max-bytes-per-second', '100000000000',
      '--max-connections-per-ip', '1000',
      '--max-peers-per-room', '1000',
      '--max-open-connections-per-ip', '1000',
      '--join-failures-per-ip-per-minute', '100000000',
      // Fuzz sockets that never join live as long as the run.
      '--join-timeout-ms', '600000',
      '--drain-timeout-ms', '200',
    ])
    try {
      const ada = await joined(server.url, 'calm-pair-room-c0ffee')
      const bob = await joined(server.url, 'calm-pair-room-c0ffee')
      await ada.client.nextOfType('peer-joined')
      let relaying = true
      let sent = 0
      const calm = (async () => {
        while (relaying) {
          ada.client.send({ type: 'offer', to: bob.peerId, sdp: { type: 'offer', sdp: `v=0\r\ns=${sent}\r\n` } })
          sent++
          await new Promise((resolve) => setTimeout(resolve, 2))
        }
      })()

      const fuzzers = await Promise.all(Array.from({ length: CONNECTIONS }, (_, i) => fuzzer(`${server.url}/?room=fuzz${i % 2}`)))
      const expected: string[][] = fuzzers.map(() => [])
      let total = 0
      let batch = 0
      let inFlight: Promise<void>[] = []
      while (total < FRAMES) {
        // The next round is generated while the server still works on the previous one.
        const round = fuzzers.map((_, i) => {
          const frames = fc.sample(frame, { numRuns: BATCH, seed: SEED + batch++ }).filter((x) => Buffer.byteLength(x.data) <= MAX_PAYLOAD)
          total += frames.length
          for (const x of frames) {
            const code = expectedError(x)
            if (code) expected[i]?.push(code)
          }
          return frames
        })
        await Promise.all(inFlight)
        inFlight = fuzzers.map((f, i) => f.send(round[i] ?? []))
      }
      await Promise.all(inFlight)
      relaying = false
      await calm

      for (const [i, f] of fuzzers.entries()) {
        expect(f.closed(), `seed ${SEED}`).toBeUndefined()
        expect(f.invalid, `seed ${SEED}`).toEqual([])
        expect(f.errors.length, `seed ${SEED}`).toBe(expected[i]?.length)
        expect(f.errors, `seed ${SEED}`).toEqual(expected[i])
      }
      expect(expected.flat().length).toBeGreaterThan(FRAMES / 2)

      // The calm pair lost nothing and heard nothing of the fuzzing.
      for (let i = 0; i < sent; i++) {
        expect(await bob.client.next()).toMatchObject({ type: 'offer', from: ada.peerId, sdp: { sdp: `v=0\r\ns=${i}\r\n` } })
      }
      expect(await bob.client.sync()).toEqual([])
      expect(await ada.client.sync()).toEqual([])

      // Frames that must end the connection end it with a documented code, one per connection.
      expect(await closeCodeAfterSending(server.url, 'x'.repeat(MAX_PAYLOAD + 1), false)).toBe(CLOSE_CODES.messageTooBig)
      expect(await closeCodeAfterSending(server.url, Buffer.alloc(MAX_PAYLOAD * 4), true)).toBe(CLOSE_CODES.messageTooBig)
      // Invalid UTF-8 in a text frame: RFC 6455 requires 1007 (documented in docs/errors.md).
      expect(await closeCodeAfterSending(server.url, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), false)).toBe(1007)

      expect(server.child.exitCode).toBeNull()
      expect(await (await fetch(`${server.httpUrl}/healthz`)).json()).toMatchObject({ status: 'ok' })
      server.child.kill('SIGTERM')
      expect(await server.exited).toEqual({ code: 0, signal: null })
      expect(server.output().stderr).toBe('')
    } finally {
      server.child.kill('SIGKILL')
    }
  })
})

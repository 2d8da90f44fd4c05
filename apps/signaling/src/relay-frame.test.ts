// The relayed bytes must be exactly what the server sent before frames were spliced: the old path
// (decode, stamp, JSON.stringify) is kept here as the oracle, and only here.
import { decode, type ClientMessage } from '@peerlane/protocol'
import { frozenV1Vectors, validVectors } from '@peerlane/protocol/vectors'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fuzzCaseArbitrary } from '@peerlane/protocol/testing'
import { spliceRelayed } from './relay-frame.js'
import { relayedFrame } from './router.js'
import { joined, startServer } from './test-support/client.js'

const FROM = 'Ab3_-xYz0123'
const RELAY_TYPES = new Set(['offer', 'answer', 'candidate'])

/** The relayed frame as the server built it before splicing: parse, drop `to`, set `from`, re-encode. */
function oracle(text: string, from: string): string {
  const decoded = decode(text, 'client')
  if (!decoded.ok) throw new Error(`oracle given an invalid frame: ${decoded.error.message}`)
  const stamped = decoded.message as ClientMessage & { to?: string; from?: string }
  stamped.to = undefined
  stamped.from = from
  return JSON.stringify(stamped)
}

/** What the server relays now for the frame `text`. */
function relayed(text: string, from: string): Buffer {
  const bytes = Buffer.from(text)
  const decoded = decode(text, 'client')
  if (!decoded.ok || !RELAY_TYPES.has(decoded.message.type)) throw new Error('not a valid relay message')
  const frame = relayedFrame({ bytes, text }, decoded.message as Parameters<typeof relayedFrame>[1], from)
  return typeof frame === 'string' ? Buffer.from(frame) : frame
}

const relayVectors = [...validVectors(), ...frozenV1Vectors()].filter(
  (vector) => vector.from === 'client' && RELAY_TYPES.has((JSON.parse(vector.frame) as { type: string }).type),
)

describe('relayed frames are byte-identical to the re-encoded ones', () => {
  it.each(relayVectors.map((vector) => [vector.name, vector.frame] as const))('golden vector %s', (_name, text) => {
    expect(relayed(text, FROM).toString('utf8')).toBe(oracle(text, FROM))
    // The vectors are in JSON.stringify's form, so they take the splice, not the fallback.
    if (JSON.stringify(JSON.parse(text)) === text) expect(spliceRelayed(Buffer.from(text), text, FROM)).toBeDefined()
  })

  it('covers every relay form among the vectors', () => {
    expect(relayVectors.map((vector) => vector.name)).toEqual(
      expect.arrayContaining(['client-offer-to-peer', 'client-offer-forged-from', 'client-offer-legacy-sdp-string', 'client-candidate-legacy-flat', 'client-candidate-end']),
    )
  })

  it('for generated relay messages, in JSON.stringify form and in forms it would not write', () => {
    let spliced = 0
    fc.assert(
      fc.property(relayText, fc.stringMatching(/^[A-Za-z0-9_-]{12}$/), (text, from) => {
        expect(decode(text, 'client').ok).toBe(true)
        expect(relayed(text, from).toString('utf8')).toBe(oracle(text, from))
        if (spliceRelayed(Buffer.from(text), text, from)) spliced++
      }),
      { numRuns: 3_000 },
    )
    // Most take the splice: the property is about it, not about the fallback.
    expect(spliced).toBeGreaterThan(750)
  })

  it('for generated frames whose escapes are all short (\\r \\n \\" \\\\), as in an SDP: all spliced', () => {
    // Backslash runs of either parity before a quote: the end of a string is found by their parity.
    const sdpText = fc.string({ unit: fc.constantFrom('a', '=', ' ', '/', 'u', '\r', '\n', '\t', '"', '\\'), minLength: 1, maxLength: 120 })
    const message = fc.record({
      type: fc.constantFrom('offer', 'answer'),
      to: peerId,
      from: fc.option(sdpText, { nil: undefined }),
      sdp: fc.oneof(sdpText, sdpText.map((sdp) => ({ type: 'offer', sdp }))),
    })
    fc.assert(
      fc.property(message, (value) => {
        const sdp = typeof value.sdp === 'string' ? value.sdp : { ...value.sdp, type: value.type }
        const text = JSON.stringify({ ...value, sdp })
        expect(decode(text, 'client').ok).toBe(true)
        expect(spliceRelayed(Buffer.from(text), text, FROM)?.toString('utf8')).toBe(oracle(text, FROM))
      }),
      { numRuns: 2_000 },
    )
  })

  it('for a sample of the fuzz corpus (the relay messages among its cases)', () => {
    const corpus = fuzzCaseArbitrary({ room: 'fuzz-room', maxPayload: 64 * 1024 }, ['awkward-valid', 'hostile-value', 'wrong-type', 'truncated-json'])
    let relays = 0
    for (const fuzzCase of fc.sample(corpus, { seed: 1, numRuns: 5_000 })) {
      for (const frame of fuzzCase.frames) {
        const text = frame.data.toString('utf8')
        const decoded = decode(text, 'client')
        if (frame.binary || !decoded.ok || !RELAY_TYPES.has(decoded.message.type)) continue
        relays++
        expect(relayed(text, FROM).toString('utf8')).toBe(oracle(text, FROM))
      }
    }
    expect(relays).toBeGreaterThan(1_000)
  })

  it.each([
    ['whitespace', '{ "type":"answer","sdp":"v=0"}'],
    ['an escaped slash', '{"type":"answer","sdp":"v=0\\/"}'],
    ['an escaped letter', '{"type":"answer","sdp":"v=\\u0030"}'],
    ['an escaped non-ASCII character', '{"type":"answer","sdp":"\\u00e9"}'],
    ['a surrogate pair escape', '{"type":"answer","sdp":"\\ud83d\\ude00"}'],
    ['an upper-case control escape', '{"type":"answer","sdp":"\\u001F"}'],
    ['a number JSON.stringify writes otherwise', '{"type":"candidate","candidate":{"candidate":"c","sdpMLineIndex":1.0}}'],
    ['a negative zero', '{"type":"candidate","candidate":{"candidate":"c","sdpMLineIndex":-0}}'],
    ['a duplicate key', '{"type":"answer","sdp":"a","sdp":"b"}'],
    ['a duplicate nested key', '{"type":"answer","sdp":{"type":"answer","sdp":"a","sdp":"b"}}'],
    ['non-ASCII text (character and byte offsets differ)', '{"type":"answer","sdp":"é😀\u2028"}'],
    ['an exponent', '{"type":"candidate","candidate":{"candidate":"c","sdpMLineIndex":1e1}}'],
    ['a duplicate `to`', '{"type":"answer","to":"AAAAAAAAAAAA","sdp":"a","to":"BBBBBBBBBBBB"}'],
  ])('re-encodes a frame with %s', (_what, text) => {
    expect(decode(text, 'client').ok).toBe(true)
    expect(spliceRelayed(Buffer.from(text), text, FROM)).toBeUndefined()
    expect(relayed(text, FROM).toString('utf8')).toBe(oracle(text, FROM))
  })

  it.each([
    ['`to` first', '{"to":"AAAAAAAAAAAA","type":"answer","sdp":"a"}'],
    ['`to` last', '{"type":"answer","sdp":"a","to":"AAAAAAAAAAAA"}'],
    ['`to` between', '{"type":"answer","to":"AAAAAAAAAAAA","sdp":"a"}'],
    ['a forged `from` before `to`', '{"type":"answer","from":{"x":[1,true,null]},"to":"AAAAAAAAAAAA","sdp":"a"}'],
    ['a forged `from` after `to`', '{"type":"answer","to":"AAAAAAAAAAAA","sdp":"a","from":"evil"}'],
    ['integers', '{"type":"candidate","candidate":"c","sdpMid":"0","sdpMLineIndex":1023,"to":"AAAAAAAAAAAA","from":0}'],
    ['a zero', '{"type":"candidate","candidate":{"candidate":"c","sdpMLineIndex":0}}'],
    ['escapes JSON.stringify writes', '{"type":"answer","sdp":"v=0\\r\\n\\"q\\"\\\\\\u0000\\u001f\\t"}'],
    ['short escapes only, a backslash before a closing quote', '{"type":"answer","to":"AAAAAAAAAAAA","sdp":{"type":"answer","sdp":"v=0\\r\\n\\\\"},"from":"\\"\\\\"}'],
    ['an escaped backslash before u and /', '{"type":"answer","sdp":"\\\\u\\\\/\\r\\n"}'],
  ])('splices a frame with %s', (_what, text) => {
    expect(decode(text, 'client').ok).toBe(true)
    expect(spliceRelayed(Buffer.from(text), text, FROM)?.toString('utf8')).toBe(oracle(text, FROM))
  })
})

describe('relaying over a real socket', () => {
  it('delivers the spliced bytes as a text frame', async () => {
    const server = await startServer()
    const ada = await joined(server.url, 'splice')
    const bob = await joined(server.url, 'splice')
    await ada.client.nextOfType('peer-joined')
    const raw = new Promise<{ data: Buffer; isBinary: boolean }>((resolve) => bob.client.ws.once('message', (data, isBinary) => resolve({ data: data as Buffer, isBinary })))
    const text = `{"type":"offer","to":"${bob.peerId}","sdp":{"type":"offer","sdp":"v=0\\r\\n"},"from":"x"}`
    ada.client.send(text)
    const received = await raw
    expect(received.isBinary).toBe(false)
    expect(received.data.toString('utf8')).toBe(oracle(text, ada.peerId))
  })
})

// ── generated relay frames ────────────────────────────────────────────────────────────────────
const peerId = fc.stringMatching(/^[A-Za-z0-9_-]{12}$/)
// Mostly ASCII (control characters included), as SDP and candidates are; sometimes any character.
const text = (maxLength: number) =>
  fc.oneof({ weight: 9, arbitrary: fc.string({ unit: 'binary-ascii', maxLength }) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength }) })
const candidateInit = fc.record(
  { candidate: text(200), sdpMid: fc.option(text(16)), sdpMLineIndex: fc.option(fc.integer({ min: 0, max: 1023 })), usernameFragment: fc.option(text(32)) },
  { requiredKeys: ['candidate'] },
)
const relayMessage = fc.oneof(
  ...(['offer', 'answer'] as const).map((type) =>
    fc.record(
      { type: fc.constant(type), to: peerId, from: fc.jsonValue({ maxDepth: 2 }), sdp: fc.oneof(text(400).filter((s) => s.length > 0), text(400).filter((s) => s.length > 0).map((sdp) => ({ type, sdp }))) },
      { requiredKeys: ['type', 'sdp'] },
    ),
  ),
  fc.record(
    { type: fc.constant('candidate'), to: peerId, from: text(20), candidate: fc.oneof(fc.constant(null), text(300), candidateInit), sdpMid: fc.option(text(16)), sdpMLineIndex: fc.option(fc.integer({ min: 0, max: 1023 })) },
    { requiredKeys: ['type', 'candidate'] },
  ),
)
/** JSON.stringify's form, with keys shuffled, or a form it would not write (spaces, `\/`). */
const relayText = fc.tuple(relayMessage, fc.constantFrom('plain', 'reversed', 'spaced', 'slashes')).map(([message, form]) => {
  const plain = JSON.stringify(message)
  if (form === 'reversed') return JSON.stringify(Object.fromEntries(Object.entries(message).reverse()))
  if (form === 'spaced') return JSON.stringify(message, null, 1)
  return form === 'slashes' ? plain.replaceAll('/', '\\/') : plain
})

// The one generator of hostile signaling traffic: `peerlane-relay-test fuzz` samples it with a
// seed, and the signaling server's own fuzz test runs it under `fc.assert`, so that a failure
// there shrinks to a small case and prints the seed that replays it.
import fc from 'fast-check'
import { CLOSE_CODES } from '../close-codes.js'
import { decode } from '../decode.js'
import type { ErrorCode } from '../error-codes.js'
import { WIRE_LIMITS } from '../limits.js'

export const FUZZ_CATEGORIES = [
  'random-bytes',
  'random-text',
  'invalid-utf8',
  'truncated-json',
  'deep-nesting',
  'huge-string',
  'oversized-frame',
  'wrong-type',
  'hostile-value',
  'awkward-valid',
  'binary-json',
  'flood',
] as const
export type FuzzCategory = (typeof FUZZ_CATEGORIES)[number]

/** Categories whose frames a server answers frame by frame, never by closing the socket. */
export const ANSWERED_CATEGORIES: readonly FuzzCategory[] = FUZZ_CATEGORIES.filter(
  (category) => category !== 'invalid-utf8' && category !== 'oversized-frame' && category !== 'flood',
)

export interface FuzzFrame {
  readonly data: Buffer
  readonly binary: boolean
}

/**
 * What a correct server does with a case. `rejected`: a typed `error` (the protocol's own decoder
 * says which code) or a documented close. `any`: the frames are valid messages, so a normal reply,
 * an error about room state, or silence are all fine — but never an invalid frame or an undocumented close.
 */
export type Expectation =
  | { readonly kind: 'rejected'; readonly code?: ErrorCode }
  | { readonly kind: 'any' }

export interface FuzzCase {
  readonly id: number
  readonly category: FuzzCategory
  readonly frames: readonly FuzzFrame[]
  readonly expect: Expectation
  /** Close codes a correct server may close with, beyond the protocol's documented ones. */
  readonly extraCloseCodes?: readonly number[]
}

export interface FuzzCaseOptions {
  readonly seed: number
  readonly count: number
  /** The room hostile `join`s name; the runner joins connections to rooms with this prefix too. */
  readonly room: string
  /** The deployment's frame limit; a larger frame must be refused with 1009. */
  readonly maxPayload: number
}

/** RFC 6455 closes that `ws` sends itself for frames broken below the protocol (e.g. bad UTF-8 → 1007). */
export const RFC6455_INVALID_PAYLOAD = 1007

/** A generated case before it is numbered. */
export type GeneratedCase = Omit<FuzzCase, 'id'>

/** The cases of one fuzz run: a pure function of the options, so a seed reproduces a run exactly. */
export function generateCases(options: FuzzCaseOptions): FuzzCase[] {
  const arbitraries = new Map(FUZZ_CATEGORIES.map((category) => [category, categoryArbitrary(category, options)]))
  return Array.from({ length: options.count }, (_, id) => {
    const category = FUZZ_CATEGORIES[id % FUZZ_CATEGORIES.length] ?? 'random-text'
    const arbitrary = arbitraries.get(category) as fc.Arbitrary<GeneratedCase>
    // One seed per case, spread so that neighbouring seeds give unrelated runs.
    const [generated] = fc.sample(arbitrary, { seed: Math.imul(options.seed, 0x9e3779b1) ^ id, numRuns: 1 })
    return { id, ...(generated as GeneratedCase) }
  })
}

/** Cases of the given categories as one arbitrary, for `fc.assert` (shrinks within a category). */
export function fuzzCaseArbitrary(options: Omit<FuzzCaseOptions, 'seed' | 'count'>, categories: readonly FuzzCategory[] = FUZZ_CATEGORIES): fc.Arbitrary<GeneratedCase> {
  return fc.oneof(...categories.map((category) => ({ weight: WEIGHTS[category], arbitrary: categoryArbitrary(category, options) })))
}

// Relative frequency under `fuzzCaseArbitrary`; the costly kinds (deep, huge) are rarer.
const WEIGHTS: Record<FuzzCategory, number> = {
  'random-bytes': 6,
  'random-text': 12,
  'invalid-utf8': 2,
  'truncated-json': 12,
  'deep-nesting': 2,
  'huge-string': 2,
  'oversized-frame': 1,
  'wrong-type': 30,
  'hostile-value': 6,
  'awkward-valid': 22,
  'binary-json': 3,
  flood: 1,
}

type Options = Omit<FuzzCaseOptions, 'seed' | 'count'>

export function categoryArbitrary(category: FuzzCategory, options: Options): fc.Arbitrary<GeneratedCase> {
  const judgedText = (text: fc.Arbitrary<string>): fc.Arbitrary<GeneratedCase> => text.map((value) => ({ category, ...judged([textFrame(value)]) }))
  switch (category) {
    case 'random-bytes':
      return fc.uint8Array({ minLength: 1, maxLength: 512 }).map((bytes) => ({ category, frames: [{ data: Buffer.from(bytes), binary: true }], expect: { kind: 'rejected', code: 'binary-frame' } }))
    case 'random-text':
      return judgedText(fc.oneof(anyText(300), jsonish))
    // Text frames must be UTF-8; `ws` on the server closes with 1007 before Peerlane sees them.
    case 'invalid-utf8':
      return fc.integer({ min: 0x80, max: 0xbf }).map((byte) => ({
        category,
        frames: [{ data: Buffer.concat([Buffer.from('{"type":"ping","id":"'), Buffer.from([0xc3, 0x28, 0xff, byte]), Buffer.from('"}')]), binary: false }],
        expect: { kind: 'rejected' },
        extraCloseCodes: [RFC6455_INVALID_PAYLOAD],
      }))
    case 'truncated-json':
      return judgedText(
        fc.tuple(validMessage(options), fc.nat()).map(([message, cut]) => {
          const whole = JSON.stringify(message)
          return whole.slice(0, 1 + (cut % Math.max(1, whole.length - 1)))
        }),
      )
    case 'deep-nesting':
      return judgedText(deepNesting(options))
    case 'huge-string':
      return judgedText(hugeString(options))
    case 'oversized-frame':
      return fc.integer({ min: 1, max: 4096 }).map((extra) => ({
        category,
        frames: [textFrame(JSON.stringify({ type: 'ping', id: 'x'.repeat(options.maxPayload + extra) }))],
        expect: { kind: 'rejected' },
      }))
    case 'wrong-type':
      return judgedText(mutated(options))
    case 'hostile-value':
      return judgedText(hostileValue(options))
    case 'awkward-valid':
      return judgedText(validMessage(options).map((message) => JSON.stringify(message)))
    case 'binary-json':
      return validMessage(options).map((message) => ({ category, frames: [{ data: Buffer.from(JSON.stringify(message)), binary: true }], expect: { kind: 'rejected', code: 'binary-frame' } }))
    case 'flood':
      return fc
        .array(fc.oneof(fc.nat({ max: 1_000 }).map((id) => JSON.stringify({ type: 'ping', id })), mutated(options)), { minLength: 50, maxLength: 300 })
        .map((texts) => ({ category, frames: texts.map(textFrame), expect: { kind: 'any' } }))
  }
}

const textFrame = (value: string): FuzzFrame => ({ data: Buffer.from(value), binary: false })

/** The expectation for text frames, from the protocol's own decoder: a frame it rejects must be rejected. */
function judged(frames: FuzzFrame[]): Pick<GeneratedCase, 'frames' | 'expect'> {
  for (const frame of frames) {
    const result = decode(frame.data.toString('utf8'), 'client')
    if (!result.ok) return { frames, expect: { kind: 'rejected', code: result.error.code } }
  }
  return { frames, expect: { kind: 'any' } }
}

// ── values ────────────────────────────────────────────────────────────────────────────────────
const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/)
const anyText = (maxLength: number) => fc.string({ unit: 'binary', maxLength })
const nonEmpty = (maxLength: number) => anyText(maxLength).filter((s) => s.length > 0)
const hostileText = fc.oneof(
  anyText(200),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', '\u0000', '\uFFFF', '\uD800', '\u202eevil', '💥'.repeat(30), '<script>', '${x}'),
)
const SDP = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n'
const sdp = fc.oneof(nonEmpty(2_000), fc.constant(SDP))
const candidateInit = fc.record(
  { candidate: anyText(300), sdpMid: fc.option(anyText(64)), sdpMLineIndex: fc.option(fc.integer({ min: 0, max: 1023 })), usernameFragment: fc.option(anyText(100)) },
  { requiredKeys: ['candidate'] },
)

// Text built from JSON's own pieces, so that it comes near to parsing.
const jsonish = fc
  .array(fc.constantFrom('{', '}', '[', ']', '"', ':', ',', 'type', 'join', 'null', '1e999', '-', '\\', '\\u0000', ' ', '\n', 'é', '😀', 'true'), { minLength: 1, maxLength: 80 })
  .map((pieces) => pieces.join(''))

/**
 * Messages that pass the schema, with values chosen to be awkward. Joins go to `options.room`
 * only: a new room per join would spend the join budget, and what it refuses would then depend on
 * the run's history rather than on its seed.
 */
function validMessage(options: Options): fc.Arbitrary<Record<string, unknown>> {
  const room = fc.constant(options.room)
  return fc.oneof(
    fc.record({ type: fc.constant('join'), room, name: nonEmpty(64), token: nonEmpty(300), resumeToken: nonEmpty(256) }, { requiredKeys: ['type', 'room'] }),
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
}

/** JSON text of a value to put where a field's value should be; deep nesting is built as text (stringify would overflow). */
const wrongValue = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
  fc.constantFrom(0, -1, 1.5, 1e308, -0, true, false, null, [], {}, '', [[[]]], { type: 'offer' }, 'x'.repeat(2_000), 'x'.repeat(40_000), '\u0000', '😀', '__proto__', Number.MAX_SAFE_INTEGER + 2).map((value) =>
    JSON.stringify(value),
  ),
  fc.integer({ min: 1, max: 5_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
)

const MARKER = '"fuzz-marker-4b1d"'
const fieldKey = fc.oneof(fc.constantFrom('type', 'room', 'to', 'from', 'sdp', 'candidate', 'name', 'id', 'sdpMid', 'sdpMLineIndex', '__proto__', 'extra'), hostileText)

/** A valid message with one field replaced, removed or added (the decoder decides whether it is still valid). */
function mutated(options: Options): fc.Arbitrary<string> {
  return fc.oneof(
    fc.tuple(validMessage(options), fieldKey, wrongValue).map(([message, key, value]) => JSON.stringify({ ...message, [key]: JSON.parse(MARKER) as string }).replace(MARKER, value)),
    fc.tuple(validMessage(options), fc.nat()).map(([message, index]) => {
      const keys = Object.keys(message)
      const { [keys[index % keys.length] as string]: _removed, ...rest } = message
      return JSON.stringify(rest)
    }),
    // Inside a nested description or candidate.
    fc.tuple(validMessage(options), fieldKey, wrongValue).map(([message, key, value]) => {
      const nested = Object.entries(message).find(([, v]) => v !== null && typeof v === 'object' && !Array.isArray(v))
      if (!nested) return JSON.stringify({ ...message, [key]: JSON.parse(MARKER) as string }).replace(MARKER, value)
      return JSON.stringify({ ...message, [nested[0]]: { ...(nested[1] as object), [key]: JSON.parse(MARKER) as string } }).replace(MARKER, value)
    }),
  )
}

// Deep nesting is costly to parse (about 1 ms per 20,000 levels), so depths stay in the thousands.
function deepNesting(options: Options): fc.Arbitrary<string> {
  const maxDepth = Math.max(1, Math.min(5_000, Math.floor((options.maxPayload - 64) / 6)))
  return fc.oneof(
    fc.tuple(fc.integer({ min: 1, max: maxDepth }), fc.constantFrom('[', '{"a":'), fc.boolean()).map(([depth, open, closeIt]) => {
      const close = open === '[' ? ']' : '}'
      return open.repeat(depth) + (open === '[' ? '' : '1') + (closeIt ? close.repeat(depth) : '')
    }),
    fc.tuple(validMessage(options), fc.constantFrom('from', 'room', 'sdp', 'id'), fc.integer({ min: 1, max: maxDepth })).map(([message, key, depth]) =>
      JSON.stringify({ ...message, [key]: JSON.parse(MARKER) as string }).replace(MARKER, '['.repeat(depth) + ']'.repeat(depth)),
    ),
  )
}

// Up to just under the frame limit in bytes in one field: 'é' takes 2 bytes, a NUL 6 once escaped.
function hugeString(options: Options): fc.Arbitrary<string> {
  const maxBytes = Math.max(WIRE_LIMITS.sdpLength + 1, options.maxPayload - 512)
  return fc
    .tuple(validMessage(options), fc.constantFrom('sdp', 'name', 'room', 'to', 'id', 'from', 'candidate', 'token', 'type'), fc.integer({ min: 10_000, max: maxBytes }), fc.constantFrom<[string, number]>(['a', 1], ['é', 2], ['\u0000', 6]))
    .map(([message, key, bytes, [char, width]]) => JSON.stringify({ ...message, [key]: char.repeat(Math.floor(bytes / width)) }))
}

// Shape-valid messages carrying values that have broken servers before: prototype keys, control
// and bidi characters, numbers at the edge of precision, spoofed senders, unknown recipients.
function hostileValue(options: Options): fc.Arbitrary<string> {
  const room = JSON.stringify(options.room)
  const peer = fc.stringMatching(/^[A-Za-z0-9_-]{12}$/)
  const sdpText = fc.nat({ max: 2_000 }).map((lines) => JSON.stringify('v=0\r\n' + 'a=x\r\n'.repeat(lines)))
  return fc.oneof(
    fc.constantFrom(
      `{"type":"ping","id":${Number.MAX_SAFE_INTEGER}}`,
      `{"type":"ping","id":"__proto__"}`,
      `{"type":"ping","id":"constructor","__proto__":{"polluted":true}}`,
      `{"__proto__":{"type":"ping"}}`,
      `{"type":"join","room":${room},"name":"\\u202eevil\\u0000"}`,
      `{"type":"join","room":${room},"name":${JSON.stringify('😀'.repeat(64))}}`,
      `{"type":"candidate","candidate":null}`,
      `{"type":"leave"}`,
      `{"type":"ping","type":"join","room":${room}}`,
      `{"type":"answer","sdp":"a","sdp":{"type":"answer","sdp":"b"}}`,
    ),
    fc.tuple(peer, sdpText).map(([to, text]) => `{"type":"offer","to":"${to}","sdp":{"type":"offer","sdp":${text}}}`),
    fc.tuple(peer, sdpText).map(([from, text]) => `{"type":"answer","from":"${from}","sdp":${text}}`),
    peer.map((to) => `{"type":"candidate","to":"${to}","candidate":{"candidate":"","sdpMid":null,"sdpMLineIndex":${WIRE_LIMITS.maxMLineIndex}}}`),
  )
}

/** Close codes the protocol documents; any of them is an acceptable answer to a hostile frame. */
export const DOCUMENTED_CLOSE_CODES: ReadonlySet<number> = new Set(Object.values(CLOSE_CODES))

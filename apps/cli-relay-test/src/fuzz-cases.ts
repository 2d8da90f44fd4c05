import { CLOSE_CODES, WIRE_LIMITS, decode, type ErrorCode } from '@peerlane/protocol/codec'
import { Prng } from './prng.js'

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
  'binary-json',
  'flood',
] as const
export type FuzzCategory = (typeof FUZZ_CATEGORIES)[number]

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

const text = (value: string): FuzzFrame => ({ data: Buffer.from(value), binary: false })

/** The cases of one fuzz run: a pure function of the options, so a seed reproduces a run exactly. */
export function generateCases(options: FuzzCaseOptions): FuzzCase[] {
  const prng = new Prng(options.seed)
  return Array.from({ length: options.count }, (_, id) => {
    const category = FUZZ_CATEGORIES[id % FUZZ_CATEGORIES.length] ?? 'random-text'
    return { id, category, ...GENERATORS[category](prng, options) }
  })
}

type Generated = Omit<FuzzCase, 'id' | 'category'>
const GENERATORS: Record<FuzzCategory, (prng: Prng, options: FuzzCaseOptions) => Generated> = {
  'random-bytes': (prng) => ({ frames: [{ data: prng.bytes(prng.int(1, 512)), binary: true }], expect: { kind: 'rejected', code: 'binary-frame' } }),
  'random-text': (prng) => judged([text(randomText(prng, prng.int(1, 256)))]),
  // Text frames must be UTF-8; `ws` on the server closes with 1007 before Peerlane sees them.
  'invalid-utf8': (prng) => ({
    frames: [{ data: Buffer.concat([Buffer.from('{"type":"ping","id":"'), Buffer.from([0xc3, 0x28, 0xff, prng.int(0x80, 0xbf)]), Buffer.from('"}')]), binary: false }],
    expect: { kind: 'rejected' },
    extraCloseCodes: [RFC6455_INVALID_PAYLOAD],
  }),
  'truncated-json': (prng, options) => {
    const whole = JSON.stringify(validMessage(prng, options))
    return judged([text(whole.slice(0, prng.int(1, whole.length - 1)))])
  },
  'deep-nesting': (prng, options) => {
    const [open, close] = prng.pick([['[', ']'], ['{"a":', '}']] as const)
    const depth = prng.int(100, Math.floor((options.maxPayload - 64) / (open.length + close.length)))
    const nested = `${open.repeat(depth)}1${close.repeat(depth)}`
    return judged([text(prng.next() < 0.5 ? nested : `{"type":"join","room":${nested}}`)])
  },
  'huge-string': (prng, options) => {
    // Just under the frame limit in bytes ('é' is two), far over every field's character limit.
    const bytes = prng.int(WIRE_LIMITS.sdpLength, options.maxPayload - 256)
    const field = prng.pick(['room', 'name', 'token', 'id', 'type'])
    const message =
      field === 'type'
        ? { type: 'x'.repeat(bytes) }
        : { type: field === 'id' ? 'ping' : 'join', room: 'r', [field]: 'é'.repeat(Math.floor(bytes / 2)) }
    return judged([text(JSON.stringify(message))])
  },
  'oversized-frame': (prng, options) => ({
    frames: [text(JSON.stringify({ type: 'ping', id: 'x'.repeat(options.maxPayload + prng.int(1, 4096)) }))],
    expect: { kind: 'rejected' },
  }),
  'wrong-type': (prng, options) => judged([text(mutate(prng, validMessage(prng, options)))]),
  'hostile-value': (prng, options) => judged([text(hostileValue(prng, options))]),
  'binary-json': (prng, options) => ({ frames: [{ data: Buffer.from(JSON.stringify(validMessage(prng, options))), binary: true }], expect: { kind: 'rejected', code: 'binary-frame' } }),
  flood: (prng, options) => {
    const frames = Array.from({ length: prng.int(50, 300) }, (_, i) =>
      text(prng.next() < 0.5 ? JSON.stringify({ type: 'ping', id: i }) : mutate(prng, validMessage(prng, options))),
    )
    return { frames, expect: { kind: 'any' } }
  },
}

/** The expectation for text frames, from the protocol's own decoder: a frame it rejects must be rejected. */
function judged(frames: FuzzFrame[]): Generated {
  for (const frame of frames) {
    const result = decode(frame.data.toString('utf8'), 'client')
    if (!result.ok) return { frames, expect: { kind: 'rejected', code: result.error.code } }
  }
  return { frames, expect: { kind: 'any' } }
}

function validMessage(prng: Prng, options: FuzzCaseOptions): Record<string, unknown> {
  const sdp = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n'
  return prng.pick<Record<string, unknown>>([
    { type: 'join', room: options.room, name: 'fuzz' },
    { type: 'ping', id: prng.int(0, 1000) },
    { type: 'offer', sdp: { type: 'offer', sdp } },
    { type: 'answer', sdp },
    { type: 'candidate', candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 } },
    { type: 'candidate', candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 },
  ])
}

const WRONG_VALUES: readonly unknown[] = [0, -1, 1.5, 1e308, true, false, null, [], {}, '', [[[]]], { type: 'offer' }, 'x'.repeat(2000), '\u0000', '😀', '__proto__']

// Replaces, removes or adds one field anywhere in the message (the decoder decides whether the
// result is still valid, e.g. `candidate: null` is the end-of-candidates marker).
function mutate(prng: Prng, message: Record<string, unknown>): string {
  const objects: Record<string, unknown>[] = [message]
  for (const value of Object.values(message)) if (value && typeof value === 'object' && !Array.isArray(value)) objects.push(value as Record<string, unknown>)
  const target = prng.pick(objects)
  const keys = Object.keys(target)
  const action = prng.int(0, 9)
  if (action === 0 && keys.length > 0) delete target[prng.pick(keys)]
  else if (action === 1) target[`extra${prng.int(0, 9)}`] = prng.pick(WRONG_VALUES)
  else if (keys.length > 0) target[prng.pick(keys)] = prng.pick(WRONG_VALUES)
  return JSON.stringify(message)
}

// Shape-valid messages carrying values that have broken servers before: prototype keys, control
// and bidi characters, numbers at the edge of precision, spoofed senders, unknown recipients.
function hostileValue(prng: Prng, options: FuzzCaseOptions): string {
  const sdp = JSON.stringify('v=0\r\n' + 'a=x\r\n'.repeat(prng.int(0, 2000)))
  return prng.pick([
    `{"type":"ping","id":${Number.MAX_SAFE_INTEGER}}`,
    `{"type":"ping","id":"__proto__"}`,
    `{"type":"ping","id":"constructor","__proto__":{"polluted":true}}`,
    `{"__proto__":{"type":"ping"}}`,
    `{"type":"join","room":${JSON.stringify(options.room)},"name":"\\u202eevil\\u0000"}`,
    `{"type":"join","room":${JSON.stringify(options.room)},"name":${JSON.stringify('😀'.repeat(64))}}`,
    `{"type":"offer","to":"${randomPeerId(prng)}","sdp":{"type":"offer","sdp":${sdp}}}`,
    `{"type":"answer","from":"${randomPeerId(prng)}","sdp":${sdp}}`,
    `{"type":"candidate","candidate":null}`,
    `{"type":"candidate","to":"${randomPeerId(prng)}","candidate":{"candidate":"","sdpMid":null,"sdpMLineIndex":${WIRE_LIMITS.maxMLineIndex}}}`,
    `{"type":"leave"}`,
    `{"type":"ping","type":"join","room":${JSON.stringify(options.room)}}`,
  ])
}

function randomPeerId(prng: Prng): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-'
  return Array.from({ length: 12 }, () => alphabet[prng.int(0, alphabet.length - 1)]).join('')
}

function randomText(prng: Prng, length: number): string {
  const pieces = ['{', '}', '[', ']', '"', ':', ',', 'type', 'join', 'null', '1e999', '-', '\\', '\\u0000', ' ', '\n', 'é', '😀', 'true']
  let out = ''
  while (out.length < length) out += prng.pick(pieces)
  return out
}

/** Close codes the protocol documents; any of them is an acceptable answer to a hostile frame. */
export const DOCUMENTED_CLOSE_CODES: ReadonlySet<number> = new Set(Object.values(CLOSE_CODES))

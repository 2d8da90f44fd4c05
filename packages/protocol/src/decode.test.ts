import { Value } from '@sinclair/typebox/value'
import { describe, expect, it } from 'vitest'
import { ClientMessage } from './client-messages.js'
import { decodeChunk, encodeChunk } from './chunk.js'
import { decode, decodeClient, decodePeer, decodeServer, encode } from './decode.js'
import { PEER_LIMITS } from './limits.js'
import { SUBPROTOCOLS, chooseSubprotocol } from './subprotocol.js'
import { isRoomName } from './room-name.js'
import { candidateOf, descriptionOf } from './wire-forms.js'
import { normalizeName } from './names.js'
import { PeerMessage } from './peer-messages.js'
import { ServerMessage } from './server-messages.js'
import { frozenV1Vectors, invalidVectors, validVectors } from './vectors.js'

const unions = { client: ClientMessage, server: ServerMessage, peer: PeerMessage }
const decoders = { client: decodeClient, server: decodeServer, peer: decodePeer }

describe('golden vectors', () => {
  it('has vectors of both kinds from every sender', () => {
    const all = [...validVectors(), ...invalidVectors()]
    expect(new Set(all.map((v) => `${v.error ? 'invalid' : 'valid'}:${v.from}`)).size).toBe(6)
  })

  it.each(validVectors().map((v) => [v.name, v] as const))('valid %s decodes', (_name, vector) => {
    const result = decode(vector.frame, vector.from)
    expect(result).toEqual({ ok: true, message: JSON.parse(vector.frame) })
    // Cross-check the per-type dispatch against the whole union, as TypeBox's own tests do.
    expect(Value.Check(unions[vector.from], JSON.parse(vector.frame))).toBe(true)
  })

  it.each(invalidVectors().map((v) => [v.name, v] as const))('invalid %s is rejected precisely', (_name, vector) => {
    const result = decode(vector.frame, vector.from)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe(vector.error?.code)
    expect(result.error.path).toBe(vector.error?.path)
    expect(result.error.message.length).toBeGreaterThan(0)
    if (vector.error?.code !== 'bad-json') {
      expect(Value.Check(unions[vector.from], JSON.parse(vector.frame))).toBe(false)
    }
  })
})

describe('per-sender decoders', () => {
  it('give the same result as decode(text, sender) for every vector', () => {
    for (const vector of [...validVectors(), ...invalidVectors()]) {
      expect(decoders[vector.from](vector.frame), vector.name).toEqual(decode(vector.frame, vector.from))
    }
  })

  it('know only their own sender’s messages', () => {
    expect(decodeServer('{"type":"join","room":"r"}')).toMatchObject({ ok: false, error: { code: 'unknown-type', path: '/type' } })
    expect(decodeClient('{"type":"draining"}')).toMatchObject({ ok: false, error: { code: 'unknown-type' } })
    expect(decodePeer('{"type":"ping","id":1}')).toMatchObject({ ok: false, error: { code: 'unknown-type' } })
  })
})

describe('decode', () => {
  it('names the offending message type in ref', () => {
    const result = decode('{"type":"join","room":"no spaces"}', 'client')
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-message', path: '/room', ref: 'join' } })
  })

  it('explains a value that fits no branch of a union field', () => {
    const result = decode('{"type":"offer","sdp":true}', 'client')
    expect(result).toMatchObject({ ok: false, error: { path: '/sdp' } })
    if (!result.ok) expect(result.error.message).toMatch(/offer description/)
  })

  it('does not echo an unbounded unknown type back', () => {
    const result = decode(JSON.stringify({ type: 'x'.repeat(10_000) }), 'client')
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.ref?.length).toBeLessThanOrEqual(65)
  })

  it('ignores prototype keys as types', () => {
    for (const type of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const result = decode(JSON.stringify({ type }), 'client')
      expect(result).toMatchObject({ ok: false, error: { code: 'unknown-type' } })
    }
  })

  it('survives deep nesting without throwing', () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`
    expect(decode(deep, 'client')).toMatchObject({ ok: false, error: { code: 'invalid-message' } })
    const deepField = `{"type":"join","room":${'['.repeat(5000)}${']'.repeat(5000)}}`
    expect(decode(deepField, 'client')).toMatchObject({ ok: false, error: { code: 'invalid-message', path: '/room' } })
  })

  it('round-trips through encode', () => {
    const message = { type: 'ping', id: 3 } as const
    expect(decode(encode(message), 'client')).toEqual({ ok: true, message })
  })
})

describe('normalizeName', () => {
  it('gives the NFC form, so look-alike names are the same text', () => {
    expect(normalizeName('Rene\u0301')).toBe('Ren\u00e9')
    expect(normalizeName('Ren\u00e9')).toBe('Ren\u00e9')
  })
})

describe('peer frames', () => {
  it('refuses an over-long text frame before parsing it', () => {
    const frame = JSON.stringify({ type: 'chat', id: 'm', text: 'x', sentAt: 1, pad: 'y'.repeat(PEER_LIMITS.textFrameLength) })
    expect(decode(frame, 'peer')).toMatchObject({ ok: false, error: { code: 'invalid-message', path: '' } })
  })

  it('round-trips a file chunk and refuses frames shorter than the header or longer than a chunk', () => {
    const chunk = encodeChunk(0xfeed_beef, new Uint8Array([1, 2, 3]))
    expect(decodeChunk(chunk)).toEqual({ id: 0xfeed_beef, payload: new Uint8Array([1, 2, 3]) })
    expect(decodeChunk(new Uint8Array(3))).toBeUndefined()
    expect(decodeChunk(new Uint8Array(PEER_LIMITS.chunkFrameBytes + 1))).toBeUndefined()
  })
})

describe('shared helpers', () => {
  it('checks room names with the schema’s rule', () => {
    expect(isRoomName('quiet-otter-7h3k_p2xw')).toBe(true)
    for (const bad of ['', 'a b', 'x'.repeat(65), 'ünïcode', 'a/b']) expect(isRoomName(bad)).toBe(false)
  })

  it('unpacks the legacy forms of descriptions and candidates', () => {
    expect(descriptionOf({ type: 'offer', sdp: 'v=0' })).toEqual({ type: 'offer', sdp: 'v=0' })
    expect(descriptionOf({ type: 'answer', sdp: { type: 'answer', sdp: 'v=0' } })).toEqual({ type: 'answer', sdp: 'v=0' })
    expect(candidateOf({ type: 'candidate', candidate: 'candidate:1', sdpMid: '0', sdpMLineIndex: 0 })).toEqual({ candidate: 'candidate:1', sdpMid: '0', sdpMLineIndex: 0 })
    expect(candidateOf({ type: 'candidate', candidate: null })).toBeNull()
    expect(candidateOf({ type: 'candidate', candidate: { candidate: 'c', sdpMid: null } })).toEqual({ candidate: 'c', sdpMid: null })
  })
})

describe('subprotocol negotiation', () => {
  it('picks peerlane.v1, accepts a client that offers none, and refuses only unknown Peerlane versions', () => {
    expect(SUBPROTOCOLS).toEqual(['peerlane.v1'])
    expect(chooseSubprotocol(['peerlane.v2', 'peerlane.v1'])).toEqual({ ok: true, protocol: 'peerlane.v1' })
    expect(chooseSubprotocol([])).toEqual({ ok: true, protocol: undefined })
    expect(chooseSubprotocol(['chat'])).toEqual({ ok: true, protocol: undefined })
    const refused = chooseSubprotocol(['peerlane.v9'])
    expect(refused.ok).toBe(false)
    if (!refused.ok) expect(refused.reason).toMatch(/peerlane\.v9.*speaks peerlane\.v1/)
  })
})

describe('frozen v1 vectors', () => {
  it.each(frozenV1Vectors().map((v) => [v.name, v] as const))('%s still decodes', (_name, vector) => {
    expect(decode(vector.frame, vector.from).ok).toBe(true)
  })
})

import { describe, expect, it } from 'vitest'
import { controlEnvelope, deliveryEnvelope, parseEnvelope } from './envelope.js'

describe('cluster envelopes', () => {
  it('carries a frame byte for byte, as a string or as spliced bytes', () => {
    const frame = Buffer.from('{"type":"offer","sdp":{"type":"offer","sdp":"v=0\\r\\n"},"from":"abc"}')
    for (const given of [frame, frame.toString()]) {
      const parsed = parseEnvelope(deliveryEnvelope('room-1', 'peer_-1', given, 1, 1234))
      expect(parsed).toMatchObject({ kind: 'deliver', hops: 1, sentAt: 1234, room: 'room-1', peerId: 'peer_-1' })
      expect(parsed?.kind === 'deliver' && parsed.frame.equals(frame)).toBe(true)
    }
  })

  it('carries control messages', () => {
    const control = { k: 'left', node: 'n1', room: 'r', peerId: 'p', reason: 'replaced' } as const
    expect(parseEnvelope(controlEnvelope(control, 99))).toEqual({ kind: 'control', sentAt: 99, control })
  })

  it('drops anything malformed without throwing', () => {
    for (const raw of ['', 'D', 'X1 2\n', 'D0 1 room\nframe', 'C5\n{not json', 'C5\n"text"', 'C5\n{"k":1,"node":"n"}', 'C5\nnull', '\n\n\n']) {
      expect(parseEnvelope(Buffer.from(raw))).toBeUndefined()
    }
  })
})

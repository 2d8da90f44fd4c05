import { decode } from '@peerlane/protocol/codec'
import { describe, expect, it } from 'vitest'
import { buildTemplate, kindOf, readStamp, stampFrame } from './load-frames.js'

describe('load frames', () => {
  it.each(['offer', 'answer', 'candidate'] as const)('a stamped %s is a valid client message whose stamp reads back', (kind) => {
    const frame = stampFrame(buildTemplate(kind, 'AAAAAAAAAAAA'), { seq: 4_294_967_295, sentAtMicros: 1_234_567_890_123 })
    expect(decode(frame.toString(), 'client')).toMatchObject({ ok: true, message: { type: kind, to: 'AAAAAAAAAAAA' } })
    expect(readStamp(frame)).toEqual({ seq: 4_294_967_295, sentAtMicros: 1_234_567_890_123 })
  })

  it.each(['offer', 'answer', 'candidate'] as const)('a stamped PeerJS %s addresses its peer with dst and carries the stamp in its payload', (kind) => {
    const frame = stampFrame(buildTemplate(kind, 'peer-b', 'peerjs'), { seq: 3, sentAtMicros: 5 })
    const message = JSON.parse(frame.toString()) as { type: string; dst: string; payload: Record<string, unknown> }
    expect(message).toMatchObject({ type: kind.toUpperCase(), dst: 'peer-b', payload: { type: 'media' } })
    expect(message.payload[kind === 'candidate' ? 'candidate' : 'sdp']).toBeDefined()
    // A PeerJS server relays {type, src, dst, payload} re-serialised.
    expect(readStamp(Buffer.from(JSON.stringify({ ...message, src: 'peer-a' })))).toEqual({ seq: 3, sentAtMicros: 5 })
  })

  it('keeps the stamp readable after a relay re-serialises the message', () => {
    const frame = stampFrame(buildTemplate('offer', undefined), { seq: 7, sentAtMicros: 9 })
    const relayed = Buffer.from(JSON.stringify({ ...JSON.parse(frame.toString()), from: 'x' }))
    expect(readStamp(relayed)).toEqual({ seq: 7, sentAtMicros: 9 })
  })

  it('finds no stamp in other frames', () => {
    expect(readStamp(Buffer.from('{"type":"peer-joined","peer":{"peerId":"x"}}'))).toBeUndefined()
  })

  it('mixes one offer and one answer with ten candidates', () => {
    const kinds = Array.from({ length: 12 }, (_, seq) => kindOf(seq))
    expect(kinds.filter((k) => k === 'candidate')).toHaveLength(10)
    expect(kinds.slice(0, 2)).toEqual(['offer', 'answer'])
  })
})

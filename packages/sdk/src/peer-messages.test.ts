import { describe, expect, it } from 'vitest'
import {
  CHUNK_FRAME_BYTES,
  decodeChunk,
  decodeControlFrame,
  decodeFileControlFrame,
  encodeChunk,
  MAX_CHAT_LENGTH,
} from './peer-messages.js'

describe('peer messages', () => {
  it('accepts well-formed control frames and drops everything else', () => {
    const chat = { type: 'chat', id: 'a-1', text: 'hi', sentAt: 1 }
    expect(decodeControlFrame(JSON.stringify(chat))).toEqual(chat)
    const state = { type: 'media-state', audioMuted: true, videoOff: false, screenStreamId: null }
    expect(decodeControlFrame(JSON.stringify(state))).toEqual(state)
    for (const bad of [
      'not json',
      '[]',
      JSON.stringify({ ...chat, text: 'x'.repeat(MAX_CHAT_LENGTH + 1) }),
      JSON.stringify({ ...chat, sentAt: 'now' }),
      JSON.stringify({ ...state, audioMuted: 'yes' }),
      JSON.stringify({ type: 'file-offer', id: 1, name: 'a', size: 1, mimeType: '' }),
    ]) {
      expect(decodeControlFrame(bad), bad.slice(0, 40)).toBeUndefined()
    }
  })

  it('accepts well-formed file frames and drops everything else', () => {
    const offer = { type: 'file-offer', id: 7, name: 'a.bin', size: 10, mimeType: 'application/octet-stream' }
    expect(decodeFileControlFrame(JSON.stringify(offer))).toEqual(offer)
    const end = { type: 'file-end', id: 7, sha256: 'a'.repeat(64) }
    expect(decodeFileControlFrame(JSON.stringify(end))).toEqual(end)
    for (const bad of [
      { ...offer, id: -1 },
      { ...offer, size: 1.5 },
      { ...end, sha256: 'A'.repeat(64) },
      { type: 'file-cancel', id: 7, side: 'both' },
      { type: 'file-received', id: 7 },
      { type: 'chat', id: 7 },
    ]) {
      expect(decodeFileControlFrame(JSON.stringify(bad)), JSON.stringify(bad)).toBeUndefined()
    }
  })

  it('round-trips a chunk and keeps whole frames within 16 KiB', () => {
    const payload = new Uint8Array(CHUNK_FRAME_BYTES - 4).fill(9)
    const frame = encodeChunk(0xfffffffe, payload)
    expect(frame.length).toBe(CHUNK_FRAME_BYTES)
    const decoded = decodeChunk(frame)
    expect(decoded?.id).toBe(0xfffffffe)
    expect(decoded?.payload).toEqual(payload)
    expect(decodeChunk(new Uint8Array(3))).toBeUndefined()
  })
})

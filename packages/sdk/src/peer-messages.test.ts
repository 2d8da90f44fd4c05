import { describe, expect, it } from 'vitest'
import {
  CHUNK_FRAME_BYTES,
  decodeChunk,
  decodeControlFrame,
  decodeFileControlFrame,
  encodeChunk,
  MAX_CHAT_LENGTH,
  MAX_TEXT_FRAME_LENGTH,
  truncateText,
  utf8Length,
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

  it('decodes accept, decline and stalled-cancel frames, and refuses unknown reasons', () => {
    for (const good of [
      { type: 'file-accept', id: 3 },
      { type: 'file-decline', id: 3, reason: 'too-large' },
      { type: 'file-cancel', id: 3, side: 'receiver', reason: 'stalled' },
    ]) {
      expect(decodeFileControlFrame(JSON.stringify(good))).toEqual(good)
    }
    for (const bad of [
      { type: 'file-accept', id: 'x' },
      { type: 'file-decline', id: 3, reason: 'bored' },
      { type: 'file-decline', id: 3 },
      { type: 'file-cancel', id: 3, side: 'sender', reason: 'tired' },
    ]) {
      expect(decodeFileControlFrame(JSON.stringify(bad)), JSON.stringify(bad)).toBeUndefined()
    }
  })

  it('bounds fields in bytes as well as characters, and whole frames before parsing', () => {
    const chat = { type: 'chat', id: 'a-1', text: 'hi', sentAt: 1 }
    // 40 characters, 80 bytes: within the character count, over the id's 64 bytes.
    expect(decodeControlFrame(JSON.stringify({ ...chat, id: 'é'.repeat(40) }))).toBeUndefined()
    expect(decodeControlFrame(JSON.stringify({ ...chat, id: 'e'.repeat(64) }))).toBeDefined()
    const offer = { type: 'file-offer', id: 1, name: 'a', size: 1, mimeType: 'é'.repeat(200) }
    expect(decodeFileControlFrame(JSON.stringify(offer))).toBeUndefined()
    const padded = JSON.stringify(chat).replace('{', `{${' '.repeat(MAX_TEXT_FRAME_LENGTH)}`)
    expect(JSON.parse(padded)).toEqual(chat)
    expect(decodeControlFrame(padded)).toBeUndefined()
  })

  it('cuts text to a char and byte bound without splitting a surrogate pair', () => {
    expect(truncateText('abcdef', 4, 100)).toBe('abcd')
    expect(truncateText('😀😀😀', 3, 100)).toBe('😀')
    const cut = truncateText('é'.repeat(300), 255, 100)
    expect(utf8Length(cut)).toBeLessThanOrEqual(100)
    expect(cut).toBe('é'.repeat(50))
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

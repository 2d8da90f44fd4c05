import { EventEmitter } from 'node:events'
import { decode } from '@peerlane/protocol'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createIceServerSource } from './ice-server-source.js'
import { turnCredential } from './turn-credentials.js'

const STUN = { urls: 'stun:stun.example.com:3478' }
const TURN = { secret: 'a-turn-secret-of-16+', urls: ['turn:127.0.0.1:3478?transport=udp', 'turns:turn.example.com:5349'], ttlSeconds: 100 }
const T0 = Date.UTC(2026, 0, 1)

describe('createIceServerSource', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    vi.setSystemTime(T0)
  })
  afterEach(() => vi.useRealTimers())

  /** A socket stand-in (only its close matters) and every frame "sent" on it. */
  const socket = () => {
    const emitter = new EventEmitter()
    const frames: unknown[] = []
    let open = true
    const send = (frame: string): boolean => {
      if (!open) return false
      const decoded = decode(frame, 'server')
      if (!decoded.ok) throw new Error(`invalid frame ${frame}`)
      frames.push(decoded.message)
      return true
    }
    const close = () => {
      open = false
      emitter.emit('close')
    }
    return { emitter, frames, send, close }
  }

  it('without TURN hands out the static list and schedules nothing', () => {
    const source = createIceServerSource([STUN], undefined)
    const s = socket()
    expect(source({ peerId: 'p1' }, s.send, s.emitter)).toEqual([STUN])
    expect(vi.getTimerCount()).toBe(0)
    expect(s.emitter.listenerCount('close')).toBe(0)
  })

  it('appends TURN with credentials for the identity (else the peer id) expiring after the TTL', () => {
    const source = createIceServerSource([STUN], TURN)
    const s = socket()
    const expiry = T0 / 1000 + 100
    expect(source({ peerId: 'p1', identity: 'alice' }, s.send, s.emitter)).toEqual([
      STUN,
      { urls: TURN.urls, ...turnCredential(TURN.secret, 'alice', 'p1', expiry) },
    ])
    expect(source({ peerId: 'p2' }, s.send, socket().emitter)[1]).toMatchObject({ username: `${expiry}:p2` })
  })

  it('renews before expiry with ice-servers, again and again, and stops when the socket closes', () => {
    const source = createIceServerSource([], TURN)
    const s = socket()
    source({ peerId: 'p1' }, s.send, s.emitter)
    vi.advanceTimersByTime(79_999)
    expect(s.frames).toEqual([])
    vi.advanceTimersByTime(1)
    // Sent 80 s in, 20 s before the first credential expires, with a new one good for 100 s.
    expect(s.frames).toEqual([{ type: 'ice-servers', iceServers: [{ urls: TURN.urls, ...turnCredential(TURN.secret, '', 'p1', T0 / 1000 + 180) }] }])
    vi.advanceTimersByTime(80_000)
    expect(s.frames).toHaveLength(2)
    expect(s.frames[1]).toMatchObject({ iceServers: [{ username: `${T0 / 1000 + 260}:p1` }] })
    s.close()
    expect(vi.getTimerCount()).toBe(0)
    vi.advanceTimersByTime(1_000_000)
    expect(s.frames).toHaveLength(2)
  })

  it('keeps one schedule per socket: a second welcome on it replaces the first', () => {
    const source = createIceServerSource([], TURN)
    const s = socket()
    source({ peerId: 'p1' }, s.send, s.emitter)
    vi.advanceTimersByTime(50_000)
    source({ peerId: 'p2' }, s.send, s.emitter)
    expect(vi.getTimerCount()).toBe(1)
    expect(s.emitter.listenerCount('close')).toBe(1)
    vi.advanceTimersByTime(30_000)
    expect(s.frames).toEqual([])
    vi.advanceTimersByTime(50_000)
    expect(s.frames).toEqual([{ type: 'ice-servers', iceServers: [expect.objectContaining({ username: `${T0 / 1000 + 230}:p2` })] }])
  })
})

import { describe, expect, it } from 'vitest'
import { RoomRegistry, createPeerId, type Member } from './rooms.js'

const member = (peerId: string): Member => ({ peerId, send: () => {} })

describe('RoomRegistry', () => {
  it('creates rooms on join, deletes them once empty, and counts peers', () => {
    const rooms = new RoomRegistry(10)
    const a = member('a')
    const b = member('b')
    expect(rooms.join('r', a)).toEqual({ ok: true })
    expect(rooms.others('r', 'b')).toEqual([a])
    expect(rooms.join('r', b)).toEqual({ ok: true })
    expect([rooms.has('r'), rooms.has('s'), rooms.roomCount]).toEqual([true, false, 1])
    expect(rooms.stats()).toEqual({ rooms: 1, peers: 2 })
    expect(rooms.others('r', 'a')).toEqual([b])
    expect(rooms.leave('r', a)).toEqual([b])
    expect(rooms.leave('r', b)).toEqual([])
    expect(rooms.stats()).toEqual({ rooms: 0, peers: 0 })
  })

  it('enforces the room capacity per room', () => {
    const rooms = new RoomRegistry(1)
    rooms.join('r', member('a'))
    expect(rooms.join('r', member('b'))).toEqual({ ok: false, code: 'room-full' })
    expect(rooms.join('s', member('b')).ok).toBe(true)
  })

  it('finds members only in their own room', () => {
    const rooms = new RoomRegistry(5)
    const a = member('a')
    rooms.join('r', a)
    expect(rooms.member('r', 'a')).toBe(a)
    expect(rooms.member('s', 'a')).toBeUndefined()
  })
})

describe('createPeerId', () => {
  it('makes distinct 12-character base64url ids', () => {
    const ids = new Set(Array.from({ length: 1000 }, createPeerId))
    expect(ids.size).toBe(1000)
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{12}$/)
  })
})

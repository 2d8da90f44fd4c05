import {
  encode,
  type RelayMessage,
  type RelayedAnswer,
  type RelayedCandidate,
  type RelayedOffer,
} from '@peerlane/protocol'
import type { Member, Recipient, RoomRegistry } from './rooms.js'

export type Relayed = RelayedOffer | RelayedAnswer | RelayedCandidate

export type RelayResult = { readonly ok: true; readonly delivered: number } | { readonly ok: false; readonly code: 'unknown-peer' }

export interface RelayOptions {
  /** Also deliver a broadcast to the room's lobby listeners (tutorial clients that have not spoken yet). */
  readonly toLobby: boolean
}

/**
 * The relayed frame is the client's message minus `to`, with `from` set to the sender's real
 * id: a client-sent `from` is dropped, never trusted. Everything else (legacy string `sdp`, flat
 * candidate fields) travels exactly as sent.
 */
export function stamp(message: RelayMessage, from: string): Relayed {
  // The message was parsed for this relay alone, so it is stamped in place: `to` set to
  // undefined is left out by JSON.stringify, and copying the object costs more on a hot path.
  const stamped = message as RelayMessage & { from: string }
  stamped.to = undefined
  stamped.from = from
  return stamped as Relayed
}

/** Routes a relay message from `sender` inside `room`: to the peer named by `to`, else to everyone else. */
export function relay(registry: RoomRegistry, room: string, sender: Member, message: RelayMessage, options: RelayOptions): RelayResult {
  const { to } = message
  if (to !== undefined) {
    // Only members of the sender's own room are addressable: other rooms stay invisible.
    const target = to === sender.peerId ? undefined : registry.member(room, to)
    if (!target) return { ok: false, code: 'unknown-peer' }
    target.send(encode(stamp(message, sender.peerId)))
    return { ok: true, delivered: 1 }
  }
  const frame = encode(stamp(message, sender.peerId))
  const recipients: Recipient[] = registry.others(room, sender.peerId)
  if (options.toLobby) recipients.push(...registry.listeners(room))
  for (const recipient of recipients) recipient.send(frame)
  return { ok: true, delivered: recipients.length }
}

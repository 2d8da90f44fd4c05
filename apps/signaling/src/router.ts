import {
  encode,
  type RelayMessage,
  type RelayedAnswer,
  type RelayedCandidate,
  type RelayedOffer,
} from '@peerlane/protocol'
import { spliceRelayed } from './relay-frame.js'
import type { Frame, Member, Recipient, RoomRegistry } from './rooms.js'

export type Relayed = RelayedOffer | RelayedAnswer | RelayedCandidate

export interface RelayOptions {
  /** Also deliver a broadcast to the room's lobby listeners (tutorial clients that have not spoken yet). */
  readonly toLobby: boolean
}

/**
 * The relayed frame is the client's message minus `to`, with `from` set to the sender's real
 * id: a client-sent `from` is replaced, never trusted. Everything else (legacy string `sdp`, flat
 * candidate fields) travels exactly as sent: spliced from the client's bytes (relay-frame.ts), or
 * re-encoded when those are not in JSON.stringify's form.
 */
export function relayedFrame(frame: ReceivedFrame, message: RelayMessage, from: string): Frame {
  return spliceRelayed(frame.bytes, frame.text, from) ?? encode(stamp(message, from))
}

/** A frame as received: its bytes and their UTF-8 text. */
export interface ReceivedFrame {
  readonly bytes: Buffer
  readonly text: string
}

function stamp(message: RelayMessage, from: string): Relayed {
  // The message was parsed for this relay alone, so it is stamped in place: `to` set to
  // undefined is left out by JSON.stringify, and copying the object costs more.
  const stamped = message as RelayMessage & { from: string }
  stamped.to = undefined
  stamped.from = from
  return stamped as Relayed
}

/**
 * Routes a relay message from `sender` inside `room` (`frame` is the frame it came in): to the
 * peer named by `to`, else to everyone else. Returns how many it was delivered to.
 */
export function relay(registry: RoomRegistry, room: string, sender: Member, message: RelayMessage, frame: ReceivedFrame, options: RelayOptions): number | 'unknown-peer' {
  const { to } = message
  if (to !== undefined) {
    // Only members of the sender's own room are addressable: other rooms stay invisible.
    const target = to === sender.peerId ? undefined : registry.member(room, to)
    if (!target) return 'unknown-peer'
    target.send(relayedFrame(frame, message, sender.peerId))
    return 1
  }
  const relayed = relayedFrame(frame, message, sender.peerId)
  const recipients: Recipient[] = registry.others(room, sender.peerId)
  if (options.toLobby) recipients.push(...registry.listeners(room))
  for (const recipient of recipients) recipient.send(relayed)
  return recipients.length
}

// What nodes publish to each other's channel. A frame for a peer travels as its bytes, untouched
// (the relayed frame was already stamped with `from` by the sender's node), behind a short text
// header; everything else is a small JSON control message.
//
//   D<hops> <sentAt> <room> <peerId>\n<frame bytes>
//   C<sentAt>\n<control JSON>
//
// Room names and peer ids never contain spaces or newlines (the protocol's patterns).
import type { ModerationEvent, ModerationSnapshot } from '../room-moderation.js'
import type { Frame } from '../rooms.js'
import type { ClusterPeer } from './cluster.js'

/** Control messages between nodes; `node` is always the sender's id. */
export type Control =
  /**
   * A peer of `node` is in `room` (joined, resumed there, or re-registered after a Redis outage);
   * `state` when its join made it a host (members hear `room-state` after `peer-joined`).
   */
  | { readonly k: 'up'; readonly node: string; readonly room: string; readonly peerId: string; readonly name?: string | undefined; readonly state?: ModerationSnapshot | undefined }
  /** A peer of `node` left `room` for good. */
  | { readonly k: 'left'; readonly node: string; readonly room: string; readonly peerId: string; readonly reason: 'left' | 'disconnected' | 'replaced'; readonly by?: string | undefined }
  /** `room`'s moderation changed: this node's members hear what `event` says. */
  | { readonly k: 'mod'; readonly node: string; readonly room: string; readonly state: ModerationSnapshot; readonly event?: ModerationEvent | undefined }
  /** A host admitted this node's knock `peerId`; `members` is the room after it. */
  | { readonly k: 'admitted'; readonly node: string; readonly room: string; readonly peerId: string; readonly by: string; readonly members: ClusterPeer[]; readonly state: ModerationSnapshot }
  /** A host denied this node's knock `peerId`. */
  | { readonly k: 'denied'; readonly node: string; readonly room: string; readonly peerId: string }
  /** A host (`by`) removed this node's session `peerId` (its tokens are revoked already). */
  | { readonly k: 'remove'; readonly node: string; readonly room: string; readonly peerId: string; readonly by: string }
  /** End this node's session of `identity` in `room` (it was replaced on `node`). */
  | { readonly k: 'evict'; readonly node: string; readonly room: string; readonly identity: string; readonly peerId: string }
  /** `node` resumed a session this node held: hand over its queued frames. */
  | { readonly k: 'take'; readonly node: string; readonly room: string; readonly peerId: string }
  /** The answer to `take`. */
  | { readonly k: 'handed'; readonly node: string; readonly room: string; readonly peerId: string; readonly frames: string[]; readonly overflowed: boolean }

export type Envelope =
  | { readonly kind: 'deliver'; readonly sentAt: number; readonly hops: number; readonly room: string; readonly peerId: string; readonly frame: Buffer }
  | { readonly kind: 'control'; readonly sentAt: number; readonly control: Control }

const NEWLINE = 0x0a

export function deliveryEnvelope(room: string, peerId: string, frame: Frame, hops: number, now: number): Buffer {
  const header = `D${hops} ${now} ${room} ${peerId}\n`
  return typeof frame === 'string' ? Buffer.from(header + frame) : Buffer.concat([Buffer.from(header), frame])
}

export function controlEnvelope(control: Control, now: number): Buffer {
  return Buffer.from(`C${now}\n${JSON.stringify(control)}`)
}

/** The envelope in `message`; undefined for anything malformed (dropped, never thrown). */
export function parseEnvelope(message: Buffer): Envelope | undefined {
  const end = message.indexOf(NEWLINE)
  if (end < 2) return undefined
  const header = message.toString('latin1', 1, end)
  if (message[0] === 0x44 /* D */) {
    const [hops, sentAt, room, peerId] = header.split(' ')
    if (hops === undefined || sentAt === undefined || !room || !peerId) return undefined
    return { kind: 'deliver', hops: Number(hops), sentAt: Number(sentAt), room, peerId, frame: message.subarray(end + 1) }
  }
  if (message[0] !== 0x43 /* C */) return undefined
  try {
    const control = JSON.parse(message.toString('utf8', end + 1)) as Control
    return typeof control?.k === 'string' && typeof control.node === 'string' ? { kind: 'control', sentAt: Number(header), control } : undefined
  } catch {
    return undefined
  }
}

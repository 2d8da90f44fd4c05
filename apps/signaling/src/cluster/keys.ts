// Every Redis key and channel of cluster mode, in one place. Room names and peer ids are
// [A-Za-z0-9_-] (the protocol's patterns), so they need no escaping in keys.

const PREFIX = 'peerlane:'

export const KEYS = {
  /** Set of node ids that registered (some may be dead: their liveness key tells). */
  nodes: `${PREFIX}nodes`,
  /** Hash peerId → JSON {n: node, m?: name, i?: identity} of one room. */
  members: (room: string) => `${PREFIX}room:${room}:members`,
  /** Hash identity → peerId of one room. */
  identities: (room: string) => `${PREFIX}room:${room}:identities`,
  /** Exists while the node lives (SET … PX, renewed on every heartbeat). */
  alive: (node: string) => `${PREFIX}node:${node}:alive`,
  /** Set of "room peerId" a node holds, so survivors can clean up after it. */
  nodePeers: (node: string) => `${PREFIX}node:${node}:peers`,
  /** Sorted set of peer ids whose resume tokens `leave` revoked, scored by when the last one expires (ms). */
  revoked: `${PREFIX}revoked`,
  /** The pub/sub channel a node listens on: everything for its peers comes here. */
  channel: (node: string) => `${PREFIX}node:${node}`,
} as const

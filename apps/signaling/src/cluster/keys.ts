// Every Redis key and channel of cluster mode, in one place (the Lua scripts build the same
// names from PREFIX). Room names and peer ids are [A-Za-z0-9_-] (the protocol's patterns), so
// they need no escaping in keys.

export const PREFIX = 'peerlane:'

export const KEYS = {
  /** Set of node ids that registered (some may be dead: their liveness key tells). */
  nodes: `${PREFIX}nodes`,
  /** Hash peerId → JSON {n: node, m?: name, i?: identity, a: arrival seq} of one room. */
  members: (room: string) => `${PREFIX}room:${room}:members`,
  /** Hash identity → peerId of one room. */
  identities: (room: string) => `${PREFIX}room:${room}:identities`,
  /** Hash of one room's moderation: `locked`, `v` (version), `seq` (arrival counter). */
  state: (room: string) => `${PREFIX}room:${room}:state`,
  /** Hash peerId → "<seq>:<admin|host>" of one room's hosts. */
  hosts: (room: string) => `${PREFIX}room:${room}:hosts`,
  /** Hash peerId → JSON {n: node, m?: name, i?: identity, a: seq} of one room's waiting knocks. */
  knocks: (room: string) => `${PREFIX}room:${room}:knocks`,
  /** Counter every moderation change takes its version from, so versions only grow. */
  version: `${PREFIX}version`,
  /** Exists while the node lives (SET … PX, renewed on every heartbeat). */
  alive: (node: string) => `${PREFIX}node:${node}:alive`,
  /** Set of "room peerId" a node holds (sessions and knocks), so survivors can clean up after it. */
  nodePeers: (node: string) => `${PREFIX}node:${node}:peers`,
  /** Sorted set of peer ids whose resume tokens `leave` revoked, scored by when the last one expires (ms). */
  revoked: `${PREFIX}revoked`,
  /** The pub/sub channel a node listens on: everything for its peers comes here. */
  channel: (node: string) => `${PREFIX}node:${node}`,
} as const

/** The wire protocol version. A server announces it in `welcome`; it changes only with a breaking wire change. */
export const PROTOCOL_VERSION = 1 as const
export type ProtocolVersion = typeof PROTOCOL_VERSION

/** The peer protocol version, exchanged in `hello` when two SDKs' control channel opens. */
export const PEER_PROTOCOL_VERSION = 1 as const
export type PeerProtocolVersion = typeof PEER_PROTOCOL_VERSION

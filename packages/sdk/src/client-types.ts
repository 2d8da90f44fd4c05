import type { PeerLeftReason } from '@peerlane/protocol/codec'
import type { BackoffOptions } from './backoff.js'
import type { ChatMessage, ChatRateLimit } from './chat.js'
import type { PeerConnectionConstructor, WebSocketConstructor } from './environment.js'
import type { PeerlaneError } from './errors.js'
import type { FileLimits, IncomingFileTransfer } from './file-transfer.js'
import type { MediaState } from './local-media.js'
import type { Logger, LogLevel } from './logger.js'
import type { QualityPreset } from './quality.js'
import type { PeerStreams, RemotePeer } from './remote-peer.js'

// The room's public types: its options, what `join` takes and returns, and its events.

/** `reconnecting`: the signaling socket dropped; peer connections (and media) carry on meanwhile. */
export type ClientState = 'idle' | 'connecting' | 'joined' | 'reconnecting' | 'closed'

export interface PeerlaneClientOptions {
  /**
   * The signaling server's WebSocket URL, e.g. `wss://example.com/ws`; or the URLs of several
   * nodes of one cluster: after a drop each reconnect attempt (with the usual backoff) tries the
   * next, and resumes the session there.
   */
  readonly url: string | readonly string[]
  /** ICE servers to use instead of the ones the server announces in `welcome` (and later renews). */
  readonly iceServers?: RTCIceServer[]
  /** `'relay'` forces every call through TURN (the server's credentials from `welcome`). Default `'all'`. */
  readonly iceTransportPolicy?: RTCIceTransportPolicy
  /** Defaults to the platform's `WebSocket`; inject `ws`'s in Node. */
  readonly WebSocket?: WebSocketConstructor
  /** Defaults to the platform's `RTCPeerConnection`; inject e.g. werift's in Node. */
  readonly RTCPeerConnection?: PeerConnectionConstructor
  /** Reconnect backoff after the signaling socket drops, or `false` to end the call instead. */
  readonly reconnect?: Partial<BackoffOptions> | false
  /** How long a peer missing after a resume may take to come back before it counts as gone. Default 20000 ms. */
  readonly resumeGraceMs?: number
  /** How long ICE may stay `disconnected` before the SDK restarts it. Default 4000 ms. */
  readonly iceDisconnectedRestartMs?: number
  /** Silence on the signaling socket after which it is presumed dead and replaced. Default 30000 ms. */
  readonly keepaliveTimeoutMs?: number
  /**
   * The server's frame limit (its `maxPayload`), in UTF-8 bytes of an encoded frame. An offer or
   * answer that would not fit (or exceeds the protocol's SDP cap) is rolled back and reported as
   * `negotiation-failed` for that peer instead of being sent. Default 65536, the server's default.
   */
  readonly maxFrameBytes?: number
  /** Limits on files peers send you (size, concurrent offers per peer, stall timeout); see `FileLimits`. */
  readonly files?: Partial<FileLimits>
  /** Per-peer limit on incoming chat; excess is dropped and reported by `chat-dropped`. */
  readonly chatRate?: Partial<ChatRateLimit>
  readonly logLevel?: LogLevel
  readonly logger?: Logger
}

export interface JoinOptions {
  readonly name?: string
  /** Tracks to send to every peer. Without one, the client only receives. */
  readonly stream?: MediaStream
  readonly token?: string
}

export interface JoinInfo {
  readonly peerId: string
  readonly room: string
  readonly peers: readonly RemotePeer[]
}

export interface TrackEvent {
  readonly peer: RemotePeer
  readonly track: MediaStreamTrack
  readonly streams: readonly MediaStream[]
}

export interface SendFileOptions {
  /** A peer id or several; default everyone in the room. */
  readonly to?: string | readonly string[]
  /** Default the `File`'s own name, else `file`. */
  readonly name?: string
}

export interface ClientEvents {
  'peer-joined': (peer: RemotePeer) => void
  'peer-left': (peer: RemotePeer, reason: PeerLeftReason) => void
  track: (event: TrackEvent) => void
  /** A peer's camera or screen stream appeared, changed or went away (`peer.cameraStream`, `peer.screenStream`). */
  streams: (event: { readonly peer: RemotePeer } & PeerStreams) => void
  'connection-state': (event: { peer: RemotePeer; state: RTCPeerConnectionState }) => void
  state: (state: ClientState) => void
  /** The signaling session was resumed after a drop (`sameSession`: same peer id, connections kept). */
  resumed: (event: { sameSession: boolean }) => void
  /** The server is shutting down; the client reconnects and resumes on its own (show "reconnecting…"). */
  draining: (event: { reconnectAfterMs: number | undefined }) => void
  error: (error: PeerlaneError) => void
  /** A chat message from another participant (your own are returned by `sendMessage`). */
  message: (message: ChatMessage) => void
  'media-state': (event: { readonly peer: RemotePeer; readonly state: MediaState }) => void
  /** A participant started (`stream`) or stopped (`null`) sharing their screen. */
  'screen-share': (event: { readonly peer: RemotePeer; readonly stream: MediaStream | null }) => void
  /** Your own screen share started or stopped, including by the browser's "Stop sharing". */
  'local-screen-share': (stream: MediaStream | null) => void
  /**
   * A peer offers a file: call `accept()` to receive it or `decline()`. Offers over
   * `files.maxIncomingBytes`, or beyond `files.maxIncomingPerPeer` at once, are declined
   * before this fires.
   */
  file: (transfer: IncomingFileTransfer, peer: RemotePeer) => void
  /** Chat from `peer` went over the chat rate limit and was dropped; `dropped` counts all so far. */
  'chat-dropped': (event: { readonly peer: RemotePeer; readonly dropped: number }) => void
  /** The data channels to `peer` opened: chat, media state and files now reach them. */
  'channel-open': (peer: RemotePeer) => void
  /** `peer` announced another peer protocol version (`error.code` is `peer-incompatible`). */
  'peer-incompatible': (event: { readonly peer: RemotePeer; readonly error: PeerlaneError }) => void
  /** `peer` sent frames the peer protocol refuses (`peer-protocol-error`); at most once a second per peer. */
  'peer-protocol-error': (event: { readonly peer: RemotePeer; readonly error: PeerlaneError; readonly dropped: number }) => void
  /** The camera preset in effect changed (by `setVideoQuality` or, in `auto`, by the room size). */
  quality: (preset: QualityPreset) => void
}


/**
 * Pre-built relay frames for the load generator. Each frame carries a stamp — sequence number and
 * send time — at a fixed place inside its SDP or candidate text, where any relay passes it through
 * untouched. Sending copies a template and overwrites the stamp's digits; receiving finds the
 * stamp with one `Buffer.indexOf`, so the generator never builds or parses JSON per message.
 */
export type RelayKind = 'offer' | 'answer' | 'candidate'

/**
 * The message format: Peerlane's (`{type, to?, sdp | candidate}`), or the PeerJS server's
 * (`{type: 'OFFER' | 'ANSWER' | 'CANDIDATE', dst, payload}`, the payload shaped as the PeerJS
 * client sends it), so one generator drives both with the same SDP and candidate text.
 */
export type FrameDialect = 'peerlane' | 'peerjs'

const MARKER = 'x-seq:'
const MARKER_BYTES = Buffer.from(MARKER)
const SEQ_DIGITS = 10
const TIME_DIGITS = 13
/** `x-seq:SSSSSSSSSS:TTTTTTTTTTTTT` — sequence number, then send time in µs. */
const STAMP_PLACEHOLDER = `${MARKER}${'0'.repeat(SEQ_DIGITS)}:${'0'.repeat(TIME_DIGITS)}`

/** One call's worth of signaling: an offer, an answer, then trickled candidates. */
const KIND_CYCLE: readonly RelayKind[] = ['offer', 'answer', ...Array<RelayKind>(10).fill('candidate')]

export function kindOf(seq: number): RelayKind {
  return KIND_CYCLE[seq % KIND_CYCLE.length] ?? 'candidate'
}

export interface FrameTemplate {
  readonly bytes: Buffer
  /** Byte offset of the first sequence digit. */
  readonly stampOffset: number
}

export interface Stamp {
  readonly seq: number
  /** Send time, µs on the generator's `performance.now()` clock. */
  readonly sentAtMicros: number
}

/**
 * A frame of `kind`, addressed to `to` when given (Peerlane; PeerJS always addresses) or
 * broadcast (tutorial-style relays).
 */
export function buildTemplate(kind: RelayKind, to: string | undefined, dialect: FrameDialect = 'peerlane'): FrameTemplate {
  const bytes = Buffer.from(JSON.stringify(dialect === 'peerjs' ? peerjsMessage(kind, to) : peerlaneMessage(kind, to)))
  const offset = bytes.indexOf(MARKER_BYTES)
  return { bytes, stampOffset: offset + MARKER_BYTES.length }
}

/** A fresh copy of `template` carrying `stamp` (the copy matters: `ws` may still be sending the last one). */
export function stampFrame(template: FrameTemplate, stamp: Stamp): Buffer {
  const frame = Buffer.allocUnsafe(template.bytes.length)
  template.bytes.copy(frame)
  writeDigits(frame, template.stampOffset, SEQ_DIGITS, stamp.seq)
  writeDigits(frame, template.stampOffset + SEQ_DIGITS + 1, TIME_DIGITS, stamp.sentAtMicros)
  return frame
}

/** The stamp inside a received frame, or undefined for frames that carry none (errors, joins, …). */
export function readStamp(frame: Buffer): Stamp | undefined {
  const at = frame.indexOf(MARKER_BYTES)
  if (at < 0) return undefined
  const start = at + MARKER_BYTES.length
  const seq = readDigits(frame, start, SEQ_DIGITS)
  const sentAtMicros = readDigits(frame, start + SEQ_DIGITS + 1, TIME_DIGITS)
  return seq < 0 || sentAtMicros < 0 ? undefined : { seq, sentAtMicros }
}

function peerlaneMessage(kind: RelayKind, to: string | undefined): object {
  const address = to === undefined ? {} : { to }
  return kind === 'candidate'
    ? { type: kind, ...address, candidate: { candidate: candidateLine(), sdpMid: '0', sdpMLineIndex: 0 } }
    : { type: kind, ...address, sdp: { type: kind, sdp: sessionDescription(kind) } }
}

// What the PeerJS client (peerjs 1.x) sends for a media connection.
const PEERJS_CONNECTION = { type: 'media', connectionId: 'mc_relaytest0000' }

function peerjsMessage(kind: RelayKind, dst: string | undefined): object {
  const payload =
    kind === 'candidate'
      ? { candidate: { candidate: candidateLine(), sdpMid: '0', sdpMLineIndex: 0 }, ...PEERJS_CONNECTION }
      : { sdp: { type: kind, sdp: sessionDescription(kind) }, ...PEERJS_CONNECTION }
  return { type: kind.toUpperCase(), dst, payload }
}

function writeDigits(buffer: Buffer, offset: number, width: number, value: number): void {
  let rest = Math.max(0, Math.floor(value))
  for (let i = offset + width - 1; i >= offset; i--) {
    buffer[i] = 48 + (rest % 10)
    rest = Math.floor(rest / 10)
  }
}

function readDigits(buffer: Buffer, offset: number, width: number): number {
  if (offset + width > buffer.length) return -1
  let value = 0
  for (let i = offset; i < offset + width; i++) {
    const digit = (buffer[i] ?? 0) - 48
    if (digit < 0 || digit > 9) return -1
    value = value * 10 + digit
  }
  return value
}

// Sizes follow what browsers send for an audio+video call: a ~2.5 KB offer, a slightly smaller
// answer, ~200-byte candidates.
function sessionDescription(kind: 'offer' | 'answer'): string {
  const lines = [
    'v=0',
    'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1',
    'a=extmap-allow-mixed',
    'a=msid-semantic: WMS stream',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126',
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    'a=ice-ufrag:Xk2b',
    'a=ice-pwd:3pLq8Zr0fWmJ6cVb1nTg4sYd',
    'a=ice-options:trickle',
    'a=fingerprint:sha-256 6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CC:87:32:BE:DD:8C:66:A5:8E:50:55:EA:8C:D3:B6:5C:09:5E:D6:BC',
    `a=setup:${kind === 'offer' ? 'actpass' : 'active'}`,
    'a=mid:0',
    'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
    'a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
    'a=sendrecv',
    'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2',
    'a=rtcp-fb:111 transport-cc',
    'a=fmtp:111 minptime=10;useinbandfec=1',
    'a=ssrc:1001 cname:relaytestcname',
    'm=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 104 105 106 107',
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    'a=ice-ufrag:Xk2b',
    'a=ice-pwd:3pLq8Zr0fWmJ6cVb1nTg4sYd',
    'a=ice-options:trickle',
    'a=mid:1',
    'a=sendrecv',
    'a=rtcp-mux',
    'a=rtcp-rsize',
    ...['96 VP8/90000', '97 rtx/90000', '102 H264/90000', '103 rtx/90000', '104 VP9/90000', '105 rtx/90000'].map(
      (codec) => `a=rtpmap:${codec}`,
    ),
    ...['96', '102', '104'].flatMap((pt) => [`a=rtcp-fb:${pt} goog-remb`, `a=rtcp-fb:${pt} transport-cc`, `a=rtcp-fb:${pt} ccm fir`, `a=rtcp-fb:${pt} nack`, `a=rtcp-fb:${pt} nack pli`]),
    'a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
    'a=ssrc-group:FID 2001 2002',
    'a=ssrc:2001 cname:relaytestcname',
    'a=ssrc:2002 cname:relaytestcname',
    `a=${STAMP_PLACEHOLDER}`,
  ]
  const text = `${lines.join('\r\n')}\r\n`
  return kind === 'offer' ? text + 'a=extmap:3 urn:3gpp:video-orientation\r\n'.repeat(8) : text
}

function candidateLine(): string {
  return `candidate:842163049 1 udp 1677729535 127.0.0.1 50000 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag Xk2b network-cost 999 ${STAMP_PLACEHOLDER}`
}

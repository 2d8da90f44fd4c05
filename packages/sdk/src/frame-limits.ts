import { encode, WIRE_LIMITS, type ClientMessage } from '@peerlane/protocol/codec'

/** The signaling server's default frame limit (`maxPayload`): a bigger frame closes the socket with 1009. */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024

const utf8 = new TextEncoder()

/**
 * Why the server would refuse `message` — an SDP over the protocol's cap, or an encoded frame
 * over `maxFrameBytes` — or undefined when it fits. A remote peer shapes what we answer (an offer
 * with hundreds of m-sections yields a far longer answer), so this is checked before every send:
 * an oversized frame would cost us our own signaling socket.
 */
export function frameRefusal(message: ClientMessage, maxFrameBytes: number): string | undefined {
  const size = frameSize(message, maxFrameBytes)
  return typeof size === 'string' ? size : undefined
}

/** The encoded frame's UTF-8 bytes, or why the server would refuse it (see `frameRefusal`). */
export function frameSize(message: ClientMessage, maxFrameBytes: number): number | string {
  if (message.type === 'offer' || message.type === 'answer') {
    const sdp = typeof message.sdp === 'string' ? message.sdp : message.sdp.sdp
    if (sdp.length > WIRE_LIMITS.sdpLength) {
      return `the ${message.type} is ${sdp.length} characters of SDP, which exceeds the protocol's ${WIRE_LIMITS.sdpLength}`
    }
  }
  if (message.type === 'candidate' && message.candidate && typeof message.candidate === 'object') {
    const text = message.candidate.candidate
    if (text.length > WIRE_LIMITS.candidateLength) return `the candidate is ${text.length} characters, which exceeds the protocol's ${WIRE_LIMITS.candidateLength}`
  }
  const bytes = utf8.encode(encode(message)).length
  return bytes > maxFrameBytes ? `the ${message.type} frame is ${bytes} bytes, which exceeds the server's ${maxFrameBytes}` : bytes
}

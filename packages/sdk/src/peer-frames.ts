import { decodePeer, type DecodeResult, type PeerControlMessage, type PeerFileMessage } from '@peerlane/protocol/codec'

// The SDK's receive path for peer-protocol text frames: the protocol's decoder (schemas, limits,
// over-long frames refused unparsed), plus the one rule it cannot know — which channel a frame
// may arrive on. Both are a wire contract between SDK versions, so nothing here restates them.

export type PeerChannelName = 'control' | 'files'

const CONTROL_TYPES: ReadonlySet<string> = new Set<PeerControlMessage['type']>(['hello', 'chat', 'media-state'])

export function readPeerFrame(channel: 'control', text: string): DecodeResult<PeerControlMessage>
export function readPeerFrame(channel: 'files', text: string): DecodeResult<PeerFileMessage>
export function readPeerFrame(channel: PeerChannelName, text: string): DecodeResult<PeerControlMessage | PeerFileMessage> {
  const result = decodePeer(text)
  if (!result.ok) return result
  const { type } = result.message
  if (CONTROL_TYPES.has(type) === (channel === 'control')) return result
  return {
    ok: false,
    error: { code: 'invalid-message', message: `A ${type} frame does not belong on the ${channel} channel`, path: '/type', ref: type },
  }
}

import { weriftPeerConnection } from '@peerlane/sdk/werift'
import { RTCPeerConnection } from 'werift'

/**
 * werift's RTCPeerConnection through the SDK's adapter, with 127.0.0.1 added to its host
 * candidates: a check run on a host with only loopback (CI namespaces, containers) connects too,
 * and on a normal host the extra candidate is harmless.
 */
export const LoopbackPeerConnection = weriftPeerConnection(RTCPeerConnection, { loopback: true })

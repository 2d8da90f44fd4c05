import { RTCPeerConnection as WeriftPeerConnection } from 'werift'
import type { PeerConnectionConstructor } from '../src/environment.js'

/**
 * werift's RTCPeerConnection for Node peers in a loopback-only namespace: it gathers no host
 * candidate on `lo` unless told to, so 127.0.0.1 is added explicitly.
 */
export const LoopbackPeerConnection = class extends WeriftPeerConnection {
  constructor(config: RTCConfiguration = {}) {
    super({ ...(config as object), iceAdditionalHostAddresses: ['127.0.0.1'] })
  }
} as unknown as PeerConnectionConstructor

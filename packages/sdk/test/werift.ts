import { RTCPeerConnection as WeriftPeerConnection } from 'werift'
import type { PeerConnectionConstructor } from '../src/environment.js'

interface WeriftInternals {
  needNegotiation: () => unknown
  shouldNegotiationneeded: boolean
  setRemoteDescription: (description: RTCSessionDescriptionInit) => Promise<void>
}

/**
 * werift's RTCPeerConnection for Node peers in a loopback-only namespace: it gathers no host
 * candidate on `lo` unless told to, so 127.0.0.1 is added explicitly.
 *
 * It also drops the `negotiationneeded` werift 0.24 fires for the transceivers it creates while
 * applying a remote offer (browsers fire none). Acting on it, the answerer re-offers inactive
 * audio/video, the offerer's werift answers those with port 0 — rejecting the BUNDLE's first
 * m-line — and, once a data channel is in the call, the connection stays `connecting` in about
 * one run in three. A renegotiation that was genuinely pending (`shouldNegotiationneeded`) still
 * goes through.
 */
export const LoopbackPeerConnection = class extends WeriftPeerConnection {
  constructor(config: RTCConfiguration = {}) {
    super({ ...(config as object), iceAdditionalHostAddresses: ['127.0.0.1'] })
    const self = this as unknown as WeriftInternals
    const need = self.needNegotiation
    const apply = self.setRemoteDescription.bind(this)
    let applyingRemote = false
    self.needNegotiation = () => (applyingRemote && !self.shouldNegotiationneeded ? undefined : need())
    self.setRemoteDescription = async (description) => {
      applyingRemote = true
      try {
        await apply(description)
      } finally {
        applyingRemote = false
      }
    }
  }
} as unknown as PeerConnectionConstructor

import type { PeerConnectionConstructor } from '@peerlane/sdk'
import { RTCPeerConnection as WeriftPeerConnection } from 'werift'

/**
 * werift's RTCPeerConnection with 127.0.0.1 added to its host candidates. werift gathers none on
 * `lo` by itself, so without it two peers on one machine with only loopback (CI namespaces,
 * containers) never connect; on a normal host the extra candidate is harmless.
 */
export const LoopbackPeerConnection = class extends WeriftPeerConnection {
  constructor(config: RTCConfiguration = {}) {
    super({ ...(config as object), iceAdditionalHostAddresses: ['127.0.0.1'] })
  }
} as unknown as PeerConnectionConstructor

/**
 * `Base` with `negotiationneeded` silenced, for the check's answering peer, which adds no track
 * or channel of its own. werift 0.24 fires `negotiationneeded` right after it answers, the SDK
 * then re-offers, and with a data channel in the call that renegotiation leaves DTLS stuck in
 * about a third of runs; a peer with nothing to add never needs to offer.
 */
export function answerOnly(Base: PeerConnectionConstructor): PeerConnectionConstructor {
  const Plain = Base as unknown as new (config?: RTCConfiguration) => object
  return class extends Plain {
    get onnegotiationneeded(): null {
      return null
    }

    set onnegotiationneeded(_handler: unknown) {
      // Deliberately dropped: see above.
    }
  } as unknown as PeerConnectionConstructor
}

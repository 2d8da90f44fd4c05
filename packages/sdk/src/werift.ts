// Node entry (`@peerlane/sdk/werift`): adapts werift's RTCPeerConnection for PeerlaneClient.
// It takes werift's class as an argument, so the SDK carries no dependency on werift.
import type { PeerConnectionConstructor } from './environment.js'

export interface WeriftOptions {
  /**
   * Adds 127.0.0.1 to the host candidates. werift gathers none on `lo`, so without it two peers
   * on a host with only loopback (CI namespaces, containers) never connect; elsewhere harmless.
   */
  readonly loopback?: boolean
}

interface WeriftInternals {
  needNegotiation: () => unknown
  shouldNegotiationneeded: boolean
  setRemoteDescription: (description: RTCSessionDescriptionInit) => Promise<unknown>
}

type WeriftClass = new (config?: object) => object

/**
 * werift's RTCPeerConnection (0.24), made to behave like a browser's for perfect negotiation:
 * werift fires `negotiationneeded` for the transceivers it creates while applying a remote
 * offer (browsers fire none). Acting on it, the answerer re-offers inactive m-lines, werift
 * answers them with port 0, rejecting the BUNDLE's first m-line, and with a data channel in the
 * call the connection stays `connecting` in about one run in three. Those events are dropped; a
 * renegotiation that is genuinely pending (`shouldNegotiationneeded`) still goes through.
 */
export function weriftPeerConnection(Werift: WeriftClass, options: WeriftOptions = {}): PeerConnectionConstructor {
  const extra = options.loopback ? { iceAdditionalHostAddresses: ['127.0.0.1'] } : {}
  return class extends Werift {
    constructor(config: RTCConfiguration = {}) {
      super({ ...(config as object), ...extra })
      const self = this as unknown as WeriftInternals
      const need = self.needNegotiation
      const apply = self.setRemoteDescription.bind(this)
      let applyingRemote = false
      self.needNegotiation = () => (applyingRemote && !self.shouldNegotiationneeded ? undefined : need())
      self.setRemoteDescription = async (description) => {
        applyingRemote = true
        try {
          return await apply(description)
        } finally {
          applyingRemote = false
        }
      }
    }
  } as unknown as PeerConnectionConstructor
}

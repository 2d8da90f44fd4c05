import { RTCPeerConnection } from 'werift'
import { weriftPeerConnection } from '../src/werift.js'

/** werift peers for tests, which run in a loopback-only network namespace. */
export const LoopbackPeerConnection = weriftPeerConnection(RTCPeerConnection, { loopback: true })

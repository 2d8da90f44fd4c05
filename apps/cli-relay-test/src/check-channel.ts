/**
 * The check's data channel. The SDK has no data-channel API, so the check reaches each peer's
 * RTCPeerConnection itself. The offering peer creates the channel at once, so it rides on the
 * first offer; the answering peer only listens for it. (A pre-negotiated channel on both sides
 * would need the answerer to create one too, which makes it renegotiate, and werift 0.24 does not
 * get through that renegotiation.)
 */
export function openCheckChannel(connection: RTCPeerConnection, role: 'offerer' | 'answerer'): Promise<RTCDataChannel> {
  if (role === 'offerer') return Promise.resolve(connection.createDataChannel('peerlane-relay-test'))
  return new Promise((resolve) => {
    const onChannel = (event: RTCDataChannelEvent): void => {
      connection.removeEventListener('datachannel', onChannel)
      resolve(event.channel)
    }
    connection.addEventListener('datachannel', onChannel)
  })
}

/** Echoes every message back on `channel` (the far side of the round trip). */
export function echo(channel: RTCDataChannel): void {
  channel.onmessage = ({ data }) => {
    if (channel.readyState === 'open') channel.send(data as string)
  }
}

/** Sends one message and resolves with the milliseconds until its echo returns. */
export function roundTrip(channel: RTCDataChannel, payload: string): Promise<number> {
  return new Promise((resolve) => {
    const start = performance.now()
    channel.onmessage = ({ data }) => {
      if (String(data) !== payload) return
      channel.onmessage = null
      resolve(performance.now() - start)
    }
    channel.send(payload)
  })
}

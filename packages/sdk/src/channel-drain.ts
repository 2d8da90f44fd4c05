// Backpressure for data channels: without it a sender piles data into the channel's buffer (and
// its own memory), and browsers close a channel whose buffer overflows.

/** A sender waits while a channel holds more than this… */
const BUFFER_HIGH_BYTES = 1024 * 1024
/** …until it drains below this. */
const BUFFER_LOW_BYTES = 256 * 1024

/** Sets the threshold at which `drained` wakes its waiters; call once per channel. */
export function watchDrain(channel: RTCDataChannel): void {
  channel.bufferedAmountLowThreshold = BUFFER_LOW_BYTES
}

/** Resolves at once when `channel` has room, else when it drained (or closed): check `readyState` after. */
export function drained(channel: RTCDataChannel): Promise<void> {
  if (channel.bufferedAmount <= BUFFER_HIGH_BYTES) return Promise.resolve()
  return new Promise<void>((resolve) => {
    const done = () => {
      channel.removeEventListener('bufferedamountlow', done)
      channel.removeEventListener('close', done)
      resolve()
    }
    channel.addEventListener('bufferedamountlow', done)
    channel.addEventListener('close', done)
  })
}

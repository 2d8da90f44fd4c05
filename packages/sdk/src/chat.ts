import type { BucketRate } from './token-bucket.js'

export interface ChatMessage {
  readonly id: string
  /** The sender's peer id (your own for messages you sent). */
  readonly from: string
  /** The sender's display name, when they gave one. */
  readonly name?: string
  readonly text: string
  /** The sender's clock, ms since the epoch. */
  readonly sentAt: number
  /** Your clock, ms since the epoch. */
  readonly receivedAt: number
  /** True for messages you sent. */
  readonly local: boolean
}

/** How much chat one peer may send us; the excess is dropped and reported (`chat-dropped`). */
export interface ChatRateLimit {
  /** Default 50 messages a second, bursts of 200. */
  readonly messages: BucketRate
  /** UTF-8 bytes of message text. Default 64 KiB a second, bursts of 256 KiB. */
  readonly bytes: BucketRate
}

export const DEFAULT_CHAT_RATE: ChatRateLimit = {
  messages: { perSecond: 50, burst: 200 },
  bytes: { perSecond: 64 * 1024, burst: 256 * 1024 },
}

/**
 * `@peerlane/sdk/chat`: text chat over the SDK's control channel.
 * @module chat
 */
export { useChat, Chat, DEFAULT_CHAT_RATE, type ChatEvents, type ChatMessage, type ChatOptions, type ChatRateLimit } from '../chat.js'
export type { BucketRate } from '../token-bucket.js'

/**
 * `@peerlane/sdk/data`: an app's own messages over data channels beside the SDK's.
 * @module data
 */
export { openDataChannel, PeerlaneDataChannel, MAX_DATA_MESSAGE_BYTES, type DataChannelEvents, type DataChannelOptions, type DataMessage } from '../data-channel.js'

export { createSignalingServer, type SignalingServer } from './server.js'
export { DEFAULT_CONFIG, type SignalingConfig } from './config.js'

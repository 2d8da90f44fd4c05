export { createSignalingServer, type SignalingServer } from './server.js'
export { DEFAULT_CONFIG, DEFAULT_TOKEN_TTL_SECONDS, type SignalingConfig, type DuplicateIdentityPolicy } from './config.js'
export { ConfigError } from './config-check.js'
export { mintToken, AuthConfigError, CAPABILITIES, type Capability, type MintOptions } from './auth.js'

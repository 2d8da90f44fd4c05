export { createSignalingServer, type SignalingServer } from './server.js'
export { DEFAULT_CONFIG, DEFAULT_TOKEN_TTL_SECONDS, type SignalingConfig, type DuplicateIdentityPolicy } from './config.js'
export { ConfigError } from './config-check.js'
export { mintToken, AuthConfigError, type MintOptions } from './auth.js'
// The capabilities a room token grants are the protocol's, re-exported for backends that mint tokens.
export { CAPABILITIES, DEFAULT_CAPABILITIES, type Capability } from '@peerlane/protocol'

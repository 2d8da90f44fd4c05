/**
 * `@peerlane/sdk/error-codes`: every error code with what it means, for an app that shows or
 * logs them. Reference data no call needs, so it stays out of the core's bundle.
 * @module error-codes
 */
export { SDK_ERROR_CODES } from '../errors.js'
export { ERROR_CODES } from '@peerlane/protocol/codec'

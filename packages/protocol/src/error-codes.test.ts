import { describe, expect, it } from 'vitest'
import { CLOSE_CODES, CLOSE_CODE_DESCRIPTIONS } from './close-codes.js'
import { ERROR_CODES, ERROR_CODE_LIST, isErrorCode } from './error-codes.js'

describe('error and close codes', () => {
  it('documents every error code', () => {
    for (const code of ERROR_CODE_LIST) expect(ERROR_CODES[code].length, code).toBeGreaterThan(20)
  })

  it('includes the codes the protocol promises', () => {
    for (const code of ['bad-json', 'invalid-message', 'unknown-type', 'not-in-room', 'unknown-peer', 'room-full', 'already-joined']) {
      expect(isErrorCode(code), code).toBe(true)
    }
    expect(isErrorCode('toString')).toBe(false)
  })

  it('documents every close code', () => {
    for (const code of Object.values(CLOSE_CODES)) expect(CLOSE_CODE_DESCRIPTIONS[code]).toBeTruthy()
  })
})

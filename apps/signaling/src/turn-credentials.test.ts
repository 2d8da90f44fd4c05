import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { turnCredential } from './turn-credentials.js'

describe('turnCredential', () => {
  it('matches the TURN REST scheme coturn checks (a vector computed independently of node:crypto)', () => {
    // printf '1433895918:ninefingers' | openssl dgst -sha1 -hmac north -binary | base64
    expect(turnCredential('north', 'ninefingers', 'peer', 1433895918)).toEqual({
      username: '1433895918:ninefingers',
      credential: 'jy8hTxmOO7UtEKXqSkSlvakPVYA=',
    })
  })

  it('names the identity when there is one and falls back to the peer id when it is unusable', () => {
    expect(turnCredential('s', 'alice', 'p1', 10).username).toBe('10:alice')
    expect(turnCredential('s', '', 'p1', 10).username).toBe('10:p1')
    expect(turnCredential('s', 'é'.repeat(129), 'p1', 10).username).toBe('10:p1')
    expect(turnCredential('s', 'é'.repeat(128), 'p1', 10).username).toBe(`10:${'é'.repeat(128)}`)
  })

  it('signs the whole username with HMAC-SHA1 and truncates a fractional expiry', () => {
    const { username, credential } = turnCredential('secret-secret-secret', 'bob:with:colons', 'p', 1_700_000_000.9)
    expect(username).toBe('1700000000:bob:with:colons')
    expect(credential).toBe(createHmac('sha1', 'secret-secret-secret').update(username).digest('base64'))
    expect(turnCredential('other-secret', 'bob:with:colons', 'p', 1_700_000_000).credential).not.toBe(credential)
  })
})

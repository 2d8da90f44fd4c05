import { describe, expect, it } from 'vitest'
import { classifyConnectError } from './connect-error.js'
import { parseTargetUrl, withPeerjsIdentity } from './target-url.js'

describe('target URL', () => {
  it.each([
    ['ws://127.0.0.1:8080/ws', 'ws://127.0.0.1:8080/ws'],
    ['http://127.0.0.1:8080/ws', 'ws://127.0.0.1:8080/ws'],
    ['https://call.example.com', 'wss://call.example.com/'],
  ])('%s → %s', (input, expected) => {
    const result = parseTargetUrl(input)
    expect(result.ok && result.value.href).toBe(expected)
  })

  it('refuses what is not a WebSocket or HTTP URL', () => {
    for (const input of ['', '127.0.0.1:8080', 'ftp://x']) expect(parseTargetUrl(input)).toMatchObject({ ok: false, error: { code: 'bad-url' } })
  })
})

describe('connect errors', () => {
  const url = new URL('wss://call.example.com/ws')
  const errno = (code: string, message = code) => Object.assign(new Error(message), { code })

  it.each([
    [errno('ECONNREFUSED'), 'unreachable'],
    [errno('ENOTFOUND'), 'dns-failed'],
    [errno('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'), 'tls-failed'],
    [errno('ERR_TLS_CERT_ALTNAME_INVALID'), 'tls-failed'],
    [new Error('Unexpected server response: 404'), 'handshake-rejected'],
  ])('classifies %s as %s', (cause, code) => {
    expect(classifyConnectError(url, cause).code).toBe(code)
  })
})

describe('PeerJS identity', () => {
  it('adds the default key, the id and the token, and keeps a key the URL names', () => {
    const plain = withPeerjsIdentity(new URL('ws://127.0.0.1:9000/peerjs'), 'id-1', 'tok-1')
    expect(Object.fromEntries(plain.searchParams)).toEqual({ key: 'peerjs', id: 'id-1', token: 'tok-1' })
    expect(plain.pathname).toBe('/peerjs')
    expect(withPeerjsIdentity(new URL('ws://127.0.0.1:9000/peerjs?key=mine'), 'a', 'b').searchParams.get('key')).toBe('mine')
  })
})

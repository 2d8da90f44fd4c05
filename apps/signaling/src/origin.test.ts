import { describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { createOriginCheck } from './origin.js'
import { connect, startServer } from './test-support/client.js'

/** The HTTP status of a refused upgrade, or 101 when the socket opened. */
function upgradeStatus(url: string, origin: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { origin })
    ws.once('open', () => {
      ws.terminate()
      resolve(101)
    })
    ws.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0)
      ws.terminate()
    })
    ws.once('error', (error) => reject(error))
  })
}

describe('origin allow-list', () => {
  it('allows no Origin, the server’s own, loopback ones and listed ones; refuses others with 403', async () => {
    const server = await startServer({ allowedOrigins: ['https://app.example.com'] })
    const own = server.httpUrl
    expect(await upgradeStatus(server.url, undefined)).toBe(101)
    expect(await upgradeStatus(server.url, own)).toBe(101)
    expect(await upgradeStatus(server.url, 'http://localhost:5173')).toBe(101)
    expect(await upgradeStatus(server.url, 'https://app.example.com')).toBe(101)
    expect(await upgradeStatus(server.url, 'https://evil.example')).toBe(403)
    expect(await upgradeStatus(server.url, 'https://app.example.com.evil.example')).toBe(403)
    expect(await upgradeStatus(server.url, 'null')).toBe(403)
    const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text()
    expect(metrics).toMatch(/^peerlane_signaling_rejected_connections_total\{reason="origin"\} 3$/m)
    // The refused ones never became connections; the server still serves.
    await connect(server.url)
  })

  it('matches exact origins, case-insensitively, and * allows all', () => {
    const check = createOriginCheck(['https://App.example.com/'])
    expect(check('https://app.example.com', 'signal.example.com')).toBe(true)
    expect(check('http://app.example.com', 'signal.example.com')).toBe(false)
    expect(check('https://signal.example.com', 'signal.example.com')).toBe(true)
    expect(check('http://[::1]:8080', 'signal.example.com')).toBe(true)
    expect(check('http://127.0.0.1.nip.io', 'signal.example.com')).toBe(false)
    expect(createOriginCheck(['*'])('https://anywhere.example', 'x')).toBe(true)
  })
})

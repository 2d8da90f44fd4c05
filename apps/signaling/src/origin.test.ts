import { describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { createOriginCheck } from './origin.js'
import { connect, startServer } from './test-support/client.js'

/** The HTTP status of a refused upgrade, or 101 when the socket opened. */
function upgradeStatus(url: string, origin: string | undefined, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { ...(origin === undefined ? {} : { origin }), ...(host === undefined ? {} : { headers: { Host: host } }) })
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
    const server = await startServer({ allowedOrigins: ['https://app.example.com'], metricsPublic: true })
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

  it('refuses a DNS-rebound page: Host and Origin both name the attacker’s domain', async () => {
    // The attacker's name resolves to this server; the browser then sends its own Host with it.
    const listed = await startServer({ allowedOrigins: ['https://app.example.com'] })
    expect(await upgradeStatus(listed.url, 'http://evil.example', 'evil.example')).toBe(403)
    const bare = await startServer()
    expect(await upgradeStatus(bare.url, `http://evil.example:${bare.port}`, `evil.example:${bare.port}`)).toBe(403)
    // The configured public URL is the server's own origin, whatever Host says.
    const published = await startServer({ publicUrl: 'https://call.example.com/' })
    expect(await upgradeStatus(published.url, 'https://call.example.com', 'call.example.com')).toBe(101)
    expect(await upgradeStatus(published.url, 'https://call.example.com', 'evil.example')).toBe(101)
  })

  it('matches exact origins, case-insensitively, and * allows all', () => {
    const check = createOriginCheck({ allowedOrigins: ['https://App.example.com/'], publicUrl: 'https://signal.example.com', host: '127.0.0.1' })
    expect(check('https://app.example.com', 'signal.example.com')).toBe(true)
    expect(check('http://app.example.com', 'signal.example.com')).toBe(false)
    expect(check('https://signal.example.com', 'anything.example')).toBe(true)
    expect(check('http://[::1]:8080', 'signal.example.com')).toBe(true)
    expect(check('http://127.0.0.1.nip.io', 'signal.example.com')).toBe(false)
    expect(createOriginCheck({ allowedOrigins: ['*'], publicUrl: undefined, host: '0.0.0.0' })('https://anywhere.example', 'x')).toBe(true)
  })

  it('takes no origin from Host on a non-loopback bind, and loopback origins only on a loopback bind', () => {
    const check = createOriginCheck({ allowedOrigins: [], publicUrl: undefined, host: '0.0.0.0' })
    expect(check('http://evil.example:8080', 'evil.example:8080')).toBe(false)
    expect(check('http://localhost:5173', '192.0.2.10:8080')).toBe(false)
    expect(check('http://127.0.0.1:8080', '127.0.0.1:8080')).toBe(true)
    // An IP-literal origin equal to Host: the app opened by address, which no DNS name can fake.
    expect(check('http://192.0.2.10:8080', '192.0.2.10:8080')).toBe(true)
    expect(check('http://[2001:db8::1]:8080', '[2001:db8::1]:8080')).toBe(true)
    expect(check('http://192.0.2.10:8080', '192.0.2.11:8080')).toBe(false)
    const allowList = createOriginCheck({ allowedOrigins: ['https://app.example.com'], publicUrl: undefined, host: '::' })
    expect(allowList('http://evil.example', 'evil.example')).toBe(false)
    expect(allowList('http://[::1]:5173', 'evil.example')).toBe(false)
    expect(allowList('https://app.example.com', 'evil.example')).toBe(true)
  })
})

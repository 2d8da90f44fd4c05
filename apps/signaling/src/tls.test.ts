import { execFileSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { request } from 'node:https'
import { connect as tlsConnect } from 'node:tls'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { ConfigError } from './config-check.js'
import { connect, startServer } from './test-support/client.js'

let dir: string
let cert: string
let key: string

// A self-signed certificate for 127.0.0.1, made now: nothing secret is committed.
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'peerlane-tls-'))
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
    '-subj', '/CN=peerlane-test', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
  ], { stdio: 'ignore' })
  cert = await readFile(join(dir, 'cert.pem'), 'utf8')
  key = await readFile(join(dir, 'key.pem'), 'utf8')
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>app</title>')
})
afterAll(() => rm(dir, { recursive: true, force: true }))

function get(url: string, ca: string | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { ca }, (response) => {
      let body = ''
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
    })
      .on('error', reject)
      .end()
  })
}

describe('TLS', () => {
  it('serves the app, /healthz and signaling over https and wss with the given certificate', async () => {
    const server = await startServer({ tlsCert: cert, tlsKey: key, staticDir: dir })
    expect(server.url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+$/)
    expect(server.httpUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    expect(await get(`${server.httpUrl}/`, cert)).toMatchObject({ status: 200, body: expect.stringContaining('<title>app</title>') })
    expect(await get(`${server.httpUrl}/healthz`, cert)).toMatchObject({ status: 200 })

    const client = await connect(`${server.url}/ws`, { ca: cert })
    client.send({ type: 'join', room: 'r' })
    expect(await client.nextOfType('welcome')).toMatchObject({ room: 'r' })
    // The connection outlives the pending-request timeout: its request was counted as complete.
    const other = await connect(`${server.url}/ws`, { ca: cert })
    other.send({ type: 'join', room: 'r' })
    expect(await client.nextOfType('peer-joined')).toMatchObject({ peer: { peerId: (await other.nextOfType('welcome')).peerId } })
  })

  it('is real TLS: an untrusted certificate is refused, and plain ws gets no WebSocket', async () => {
    const server = await startServer({ tlsCert: cert, tlsKey: key })
    await expect(get(`${server.httpUrl}/healthz`, undefined)).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' })
    const plain = new WebSocket(server.url.replace('wss:', 'ws:'))
    await expect(new Promise((resolve, reject) => plain.once('open', resolve).once('error', reject))).rejects.toBeInstanceOf(Error)
  })

  it('drops a TLS connection that never completes a request after upgradeTimeoutMs, and keeps one that did', async () => {
    const server = await startServer({ tlsCert: cert, tlsKey: key, upgradeTimeoutMs: 300 })
    const client = await connect(`${server.url}/ws`, { ca: cert })
    const idle = tlsConnect({ host: '127.0.0.1', port: server.port, ca: cert })
    const idleClosedAfter = new Promise<number>((resolve) => {
      const start = Date.now()
      idle.on('error', () => {}).once('close', () => resolve(Date.now() - start))
    })
    expect(await idleClosedAfter).toBeLessThan(3_000)
    await new Promise((resolve) => setTimeout(resolve, 400))
    client.send({ type: 'join', room: 'r' })
    expect(await client.nextOfType('welcome')).toMatchObject({ room: 'r' })
  })

  it.each([
    [{ tlsCert: 'not a certificate', tlsKey: 'not a key' }, 'tlsCert', /--tls-cert.*not a usable PEM/],
    [{ tlsKey: 'k' }, 'tlsCert', /must be given with tlsKey/],
    [{ tlsCert: 'c' }, 'tlsKey', /must be given with tlsCert/],
  ])('refuses an unusable TLS configuration %#', async (config, field, message) => {
    const error = await startServer(config).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ConfigError)
    expect(error).toMatchObject({ field, message: expect.stringMatching(message) })
  })
})

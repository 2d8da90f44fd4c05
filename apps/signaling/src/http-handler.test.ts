import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { request, type IncomingHttpHeaders } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer } from './test-support/client.js'

interface Reply {
  status: number
  type: string | undefined
  body: string
  headers?: IncomingHttpHeaders
}

/** A request with the exact raw path: fetch() would normalise `..` and `%2e%2e` away before sending. */
function get(httpUrl: string, path: string, method = 'GET'): Promise<Reply> {
  return getWithHeaders(httpUrl, path, method).then(({ headers: _headers, ...reply }) => reply)
}

function getWithHeaders(httpUrl: string, path: string, method = 'GET'): Promise<Reply & { headers: IncomingHttpHeaders }> {
  const { hostname, port } = new URL(httpUrl)
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body, headers: res.headers }))
    })
    req.on('error', reject)
    req.end()
  })
}

const INDEX = '<!doctype html><title>Peerlane</title>'
const SECRET = '{"name":"outside-the-static-dir"}'
let root: string
let staticDir: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'peerlane-static-'))
  staticDir = join(root, 'dist')
  await mkdir(join(staticDir, 'assets'), { recursive: true })
  await writeFile(join(root, 'package.json'), SECRET)
  await writeFile(join(staticDir, 'index.html'), INDEX)
  await writeFile(join(staticDir, 'assets', 'app-1a2b.js'), 'console.log(1)')
  await writeFile(join(staticDir, 'assets', 'app-1a2b.css'), 'body{}')
  await writeFile(join(staticDir, 'logo.svg'), '<svg/>')
  await writeFile(join(staticDir, '.env'), 'SECRET=1')
  await symlink(join(root, 'package.json'), join(staticDir, 'linked.json'))
})

afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('HTTP', () => {
  it('reports health with room and peer counts', async () => {
    const server = await startServer()
    const reply = await get(server.httpUrl, '/healthz')
    expect(reply.status).toBe(200)
    expect(reply.type).toMatch(/^application\/json/)
    expect(JSON.parse(reply.body)).toEqual({ status: 'ok', rooms: 0, peers: 0 })
  })

  it('serves index.html and assets with their content types', async () => {
    const server = await startServer({ staticDir })
    expect(await get(server.httpUrl, '/')).toEqual({ status: 200, type: 'text/html; charset=utf-8', body: INDEX })
    expect(await get(server.httpUrl, '/index.html')).toMatchObject({ status: 200, body: INDEX })
    expect(await get(server.httpUrl, '/assets/app-1a2b.js')).toEqual({ status: 200, type: 'text/javascript; charset=utf-8', body: 'console.log(1)' })
    expect(await get(server.httpUrl, '/assets/app-1a2b.css')).toMatchObject({ status: 200, type: 'text/css; charset=utf-8' })
    expect(await get(server.httpUrl, '/logo.svg')).toMatchObject({ status: 200, type: 'image/svg+xml' })
    expect(await get(server.httpUrl, '/', 'HEAD')).toMatchObject({ status: 200, body: '' })
  })

  it('falls back to index.html for unknown page paths, not for missing assets', async () => {
    const server = await startServer({ staticDir })
    expect(await get(server.httpUrl, '/?room=standup')).toMatchObject({ status: 200, body: INDEX })
    expect(await get(server.httpUrl, '/rooms/standup')).toMatchObject({ status: 200, body: INDEX })
    expect((await get(server.httpUrl, '/missing.js')).status).toBe(404)
    expect((await get(server.httpUrl, '/assets/missing')).status).toBe(404)
  })

  it.each([
    '/../package.json',
    '/%2e%2e/package.json',
    '/%2E%2E/package.json',
    '/assets/%2e%2e%2f%2e%2e%2fpackage.json',
    '/..%2fpackage.json',
    '/assets/..%5c..%5cpackage.json',
    '/%00index.html',
    '/%E0%A4%A',
  ])('refuses %s', async (path) => {
    const server = await startServer({ staticDir })
    const reply = await get(server.httpUrl, path)
    expect([400, 404]).toContain(reply.status)
    expect(reply.body).not.toContain('outside-the-static-dir')
  })

  it('serves no dotfiles and follows no symlink out of the directory', async () => {
    const server = await startServer({ staticDir })
    expect((await get(server.httpUrl, '/.env')).status).toBe(404)
    const linked = await get(server.httpUrl, '/linked.json')
    expect(linked.status).toBe(404)
    expect(linked.body).not.toContain('outside-the-static-dir')
  })

  it('serves the app with a strict CSP and the other security headers', async () => {
    const server = await startServer({ staticDir })
    for (const path of ['/', '/assets/app-1a2b.js', '/missing.js']) {
      const { headers } = await getWithHeaders(server.httpUrl, path)
      expect(headers['content-security-policy']).toBe(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; media-src 'self' blob: mediastream:; " +
          "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
      )
      expect(headers['x-frame-options']).toBe('DENY')
      expect(headers['referrer-policy']).toBe('no-referrer')
      expect(headers['permissions-policy']).toMatch(/^camera=\(self\), microphone=\(self\), display-capture=\(self\), geolocation=\(\)/)
      expect(headers['cross-origin-opener-policy']).toBe('same-origin')
      expect(headers['x-content-type-options']).toBe('nosniff')
    }
    const published = await startServer({ staticDir, publicUrl: 'https://call.example.com' })
    const { headers } = await getWithHeaders(published.httpUrl, '/')
    expect(headers['content-security-policy']).toContain("connect-src 'self' wss://call.example.com;")
  })

  it('answers 404 without a static directory, and 405 to other methods', async () => {
    const server = await startServer()
    expect((await get(server.httpUrl, '/')).status).toBe(404)
    expect((await get(server.httpUrl, '/healthz', 'POST')).status).toBe(405)
  })
})

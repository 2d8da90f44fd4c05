import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

/** The policy on every response of the page server: no inline scripts, no eval, sockets to loopback only. */
export const CSP = "default-src 'self'; script-src 'self'; connect-src 'self' ws://127.0.0.1:*"
/** Where global setup leaves the harness page's URL for the tests. */
export const PAGE_URL_ENV = 'PEERLANE_SDK_E2E_PAGE'

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))

/**
 * Bundles the harness with the built SDK (`dist/index.js`, which must exist: turbo runs `build`
 * first) for the browser, and serves it from a static server whose every response carries the
 * strict CSP, so every test runs the SDK under it. The page URL reaches the tests via the env.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const bundle = await build({
    entryPoints: [fixture('harness.ts')],
    bundle: true,
    format: 'esm',
    // `browser`: a Node built-in reaching the SDK's browser entry fails the bundle, not a test.
    platform: 'browser',
    target: 'chrome120',
    write: false,
    sourcemap: 'inline',
    logLevel: 'warning',
  })
  const files = new Map<string, { body: string | Buffer; type: string }>([
    ['/', { body: await readFile(fixture('index.html')), type: 'text/html; charset=utf-8' }],
    ['/csp-watch.js', { body: await readFile(fixture('csp-watch.js')), type: 'text/javascript; charset=utf-8' }],
    ['/harness.js', { body: bundle.outputFiles[0]?.text ?? '', type: 'text/javascript; charset=utf-8' }],
  ])

  const server = createServer((request, response) => {
    const file = files.get(new URL(request.url ?? '/', 'http://localhost').pathname)
    response.setHeader('Content-Security-Policy', CSP)
    response.setHeader('Cache-Control', 'no-store')
    if (request.url === '/favicon.ico') {
      response.writeHead(204).end()
      return
    }
    if (!file) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found')
      return
    }
    response.writeHead(200, { 'Content-Type': file.type }).end(file.body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  process.env[PAGE_URL_ENV] = `http://127.0.0.1:${port}/`

  return () => new Promise<void>((resolve) => server.close(() => resolve()))
}

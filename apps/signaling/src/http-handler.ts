import { createReadStream } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from 'pino'
import type { RoomStats } from './rooms.js'
import { resolveStaticFile } from './static-files.js'

export interface HttpHandlerOptions {
  readonly staticDir: string | undefined
  readonly stats: () => RoomStats
  readonly logger: Logger
  /**
   * `/readyz`: anything but `ready` answers 503, so load balancers send new clients elsewhere:
   * `draining` before a shutdown, `degraded` while cluster mode cannot reach Redis.
   */
  readonly readiness: () => Readiness
  /** The Prometheus exposition for `/metrics`; without it `/metrics` is a 404 here (it has its own listener). */
  readonly metrics: (() => Promise<{ contentType: string; body: string }>) | undefined
  /** Sent with every response (see security-headers.ts). */
  readonly headers: Readonly<Record<string, string>>
}

export type Readiness = 'ready' | 'draining' | 'degraded'

export type HttpHandler = (request: IncomingMessage, response: ServerResponse) => void

/** Plain HTTP: `/healthz`, `/readyz`, `/metrics` and, when a static directory is configured, the built web app. */
export function createHttpHandler(options: HttpHandlerOptions): HttpHandler {
  return (request, response) => {
    handle(options, request, response).catch((error: unknown) => {
      options.logger.error({ err: error, url: request.url }, 'HTTP request failed')
      if (!response.headersSent) sendText(response, 500, 'Internal server error')
      else response.destroy()
    })
  }
}

async function handle(options: HttpHandlerOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  for (const [name, value] of Object.entries(options.headers)) response.setHeader(name, value)
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD')
    return sendText(response, 405, 'Method not allowed')
  }
  // The raw path, not a WHATWG-normalised one, so that traversal attempts are seen and refused.
  const rawPath = (request.url ?? '/').split('?')[0] ?? '/'
  if (rawPath === '/healthz') return sendJson(request, response, 200, { status: 'ok', ...options.stats() })
  // Liveness and readiness differ while draining or degraded: the process is healthy, but should take no one new.
  if (rawPath === '/readyz') {
    const status = options.readiness()
    return sendJson(request, response, status === 'ready' ? 200 : 503, { status })
  }
  if (rawPath === '/metrics') {
    if (!options.metrics) return sendText(response, 404, 'Not found')
    const { contentType, body } = await options.metrics()
    response.writeHead(200, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' })
    response.end(request.method === 'HEAD' ? undefined : body)
    return
  }
  if (options.staticDir === undefined) return sendText(response, 404, 'Not found (this server has no --static-dir)')

  const resolved = await resolveStaticFile(options.staticDir, rawPath)
  if (resolved.kind === 'bad-request') return sendText(response, 400, 'Bad request')
  if (resolved.kind === 'not-found') return sendText(response, 404, 'Not found')

  response.writeHead(200, {
    'Content-Type': resolved.contentType,
    'Content-Length': resolved.size,
    'X-Content-Type-Options': 'nosniff',
    // Vite fingerprints everything under /assets/; the HTML and other files must revalidate.
    'Cache-Control': rawPath.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
  })
  if (request.method === 'HEAD') {
    response.end()
    return
  }
  const stream = createReadStream(resolved.file)
  stream.on('error', (error) => {
    options.logger.warn({ err: error, file: resolved.file }, 'static file read failed')
    response.destroy()
  })
  stream.pipe(response)
}

function sendJson(request: IncomingMessage, response: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value)
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  })
  response.end(request.method === 'HEAD' ? undefined : body)
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'X-Content-Type-Options': 'nosniff',
  })
  response.end(text)
}

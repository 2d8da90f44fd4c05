import { createServer as createPlainServer, type RequestListener, type Server as PlainServer, type ServerOptions } from 'node:http'
import { createServer as createTlsServer, type Server as TlsServer } from 'node:https'
import { ConfigError } from './config-check.js'

export type Listener = PlainServer | TlsServer

export interface TlsFiles {
  readonly cert: string | Buffer
  readonly key: string | Buffer
}

/**
 * The public listener: plain HTTP, or HTTPS (and so wss) when a certificate and key are given.
 * An unusable certificate or key is a `ConfigError`, not a crash at the first handshake.
 */
export function createListener(options: ServerOptions, handler: RequestListener, tls: TlsFiles | undefined): Listener {
  if (!tls) return createPlainServer(options, handler)
  try {
    return createTlsServer({ ...options, cert: tls.cert, key: tls.key }, handler)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new ConfigError('tlsCert', `and tlsKey are not a usable PEM certificate and private key: ${reason}`, { cause: error })
  }
}

import { SUBPROTOCOLS } from '@peerlane/protocol'
import { describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { connect, startServer } from './test-support/client.js'

/** Opens a socket offering `protocols`; resolves with the protocol spoken, or the refusal. */
function handshake(url: string, protocols: string[]): Promise<{ protocol: string } | { status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols)
    ws.once('open', () => {
      resolve({ protocol: ws.protocol })
      ws.close()
    })
    ws.once('unexpected-response', (_request, response) => {
      let body = ''
      response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
    })
    ws.once('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error)
    })
  })
}

describe('protocol version negotiation', () => {
  it('speaks peerlane.v1 when the SDK offers it, and v1 without a subprotocol for the classic client', async () => {
    const server = await startServer()
    expect(await handshake(server.url, [...SUBPROTOCOLS])).toEqual({ protocol: 'peerlane.v1' })
    expect(await handshake(server.url, ['peerlane.v2', 'peerlane.v1'])).toEqual({ protocol: 'peerlane.v1' })
    const classic = await connect(server.url)
    expect(classic.ws.protocol).toBe('')
    classic.send({ type: 'ping', id: 1 })
    expect(await classic.nextOfType('pong')).toEqual({ type: 'pong', id: 1 })
  })

  it('refuses an unknown Peerlane version at the handshake with a reason', async () => {
    const server = await startServer()
    const refused = await handshake(server.url, ['peerlane.v7'])
    expect(refused).toMatchObject({ status: 400 })
    expect('body' in refused && refused.body).toMatch(/Unsupported Peerlane protocol version.*peerlane\.v7.*peerlane\.v1/)
  })
})

import { CLOSE_CODES } from '@peerlane/protocol'
import { describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { connect, joined, startServer } from './test-support/client.js'
import { spawnServer } from './test-support/spawned-server.js'

/** Resolves with the refused upgrade's HTTP status, or 101 if the socket opened. */
function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url)
    ws.once('open', () => {
      ws.terminate()
      resolve(101)
    })
    ws.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0))
    ws.once('error', () => resolve(0))
  })
}

describe('graceful drain', () => {
  it('tells clients draining, refuses new ones and joins, reports not ready, then closes the rest with 1012', async () => {
    const server = await startServer({ drainTimeoutMs: 60_000, drainReconnectAfterMs: 250 })
    const ada = await joined(server.url, 'r')
    const bob = await joined(server.url, 'r')
    const idle = await connect(server.url)
    const draining = server.drain()
    for (const client of [ada.client, bob.client, idle]) {
      expect(await client.nextOfType('draining')).toEqual({ type: 'draining', reconnectAfterMs: 250 })
    }
    const ready = await fetch(`${server.httpUrl}/readyz`)
    expect([ready.status, await ready.json()]).toEqual([503, { status: 'draining' }])
    expect(await (await fetch(`${server.httpUrl}/healthz`)).json()).toMatchObject({ status: 'ok' })
    expect(await upgradeStatus(server.url)).toBe(503)
    idle.send({ type: 'join', room: 'late' })
    expect(await idle.nextOfType('error')).toMatchObject({ code: 'draining', ref: 'join' })
    // Calls in progress keep relaying while they move.
    ada.client.send({ type: 'offer', to: bob.peerId, sdp: 'v=0\r\n' })
    expect(await bob.client.nextOfType('offer')).toMatchObject({ from: ada.peerId })

    // The drain ends as soon as every client has left, well before its timeout.
    ada.client.ws.close()
    bob.client.ws.close()
    idle.ws.close()
    await draining
    expect(server.drain()).toBe(draining)
  })

  it('closes clients that stay with 1012 once the drain timeout passes', async () => {
    const server = await startServer({ drainTimeoutMs: 100 })
    const ada = await joined(server.url, 'r')
    await server.drain()
    expect(await ada.client.nextOfType('draining')).toMatchObject({ type: 'draining' })
    expect((await ada.client.closed).code).toBe(CLOSE_CODES.serviceRestart)
  })

  it('on SIGTERM the process drains: draining, /readyz 503, close 1012, exit 0', async () => {
    const server = await spawnServer(['--drain-timeout-ms', '1500', '--drain-reconnect-after-ms', '500'])
    try {
      const ada = await joined(server.url, 'call')
      const bob = await joined(server.url, 'call')
      expect((await fetch(`${server.httpUrl}/readyz`)).status).toBe(200)
      server.child.kill('SIGTERM')
      expect(await ada.client.nextOfType('draining')).toEqual({ type: 'draining', reconnectAfterMs: 500 })
      expect(await bob.client.nextOfType('draining')).toEqual({ type: 'draining', reconnectAfterMs: 500 })
      expect((await fetch(`${server.httpUrl}/readyz`)).status).toBe(503)
      expect((await ada.client.closed).code).toBe(CLOSE_CODES.serviceRestart)
      expect((await bob.client.closed).code).toBe(CLOSE_CODES.serviceRestart)
      expect(await server.exited).toEqual({ code: 0, signal: null })
      expect(server.output().stderr).toBe('')
    } finally {
      server.child.kill('SIGKILL')
    }
  })
})

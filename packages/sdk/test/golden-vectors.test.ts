import { invalidVectors, validVectors } from '@peerlane/protocol/vectors'
import type { ServerMessage } from '@peerlane/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { PeerlaneError } from '../src/errors.js'
import { createLogger } from '../src/logger.js'
import { SignalClient } from '../src/signal-client.js'
import { scriptedServer } from './helpers.js'

// The server's golden vectors, sent over a real socket: the SDK must accept every valid one
// as the same typed message and reject every invalid one with the vector's precise error.
const valid = validVectors().filter((v) => v.from === 'server')
const invalid = invalidVectors().filter((v) => v.from === 'server')
const END = JSON.stringify({ type: 'pong', id: 'end-of-script' })

let server: Awaited<ReturnType<typeof scriptedServer>>
beforeAll(async () => {
  server = await scriptedServer(() => [...valid, ...invalid].map((v) => v.frame).concat(END))
})
afterAll(() => server.close())

describe('server golden vectors through SignalClient', () => {
  it('delivers valid frames as messages and rejects invalid ones precisely', async () => {
    expect(valid.length).toBeGreaterThan(5)
    expect(invalid.length).toBeGreaterThan(2)
    const client = new SignalClient(server.url, WebSocket, createLogger('test', 'silent'), 30_000)
    const messages: ServerMessage[] = []
    const errors: PeerlaneError[] = []
    const done = new Promise<void>((resolve) => {
      client.on('message', (message) => {
        if (message.type === 'pong' && message.id === 'end-of-script') resolve()
        else messages.push(message)
      })
    })
    client.on('protocol-error', (error) => errors.push(error))
    await client.connect()
    await done
    client.close()

    expect(messages).toEqual(valid.map((v) => JSON.parse(v.frame)))
    expect(errors.map((e) => ({ code: e.code, cause: e.cause }))).toEqual(
      invalid.map((v) => ({ code: 'protocol-error', cause: expect.objectContaining(v.error) })),
    )
  })
})

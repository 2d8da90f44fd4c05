// The fuzz harness must be able to fail: here the server runs a decoder with a planted bug (it
// forgets to check `to`, as a hand-written validator might), and the harness has to catch it,
// shrink it, and print the seed that replays it.
import { Writable } from 'node:stream'
import type { Sender } from '@peerlane/protocol'
import pino from 'pino'
import { describe, expect, it, vi } from 'vitest'
import { startServer } from './test-support/client.js'
import { assertServerSurvivesFuzz } from './test-support/fuzz-harness.js'

// The server asks `validate` whenever its compiled check refuses a frame (and `decode` when the
// frame is not JSON): both forget `to` here.
vi.mock('@peerlane/protocol', async (importOriginal) => {
  const real = await importOriginal<typeof import('@peerlane/protocol')>()
  return {
    ...real,
    decode: (text: string, sender: Sender) => {
      const result = real.decode(text, sender)
      if (sender === 'client' && !result.ok && result.error.path === '/to') return { ok: true, message: JSON.parse(text) as unknown }
      return result
    },
    validate: (value: unknown, sender: Sender) => {
      const result = real.validate(value, sender)
      if (sender === 'client' && !result.ok && result.error.path === '/to') return { ok: true, message: value }
      return result
    },
  }
})

const MAX_PAYLOAD = 64 * 1024

describe('the fuzz harness', () => {
  it('catches a decoder that forgets to check `to`, shrinks it, and prints the seed', { timeout: 300_000 }, async () => {
    const lines: string[] = []
    const logger = pino({ level: 'error' }, new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString()), done()) }))
    const server = await startServer({
      logger,
      maxMessagesPerSecond: 100_000_000,
      maxBytesPerSecond: 100_000_000_000,
      maxConnectionsPerIpPerSecond: 100_000,
      maxOpenConnectionsPerIp: 1_000,
      joinFailuresPerIpPerMinute: 100_000,
    })
    const run = assertServerSurvivesFuzz({ url: server.url, seed: 42, frames: 20_000, maxPayload: MAX_PAYLOAD, loggedErrors: () => lines.splice(0) })
    const failure = await run.then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    )
    expect(failure).toMatch(/seed: 42, path: "[\d:]+"/)
    expect(failure).toMatch(/Got error: frame errors differ from the schema's/)
    // Shrunk to a counterexample that shows the bug: a `to` the schema refuses.
    expect(failure).toMatch(/Shrunk \d+ time/)
    expect(failure).toMatch(/Counterexample: .*\\"to\\":/)
  })
})

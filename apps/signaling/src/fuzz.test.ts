// Hostile traffic against the real bin in a child process, so that a crash is seen as a crash.
// The cases come from the generator `peerlane-relay-test fuzz` uses; what each frame deserves is
// decided by Ajv over the committed JSON Schema, never by the decoder the server runs
// (test-support/fuzz-harness.ts). A failure prints the seed and path that replay it:
//   PEERLANE_FUZZ_SEED=<seed> PEERLANE_FUZZ_PATH=<path> pnpm --filter @peerlane/signaling test:fuzz
import { CLOSE_CODES } from '@peerlane/protocol'
import { describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { joined } from './test-support/client.js'
import { assertServerSurvivesFuzz } from './test-support/fuzz-harness.js'
import { spawnServer, type SpawnedServer } from './test-support/spawned-server.js'

const FRAMES = Number(process.env.PEERLANE_FUZZ_FRAMES ?? 100_000)
const SEED = Number(process.env.PEERLANE_FUZZ_SEED ?? Date.now() % 2 ** 31)
const PATH = process.env.PEERLANE_FUZZ_PATH
const MAX_PAYLOAD = 64 * 1024

async function closeCodeAfterSending(url: string, data: Buffer | string, binary: boolean): Promise<number> {
  const ws = new WebSocket(url)
  ws.on('error', () => {})
  await new Promise((resolve) => ws.once('open', resolve))
  const closed = new Promise<number>((resolve) => ws.once('close', resolve))
  ws.send(data, { binary })
  return closed
}

/** Error-level lines (pino level 50 and up) and stderr the server wrote since the last call. */
function errorLog(server: SpawnedServer): () => string[] {
  let seen = { stdout: 0, stderr: 0 }
  return () => {
    const { stdout, stderr } = server.output()
    const fresh = stdout.slice(seen.stdout).split('\n').filter((line) => /"level":(5\d|6\d)/.test(line))
    const freshErr = stderr.slice(seen.stderr)
    seen = { stdout: stdout.length, stderr: stderr.length }
    return freshErr.length > 0 ? [...fresh, `stderr: ${freshErr}`] : fresh
  }
}

describe('fuzzing a running server', () => {
  it(`survives ${FRAMES} hostile frames (seed ${SEED}), answers each bad one with the schema's error, and keeps relaying for a calm pair`, { timeout: 600_000 }, async () => {
    const server = await spawnServer([
      // Limits out of the way so that every frame reaches the decoder; limits have their own tests.
      '--max-messages-per-second', '100000000',
      '--max-bytes-per-second', '100000000000',
      '--max-connections-per-ip', '100000',
      '--max-open-connections-per-ip', '1000',
      '--join-failures-per-ip-per-minute', '100000',
      '--max-peers-per-room', '1000',
      '--max-open-connections-per-ip', '1000',
      '--join-failures-per-ip-per-minute', '100000000',
      // Fuzz sockets that never join live as long as the run.
      '--join-timeout-ms', '600000',
      '--drain-timeout-ms', '200',
    ])
    try {
      const ada = await joined(server.url, 'calm-pair-room-c0ffee')
      const bob = await joined(server.url, 'calm-pair-room-c0ffee')
      await ada.client.nextOfType('peer-joined')
      let relaying = true
      let sent = 0
      const calm = (async () => {
        while (relaying) {
          ada.client.send({ type: 'offer', to: bob.peerId, sdp: { type: 'offer', sdp: `v=0\r\ns=${sent}\r\n` } })
          sent++
          await new Promise((resolve) => setTimeout(resolve, 2))
        }
      })()

      try {
        const sent = await assertServerSurvivesFuzz({ url: server.url, seed: SEED, path: PATH, frames: FRAMES, maxPayload: MAX_PAYLOAD, loggedErrors: errorLog(server) })
        // Batch lengths are random; the runs are sized for FRAMES on average (a replay of one path sends far fewer).
        if (PATH === undefined) expect(sent).toBeGreaterThan(FRAMES * 0.8)
      } finally {
        relaying = false
        await calm
      }

      // The calm pair lost nothing and heard nothing of the fuzzing.
      for (let i = 0; i < sent; i++) {
        expect(await bob.client.next()).toMatchObject({ type: 'offer', from: ada.peerId, sdp: { sdp: `v=0\r\ns=${i}\r\n` } })
      }
      expect(await bob.client.sync()).toEqual([])
      expect(await ada.client.sync()).toEqual([])

      // Frames that must end the connection end it with a documented code, one per connection.
      expect(await closeCodeAfterSending(server.url, 'x'.repeat(MAX_PAYLOAD + 1), false)).toBe(CLOSE_CODES.messageTooBig)
      expect(await closeCodeAfterSending(server.url, Buffer.alloc(MAX_PAYLOAD * 4), true)).toBe(CLOSE_CODES.messageTooBig)
      // Invalid UTF-8 in a text frame: RFC 6455 requires 1007 (documented in docs/errors.md).
      expect(await closeCodeAfterSending(server.url, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), false)).toBe(1007)

      expect(server.child.exitCode).toBeNull()
      expect(await (await fetch(`${server.httpUrl}/healthz`)).json()).toMatchObject({ status: 'ok' })
      server.child.kill('SIGTERM')
      expect(await server.exited).toEqual({ code: 0, signal: null })
      expect(server.output().stderr).toBe('')
    } finally {
      server.child.kill('SIGKILL')
    }
  })
})

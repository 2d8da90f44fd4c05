// Test-only: the fuzz property. Each run sends a generated batch of hostile cases (the generator
// `peerlane-relay-test fuzz` uses) over a fresh socket and checks, against the independent oracle,
// that the server answered every frame the schema rejects with that error code, in order, and
// did nothing it must never do: answer `internal`, send a frame that is not a server message,
// close the socket, or log an error. `fc.assert` shrinks a failure to a small batch and prints
// the seed and path that replay it (PEERLANE_FUZZ_SEED, PEERLANE_FUZZ_PATH).
import { ANSWERED_CATEGORIES, fuzzCaseArbitrary, type GeneratedCase } from '@peerlane/protocol/testing'
import fc from 'fast-check'
import { WebSocket } from 'ws'
import { FRAME_ERROR_CODES, expectedClientError, isServerMessage } from './fuzz-oracle.js'

export interface FuzzRunOptions {
  /** The server's WebSocket URL. */
  readonly url: string
  readonly seed: number
  /** A fast-check replay path (printed with a failure), to rerun just the failing case. */
  readonly path?: string | undefined
  /** Roughly how many frames to send over all runs. */
  readonly frames: number
  /** Cases per run at most; a failure shrinks within one run's batch. */
  readonly maxBatch?: number
  /** The server's frame limit: larger frames are tested apart (they close the socket). */
  readonly maxPayload: number
  /** Error lines the server logged since the last call (an uncaught handler error fails the run). */
  readonly loggedErrors: () => readonly string[]
}

/** What one run saw; `problems` empty means the server behaved. */
interface RunOutcome {
  readonly problems: string[]
  readonly sent: number
}

/**
 * Runs the property and resolves with the number of frames sent; throws fast-check's report (with
 * seed, path and shrunk counterexample) on failure.
 */
export async function assertServerSurvivesFuzz(options: FuzzRunOptions): Promise<number> {
  const maxBatch = options.maxBatch ?? 200
  const cases = fuzzCaseArbitrary({ room: 'fuzz-room', maxPayload: options.maxPayload }, ANSWERED_CATEGORIES).map(printable)
  // `size: 'max'`: batch lengths spread over the whole range, not fast-check's small default.
  const batch = fc.array(cases, { minLength: 1, maxLength: maxBatch, size: 'max' })
  const numRuns = Math.max(1, Math.ceil(options.frames / (maxBatch / 2)))
  let sent = 0
  await fc.assert(
    fc.asyncProperty(batch, async (cases) => {
      const outcome = await runBatch(options, cases.filter((c) => c.frames.every((f) => f.data.length <= options.maxPayload)))
      sent += outcome.sent
      if (outcome.problems.length > 0) throw new Error(outcome.problems.join('\n'))
    }),
    { seed: options.seed, numRuns, ...(options.path ? { path: options.path } : {}), includeErrorInReport: true },
  )
  return sent
}

/** A case as fast-check reports it: each frame as (shortened) text, so a counterexample can be read. */
function printable(generated: GeneratedCase): GeneratedCase {
  return Object.assign(generated, {
    [fc.toStringMethod]: () =>
      `${generated.category}: ${generated.frames
        .map((frame) => {
          const text = frame.binary ? `binary ${frame.data.toString('hex')}` : JSON.stringify(frame.data.toString('utf8'))
          return text.length > 300 ? `${text.slice(0, 300)}… (${frame.data.length} bytes)` : text
        })
        .join(', ')}`,
  })
}

async function runBatch(options: FuzzRunOptions, cases: readonly GeneratedCase[]): Promise<RunOutcome> {
  const problems: string[] = []
  const expected: string[] = []
  let sent = 0
  for (const c of cases) {
    for (const frame of c.frames) {
      sent++
      const code = expectedClientError(frame)
      if (code) expected.push(code)
    }
  }
  const ws = new WebSocket(`${options.url}/?room=fuzz-lobby`)
  const received: string[] = []
  let closed: number | undefined
  const sentinel = `sentinel-${Math.random().toString(36).slice(2)}`
  const answered = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 20_000)
    ws.on('message', (data, isBinary) => {
      const text = data.toString()
      if (isBinary || !isServerMessage(text)) return void problems.push(`the server sent an invalid frame: ${text.slice(0, 200)}`)
      const message = JSON.parse(text) as { type: string; code?: string; id?: unknown }
      if (message.type === 'error' && message.code === 'internal') problems.push(`the server answered internal: ${text.slice(0, 200)}`)
      if (message.type === 'error' && FRAME_ERROR_CODES.has(message.code ?? '')) received.push(message.code ?? '')
      if (message.type === 'pong' && message.id === sentinel) {
        clearTimeout(timer)
        resolve(true)
      }
    })
    ws.once('close', (code) => {
      closed = code
      clearTimeout(timer)
      resolve(false)
    })
  })
  ws.on('error', () => {})
  try {
    await new Promise((resolve, reject) => {
      ws.once('open', resolve)
      ws.once('error', reject)
    })
    for (const c of cases) for (const frame of c.frames) ws.send(frame.data, { binary: frame.binary })
    ws.send(JSON.stringify({ type: 'ping', id: sentinel }))
    if (!(await answered)) problems.push(closed === undefined ? 'no answer to the sentinel ping within 20 s' : `the server closed the socket with ${closed}`)
    if (received.join() !== expected.join()) problems.push(`frame errors differ from the schema's\n  expected ${expected.join()}\n  received ${received.join()}`)
    for (const line of options.loggedErrors()) problems.push(`the server logged an error: ${line.slice(0, 500)}`)
  } catch (error) {
    problems.push(`could not connect: ${String(error)}`)
  } finally {
    ws.terminate()
  }
  return { problems, sent }
}

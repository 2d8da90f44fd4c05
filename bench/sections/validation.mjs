// Section 5: what validating a frame costs: decode (JSON.parse + schema walk) of @peerlane/protocol
// per client message type, against JSON.parse alone on the same text.
import { decode } from '@peerlane/protocol'
import { buildTemplate, stampFrame } from '@peerlane/relay-test'
import { round, summarize } from '../lib/stats.mjs'

const REPEATS = 7
const SLICE_MS = 150

const relay = (kind) => stampFrame(buildTemplate(kind, 'AbCdEfGhIjKl'), { seq: 1, sentAtMicros: 1 }).toString()
export const FRAMES = {
  join: JSON.stringify({ type: 'join', room: 'standup-42', name: 'Ada Lovelace' }),
  leave: JSON.stringify({ type: 'leave' }),
  offer: relay('offer'),
  answer: relay('answer'),
  candidate: relay('candidate'),
  ping: JSON.stringify({ type: 'ping', id: 17 }),
}

export function validationSection(log) {
  const rows = {}
  for (const [type, frame] of Object.entries(FRAMES)) {
    if (!decode(frame, 'client').ok) throw new Error(`bench frame for ${type} does not validate`)
    const decodeRates = []
    const parseRates = []
    // Alternating slices, so both see the same machine state.
    for (let i = 0; i < REPEATS; i++) {
      decodeRates.push(opsPerSecond(() => decode(frame, 'client')))
      parseRates.push(opsPerSecond(() => JSON.parse(frame)))
    }
    const decodeOps = summarize(decodeRates)
    const parseOps = summarize(parseRates)
    rows[type] = { bytes: Buffer.byteLength(frame), decodeOps, parseOps, costRatio: round(parseOps.median / decodeOps.median, 2) }
    log(`  validation ${type}: ${Math.round(decodeOps.median)} decode/s vs ${Math.round(parseOps.median)} JSON.parse/s (${rows[type].costRatio}×)`)
  }
  return rows
}

// Results land here so the engine cannot drop the calls as dead code.
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- written, never read, on purpose
let sink
function opsPerSecond(fn) {
  let ops = 0
  const start = performance.now()
  let now = start
  while (now - start < SLICE_MS) {
    for (let i = 0; i < 256; i++) sink = fn()
    ops += 256
    now = performance.now()
  }
  return (ops * 1000) / (now - start)
}

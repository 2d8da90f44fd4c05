import { createSignalingServer, type SignalingServer } from '@peerlane/signaling'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FUZZ_CATEGORIES, generateCases } from '@peerlane/protocol/testing'
import { judge, runFuzz, type FuzzConfig } from './fuzz.js'
import { UNLIMITED, deadPort } from './test-support.js'

let server: SignalingServer
let unlimited: SignalingServer
const config = (extra: Partial<FuzzConfig> = {}): FuzzConfig => ({
  url: new URL(server.url),
  seed: 1234,
  count: 120,
  maxPayload: 64 * 1024,
  caseTimeoutMs: 2_000,
  casesPerConnection: 25,
  ...extra,
})

beforeAll(async () => {
  server = await createSignalingServer({ port: 0 })
  unlimited = await createSignalingServer({ port: 0, ...UNLIMITED })
})
afterAll(() => Promise.all([server.close(), unlimited.close()]))

describe('fuzz cases', () => {
  it('are a pure function of the seed', () => {
    const options = { seed: 99, count: 60, room: 'fuzz', maxPayload: 65536 }
    // Compared as text: a deep equal walks megabytes of frames byte by byte.
    const print = (seed: number) =>
      JSON.stringify(generateCases({ ...options, seed }).map((c) => ({ ...c, frames: c.frames.map((f) => [f.binary, f.data.toString('base64')]) })))
    expect(print(99)).toBe(print(99))
    expect(print(100)).not.toBe(print(99))
  })

  it('cover every category', () => {
    const cases = generateCases({ seed: 1, count: FUZZ_CATEGORIES.length, room: 'fuzz', maxPayload: 65536 })
    expect(new Set(cases.map((c) => c.category))).toEqual(new Set(FUZZ_CATEGORIES))
  })
})

describe('judge', () => {
  const [invalid] = generateCases({ seed: 1, count: 1, room: 'fuzz', maxPayload: 65536 })
  if (!invalid) throw new Error('no case')

  it('flags an invalid frame the server accepted silently', () => {
    expect(judge(invalid, { replies: [], answered: true }).findings.map((f) => f.kind)).toEqual(['accepted-invalid'])
  })

  it('accepts a documented close and flags a dropped socket', () => {
    expect(judge(invalid, { replies: [], answered: false, closeCode: 1009 }).findings).toEqual([])
    expect(judge(invalid, { replies: [], answered: false, closeCode: 1006 }).findings.map((f) => f.kind)).toEqual(['undocumented-close'])
  })

  it('flags frames that are not valid server messages', () => {
    const result = judge(invalid, { replies: [{ invalid: 'bad-json at : x' }], answered: true })
    expect(result.findings.map((f) => f.kind)).toContain('invalid-server-frame')
  })
})

describe('fuzz against the Peerlane server', () => {
  it('passes with the default limits (rate limiting and flood closes included)', async () => {
    const summary = await runFuzz(config())
    expect(summary.findings).toEqual([])
    expect(summary.serverUp).toBe(true)
    expect(summary.ok).toBe(true)
  })

  it('gives the same run for the same seed', async () => {
    // Limits out of the way: which frame a token bucket drops depends on timing, not on the seed.
    const first = await runFuzz(config({ url: new URL(unlimited.url) }))
    expect(first.ok).toBe(true)
    const second = await runFuzz(config({ url: new URL(unlimited.url) }))
    expect(second).toEqual(first)
    const other = await runFuzz(config({ url: new URL(unlimited.url), seed: 4321, count: 20 }))
    expect(other.digest).not.toBe(first.digest)
  })

  it('reports an unreachable server as an error, not findings', async () => {
    const summary = await runFuzz(config({ url: new URL(`ws://127.0.0.1:${await deadPort()}`) }))
    expect(summary.ok).toBe(false)
    expect(summary.error?.code).toBe('unreachable')
  })
})

import { describe, expect, it } from 'vitest'
import { decode } from '../decode.js'
import { FUZZ_CATEGORIES, generateCases } from './index.js'

const options = { seed: 1234, count: 240, room: 'fuzz-room', maxPayload: 64 * 1024 }

describe('@peerlane/protocol/testing', () => {
  it('reproduces a run exactly from its seed, and another seed gives another run', () => {
    const frames = (seed: number) => generateCases({ ...options, seed }).map((c) => c.frames.map((f) => f.data.toString('base64')).join(','))
    expect(frames(1234)).toEqual(frames(1234))
    expect(frames(1235)).not.toEqual(frames(1234))
  })

  it('covers every category, and a rejected text case carries the code the protocol’s decoder gives', () => {
    const cases = generateCases(options)
    expect(new Set(cases.map((c) => c.category))).toEqual(new Set(FUZZ_CATEGORIES))
    for (const fuzzCase of cases) {
      const [frame] = fuzzCase.frames
      if (!frame || frame.binary || fuzzCase.expect.kind !== 'rejected' || fuzzCase.expect.code === undefined) continue
      const result = decode(frame.data.toString('utf8'), 'client')
      expect(result.ok ? undefined : result.error.code).toBe(fuzzCase.expect.code)
    }
  })
})

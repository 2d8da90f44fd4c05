import { describe, expect, it } from 'vitest'
import { applyEncodingLimits, presetForRoomSize, QUALITY_PRESETS } from './quality.js'

describe('quality presets', () => {
  it('sends less per copy as a mesh room grows', () => {
    expect([1, 2, 3, 4, 5, 8].map(presetForRoomSize)).toEqual(['high', 'high', 'medium', 'medium', 'low', 'low'])
  })

  it('writes the preset into the sender’s first encoding, and waits when there is none yet', async () => {
    let applied: RTCRtpSendParameters | undefined
    const sender = (encodings: RTCRtpEncodingParameters[]) =>
      ({
        getParameters: () => ({ encodings, transactionId: 't', codecs: [], headerExtensions: [], rtcp: {} }),
        setParameters: async (parameters: RTCRtpSendParameters) => {
          applied = parameters
        },
      }) as unknown as RTCRtpSender
    expect(await applyEncodingLimits(sender([]), QUALITY_PRESETS.low)).toBe(false)
    expect(applied).toBeUndefined()
    expect(await applyEncodingLimits(sender([{ active: true }]), QUALITY_PRESETS.low)).toBe(true)
    expect(applied?.encodings[0]).toEqual({ active: true, maxBitrate: 150_000, scaleResolutionDownBy: 2, maxFramerate: 15 })
  })
})

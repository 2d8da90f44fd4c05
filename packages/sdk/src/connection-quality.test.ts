import { describe, expect, it } from 'vitest'
import { ConnectionQualityClassifier, readConnectionSample, type ConnectionSample } from './connection-quality.js'

const run = (samples: readonly ConnectionSample[]) => {
  const classifier = new ConnectionQualityClassifier()
  return samples.map((sample) => classifier.next(sample))
}

describe('connection quality classifier', () => {
  it('judges each of RTT, loss and available bitrate on its own', () => {
    expect(run([{ rttMs: 40, lossPercent: 0, availableOutgoingKbps: 2500 }])).toEqual(['good'])
    expect(run([{ rttMs: 300 }])).toEqual(['fair'])
    expect(run([{ lossPercent: 3 }])).toEqual(['fair'])
    expect(run([{ availableOutgoingKbps: 400 }])).toEqual(['fair'])
    expect(run([{ rttMs: 600 }])).toEqual(['poor'])
    expect(run([{ lossPercent: 10 }])).toEqual(['poor'])
    expect(run([{ availableOutgoingKbps: 100 }])).toEqual(['poor'])
    // Nothing reported (a stack without these stats) is no evidence of trouble.
    expect(run([{}])).toEqual(['good'])
  })

  it('drops at once but rises only after two clearly better samples in a row', () => {
    expect(run([{ rttMs: 600 }, { rttMs: 100 }, { rttMs: 100 }, { rttMs: 100 }])).toEqual(['poor', 'poor', 'good', 'good'])
    // Just under the threshold is not clearly better: no flicker around a boundary.
    expect(run([{ rttMs: 260 }, { rttMs: 240 }, { rttMs: 240 }, { rttMs: 260 }, { rttMs: 240 }])).toEqual(['fair', 'fair', 'fair', 'fair', 'fair'])
    // A bad sample in between restarts the count.
    expect(run([{ lossPercent: 3 }, { lossPercent: 0 }, { lossPercent: 3 }, { lossPercent: 0 }, { lossPercent: 0 }])).toEqual(['fair', 'fair', 'fair', 'fair', 'good'])
  })

  it('reads RTT, interval loss and available bitrate from a stats report', () => {
    const report = (sent: number, lost: number) =>
      new Map<string, unknown>([
        ['t', { id: 't', type: 'transport', selectedCandidatePairId: 'p' }],
        ['p', { id: 'p', type: 'candidate-pair', currentRoundTripTime: 0.123, availableOutgoingBitrate: 1_200_000 }],
        ['o', { id: 'o', type: 'outbound-rtp', packetsSent: sent }],
        ['r', { id: 'r', type: 'remote-inbound-rtp', packetsLost: lost }],
        ['i', { id: 'i', type: 'inbound-rtp', packetsReceived: sent, packetsLost: 0 }],
      ])
    const first = readConnectionSample(report(1000, 0))
    expect(first.sample).toEqual({ rttMs: 123, availableOutgoingKbps: 1200 })
    // 100 of the 2000 packets sent both ways since the first sample were lost.
    expect(readConnectionSample(report(2000, 100), first.counters).sample).toEqual({ rttMs: 123, lossPercent: 5, availableOutgoingKbps: 1200 })
  })
})

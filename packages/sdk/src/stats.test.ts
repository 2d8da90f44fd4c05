import { describe, expect, it } from 'vitest'
import { summarizeStats } from './stats.js'

const report = (t: number, bytesIn: number, bytesOut: number) =>
  new Map<string, unknown>(
    [
      { id: 'T', type: 'transport', timestamp: t, selectedCandidatePairId: 'P' },
      { id: 'P', type: 'candidate-pair', timestamp: t, currentRoundTripTime: 0.042, localCandidateId: 'L', remoteCandidateId: 'R' },
      { id: 'L', type: 'local-candidate', timestamp: t, candidateType: 'host' },
      { id: 'R', type: 'remote-candidate', timestamp: t, candidateType: 'relay' },
      { id: 'C1', type: 'codec', timestamp: t, mimeType: 'video/VP8' },
      { id: 'C2', type: 'codec', timestamp: t, mimeType: 'audio/opus' },
      { id: 'I1', type: 'inbound-rtp', kind: 'video', timestamp: t, bytesReceived: bytesIn, packetsReceived: 90, packetsLost: 10, frameWidth: 640, frameHeight: 480, framesPerSecond: 30, codecId: 'C1' },
      { id: 'I2', type: 'inbound-rtp', kind: 'audio', timestamp: t, bytesReceived: 0, packetsReceived: 0, packetsLost: 0, codecId: 'C2' },
      { id: 'O1', type: 'outbound-rtp', kind: 'video', timestamp: t, bytesSent: bytesOut, packetsSent: 200, frameWidth: 320, frameHeight: 240, framesPerSecond: 15, codecId: 'C1', qualityLimitationReason: 'bandwidth' },
      { id: 'O2', type: 'outbound-rtp', kind: 'video', timestamp: t, bytesSent: 0, packetsSent: 0, frameWidth: 1280, frameHeight: 720, codecId: 'C1' },
      { id: 'RI', type: 'remote-inbound-rtp', kind: 'video', timestamp: t, packetsLost: 4 },
    ].map((entry) => [entry.id, entry]),
  )

describe('summarizeStats', () => {
  it('summarises RTT, candidates, loss, codecs and pictures, largest first', () => {
    const { stats } = summarizeStats(report(1000, 5000, 8000))
    expect(stats.rttMs).toBe(42)
    expect([stats.localCandidateType, stats.remoteCandidateType]).toEqual(['host', 'relay'])
    expect(stats.incoming).toMatchObject({ bytes: 5000, packetsLost: 10, lossPercent: 10, audioCodec: 'opus' })
    expect(stats.incoming.video).toEqual([{ width: 640, height: 480, framesPerSecond: 30, codec: 'VP8' }])
    expect(stats.outgoing.video.map((v) => v.width)).toEqual([1280, 320])
    expect(stats.outgoing.video[1]?.qualityLimitation).toBe('bandwidth')
    expect(stats.outgoing).toMatchObject({ packetsLost: 4, lossPercent: 2 })
    expect(stats.incoming.bitrateKbps).toBeUndefined()
  })

  it('turns byte counters into kbit/s against the previous sample', () => {
    const first = summarizeStats(report(1000, 5000, 8000))
    const { stats } = summarizeStats(report(3000, 5000 + 250_000, 8000 + 50_000), first.sample)
    expect(stats.incoming.bitrateKbps).toBe(1000)
    expect(stats.outgoing.bitrateKbps).toBe(200)
  })
})

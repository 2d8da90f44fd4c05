import { describe, expect, it } from 'vitest'
import { negotiatedFingerprints, safetyNumberOf } from './safety-number.js'

const ALICE = 'sha-256 6B:8B:5A:10:0F:7E:2C:44:19:2E:3B:55:E1:0D:7A:9C:41:2F:90:3E:BB:21:5C:06:71:8E:9F:32:C4:AA:10:5D'
const BOB = 'sha-256 0A:11:3C:8D:5E:62:7F:93:A4:B5:C6:D7:E8:F9:01:12:23:34:45:56:67:78:89:9A:AB:BC:CD:DE:EF:F0:01:12'
const MALLORY = 'sha-256 FF:EE:DD:CC:BB:AA:99:88:77:66:55:44:33:22:11:00:FF:EE:DD:CC:BB:AA:99:88:77:66:55:44:33:22:11:00'

describe('safetyNumberOf', () => {
  it('is five groups of five digits, the same from both ends', async () => {
    const fromAlice = await safetyNumberOf([ALICE, BOB])
    expect(fromAlice).toMatch(/^\d{5}( \d{5}){4}$/)
    expect(await safetyNumberOf([BOB, ALICE])).toBe(fromAlice)
  })

  it('differs when either certificate differs (what a relay in the middle would cause)', async () => {
    const honest = await safetyNumberOf([ALICE, BOB])
    expect(await safetyNumberOf([ALICE, MALLORY])).not.toBe(honest)
    expect(await safetyNumberOf([MALLORY, BOB])).not.toBe(honest)
  })
})

describe('negotiatedFingerprints', () => {
  const report = (dtlsState: string) =>
    new Map<string, unknown>([
      ['T01', { type: 'transport', dtlsState, localCertificateId: 'CL', remoteCertificateId: 'CR' }],
      ['CL', { type: 'certificate', fingerprint: '6b:8b', fingerprintAlgorithm: 'SHA-256' }],
      ['CR', { type: 'certificate', fingerprint: '0A:11', fingerprintAlgorithm: 'sha-256' }],
    ]) as unknown as RTCStatsReport

  it('reads the connected transport’s two certificates, normalised', () => {
    expect(negotiatedFingerprints(report('connected'))).toEqual(['sha-256 6B:8B', 'sha-256 0A:11'])
  })

  it('has nothing before DTLS connects', () => {
    expect(negotiatedFingerprints(report('connecting'))).toBeUndefined()
  })
})

/**
 * Safety numbers: a short code both ends of a connection compute from the two DTLS certificate
 * fingerprints the connection actually negotiated (from `getStats()`, not from the SDP the
 * signaling server relayed). A server that swaps fingerprints to sit in the middle must run two
 * DTLS sessions with its own certificates, so each side then sees a different pair and the codes
 * differ; if it only rewrites the SDP, the handshake fails. Compare codes out of band (read them
 * aloud) to rule both out.
 */

/** Five groups of five digits, e.g. `"04719 88120 35537 60294 11873"`. */
export type SafetyNumber = string

const GROUPS = 5
const GROUP_BYTES = 5 // 40 bits per group, reduced to 5 decimal digits
const GROUP_MODULUS = 100_000

interface CertificateStats {
  readonly type: 'certificate'
  readonly fingerprint: string
  readonly fingerprintAlgorithm: string
}

/**
 * The fingerprints of the local and remote certificates of the connection's DTLS transport once
 * it is connected, or undefined before that (or when the implementation reports no certificates).
 */
export function negotiatedFingerprints(report: RTCStatsReport): readonly [string, string] | undefined {
  for (const stats of report.values() as IterableIterator<RTCTransportStats>) {
    if (stats.type !== 'transport' || stats.dtlsState !== 'connected') continue
    const local = certificate(report, stats.localCertificateId)
    const remote = certificate(report, stats.remoteCertificateId)
    if (local && remote) return [local, remote]
  }
  return undefined
}

function certificate(report: RTCStatsReport, id: string | undefined): string | undefined {
  const stats = id === undefined ? undefined : (report.get(id) as CertificateStats | undefined)
  if (stats?.type !== 'certificate') return undefined
  // Normalised so both ends hash the same text whatever case their stack prints hex in.
  return `${stats.fingerprintAlgorithm.toLowerCase()} ${stats.fingerprint.toUpperCase()}`
}

/** The code for a pair of fingerprints; the same whichever end's certificate comes first. */
export async function safetyNumberOf(fingerprints: readonly [string, string]): Promise<SafetyNumber> {
  const text = [...fingerprints].sort().join('\n')
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))
  const groups: string[] = []
  for (let group = 0; group < GROUPS; group++) {
    let value = 0
    for (let byte = 0; byte < GROUP_BYTES; byte++) value = value * 256 + digest[group * GROUP_BYTES + byte]!
    groups.push(String(value % GROUP_MODULUS).padStart(5, '0'))
  }
  return groups.join(' ')
}

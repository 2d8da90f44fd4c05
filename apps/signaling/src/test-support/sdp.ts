// Test-only: a real session description, taken from a werift offer (audio, camera video, a
// second sending video section as a screen share adds, and a data channel; candidates dropped),
// and variants of it with other directions, for the capability matrix.

const WERIFT_OFFER_LINES = [
  'v=0',
  'o=- 26066017 0 IN IP4 0.0.0.0',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1 2 3',
  'a=extmap-allow-mixed',
  'a=msid-semantic:WMS *',
  'm=audio 9 UDP/TLS/RTP/SAVPF 96 0',
  'c=IN IP4 0.0.0.0',
  'a=ice-ufrag:bc43',
  'a=ice-pwd:2659688be8a05a520a07b1',
  'a=ice-options:trickle',
  'a=fingerprint:sha-256 FD:48:F6:DB:3A:A7:04:23:A1:D5:94:9D:5C:CA:23:B8:0B:C7:FF:AF:F0:D6:2B:CD:D5:97:AD:45:5A:C5:5E:80',
  'a=setup:actpass',
  'a=sendrecv',
  'a=mid:0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=rtcp-mux',
  'a=ssrc:2990958733 cname:299fc75f-f507-4a5e-aad9-cfdd9cbabe27',
  'a=rtpmap:96 OPUS/48000/2',
  'a=rtpmap:0 PCMU/8000',
  'm=video 9 UDP/TLS/RTP/SAVPF 98',
  'c=IN IP4 0.0.0.0',
  'a=ice-ufrag:bc43',
  'a=ice-pwd:2659688be8a05a520a07b1',
  'a=ice-options:trickle',
  'a=fingerprint:sha-256 FD:48:F6:DB:3A:A7:04:23:A1:D5:94:9D:5C:CA:23:B8:0B:C7:FF:AF:F0:D6:2B:CD:D5:97:AD:45:5A:C5:5E:80',
  'a=setup:actpass',
  'a=sendrecv',
  'a=mid:1',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=rtcp-mux',
  'a=ssrc:3734536305 cname:299fc75f-f507-4a5e-aad9-cfdd9cbabe27',
  'a=rtpmap:98 VP8/90000',
  'a=rtcp-fb:98 nack',
  'a=rtcp-fb:98 nack pli',
  'a=rtcp-fb:98 goog-remb',
  'm=video 9 UDP/TLS/RTP/SAVPF 98',
  'c=IN IP4 0.0.0.0',
  'a=ice-ufrag:bc43',
  'a=ice-pwd:2659688be8a05a520a07b1',
  'a=ice-options:trickle',
  'a=fingerprint:sha-256 FD:48:F6:DB:3A:A7:04:23:A1:D5:94:9D:5C:CA:23:B8:0B:C7:FF:AF:F0:D6:2B:CD:D5:97:AD:45:5A:C5:5E:80',
  'a=setup:actpass',
  'a=sendonly',
  'a=mid:2',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=rtcp-mux',
  'a=ssrc:2146229126 cname:299fc75f-f507-4a5e-aad9-cfdd9cbabe27',
  'a=rtpmap:98 VP8/90000',
  'a=rtcp-fb:98 nack',
  'a=rtcp-fb:98 nack pli',
  'a=rtcp-fb:98 goog-remb',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'c=IN IP4 0.0.0.0',
  'a=ice-ufrag:bc43',
  'a=ice-pwd:2659688be8a05a520a07b1',
  'a=ice-options:trickle',
  'a=fingerprint:sha-256 FD:48:F6:DB:3A:A7:04:23:A1:D5:94:9D:5C:CA:23:B8:0B:C7:FF:AF:F0:D6:2B:CD:D5:97:AD:45:5A:C5:5E:80',
  'a=setup:actpass',
  'a=mid:3',
  'a=sctp-port:5000',
  'a=max-message-size:65536',
]

export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive'

/** The werift offer with these directions for its audio, first video and second video section. */
export function weriftOffer(audio: Direction, camera: Direction, screen: Direction): string {
  const directions = [audio, camera, screen]
  let section = -1
  const lines = WERIFT_OFFER_LINES.map((line) => {
    if (line.startsWith('m=')) section++
    const direction = directions[section]
    return direction !== undefined && /^a=(sendrecv|sendonly|recvonly|inactive)$/.test(line) ? `a=${direction}` : line
  })
  return `${lines.join('\r\n')}\r\n`
}

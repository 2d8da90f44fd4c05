import { describe, expect, it } from 'vitest'
import { grantExceeded, mediaGrantOf, sendingSections } from './media-grant.js'
import { weriftOffer } from './test-support/sdp.js'

describe('sendingSections', () => {
  it('counts the sending audio and video sections of a real offer, by direction', () => {
    expect(sendingSections(weriftOffer('sendrecv', 'sendrecv', 'sendonly'))).toEqual({ audio: 1, video: 2 })
    expect(sendingSections(weriftOffer('recvonly', 'sendonly', 'inactive'))).toEqual({ audio: 0, video: 1 })
    expect(sendingSections(weriftOffer('recvonly', 'recvonly', 'recvonly'))).toEqual({ audio: 0, video: 0 })
  })

  it('takes sendrecv for a section without a direction, and a session-level direction as the default', () => {
    const bare = 'v=0\r\ns=-\r\nm=audio 9 RTP/AVP 0\r\nm=video 9 RTP/AVP 96\r\na=recvonly\r\nm=video 9 RTP/AVP 96\r\n'
    expect(sendingSections(bare)).toEqual({ audio: 1, video: 1 })
    const sessionRecvonly = 'v=0\r\ns=-\r\na=recvonly\r\nm=audio 9 RTP/AVP 0\r\nm=video 9 RTP/AVP 96\r\na=sendonly\r\n'
    expect(sendingSections(sessionRecvonly)).toEqual({ audio: 0, video: 1 })
  })

  it('ignores rejected sections (port 0) but not bundle-only ones, and reads bare \\n line ends', () => {
    expect(sendingSections('v=0\nm=video 0 RTP/AVP 96\na=sendrecv\nm=video 0 RTP/AVP 96\na=bundle-only\na=sendonly\n')).toEqual({ audio: 0, video: 1 })
  })
})

describe('grantExceeded', () => {
  it('needs no reading when every publish capability is held', () => {
    expect(mediaGrantOf(['publish-audio', 'publish-video', 'share-screen'])).toBeUndefined()
  })

  it('allows one sending video section per video capability held, and audio only with publish-audio', () => {
    const full = weriftOffer('sendrecv', 'sendrecv', 'sendrecv')
    const cameraOnly = mediaGrantOf(['publish-audio', 'publish-video'])
    expect(cameraOnly && grantExceeded(full, cameraOnly)).toMatch(/one video section/)
    expect(cameraOnly && grantExceeded(weriftOffer('sendrecv', 'sendrecv', 'inactive'), cameraOnly)).toBeUndefined()
    const nothing = mediaGrantOf([])
    expect(nothing && grantExceeded(weriftOffer('sendrecv', 'recvonly', 'recvonly'), nothing)).toMatch(/publish-audio/)
    expect(nothing && grantExceeded(weriftOffer('recvonly', 'recvonly', 'recvonly'), nothing)).toBeUndefined()
  })
})

import type { Capability } from '@peerlane/protocol'

/**
 * What a session may send, as far as a session description can show it: whether it may send
 * audio, and how many video sections it may send in. The server cannot tell a camera from a
 * screen (both are `m=video`), so each of `publish-video` and `share-screen` allows one sending
 * video section; a session holding both may send any number.
 */
export interface MediaGrant {
  readonly audio: boolean
  readonly videoSections: number
}

/** The grant of `capabilities`; undefined when they include every publish capability (nothing to check). */
export function mediaGrantOf(capabilities: readonly Capability[]): MediaGrant | undefined {
  const audio = capabilities.includes('publish-audio')
  const camera = capabilities.includes('publish-video')
  const screen = capabilities.includes('share-screen')
  if (audio && camera && screen) return undefined
  return { audio, videoSections: (camera ? 1 : 0) + (screen ? 1 : 0) }
}

/** Why `sdp` sends more than `grant` allows (the error's message), or undefined when it does not. */
export function grantExceeded(sdp: string, grant: MediaGrant): string | undefined {
  const sending = sendingSections(sdp)
  if (sending.audio > 0 && !grant.audio) return 'This session may not send audio (it lacks publish-audio)'
  if (sending.video > grant.videoSections) {
    return grant.videoSections === 0
      ? 'This session may not send video (it lacks publish-video and share-screen)'
      : 'This session may send one video section only (it lacks publish-video or share-screen)'
  }
  return undefined
}

/**
 * Counts the media sections of `sdp` that send: direction `sendrecv` or `sendonly` (RFC 8866:
 * `sendrecv` when absent, a session-level direction is the default of every section). A
 * rejected section (port 0, unless `a=bundle-only`, RFC 8843) sends nothing. One pass over the
 * lines, no allocation per line beyond `split`.
 */
export function sendingSections(sdp: string): { audio: number; video: number } {
  const counts = { audio: 0, video: 0 }
  let sessionSends = true
  let kind: 'audio' | 'video' | 'other' | undefined
  let sends: boolean | undefined
  let portZero = false
  let bundleOnly = false
  const close = (): void => {
    if (kind === undefined || kind === 'other') return
    if ((sends ?? sessionSends) && (!portZero || bundleOnly)) counts[kind]++
  }
  for (const raw of sdp.split('\n')) {
    const line = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw
    if (line.startsWith('m=')) {
      close()
      kind = line.startsWith('m=audio ') ? 'audio' : line.startsWith('m=video ') ? 'video' : 'other'
      portZero = line.split(' ', 2)[1] === '0'
      sends = undefined
      bundleOnly = false
      continue
    }
    if (!line.startsWith('a=')) continue
    const direction = directionOf(line)
    if (direction !== undefined) {
      if (kind === undefined) sessionSends = direction
      else sends = direction
    } else if (line === 'a=bundle-only') bundleOnly = true
  }
  close()
  return counts
}

/** True/false for a direction attribute that sends/does not; undefined for any other line. */
function directionOf(line: string): boolean | undefined {
  switch (line) {
    case 'a=sendrecv':
    case 'a=sendonly':
      return true
    case 'a=recvonly':
    case 'a=inactive':
      return false
    default:
      return undefined
  }
}

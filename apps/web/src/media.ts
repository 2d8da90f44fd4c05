/** The local camera/microphone stream plus, when something was missing, why, in plain words. */
export interface LocalMedia {
  /** May hold no tracks at all: the participant then joins to watch and listen. */
  readonly stream: MediaStream
  readonly notice: string | undefined
}

export const VIDEO_CONSTRAINTS: MediaTrackConstraints = { width: { ideal: 640 }, height: { ideal: 480 } }

type Failure = 'denied' | 'missing' | 'busy' | 'insecure' | 'other'

function classify(error: unknown): Failure {
  const name = error instanceof Error || error instanceof DOMException ? error.name : ''
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
      return 'denied'
    case 'SecurityError':
      return 'insecure'
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return 'missing'
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'busy'
    default:
      return 'other'
  }
}

const WATCH_ONLY = 'You can still join to watch and listen.'

/** A sentence a participant can act on, for a getUserMedia failure. */
export function describeMediaFailure(error: unknown): string {
  switch (classify(error)) {
    case 'denied':
      return `Camera and microphone access is blocked. Allow it in your browser’s site settings, then press “Try again”. ${WATCH_ONLY}`
    case 'insecure':
      return `This browser only offers the camera and microphone to secure pages (https:// or localhost). ${WATCH_ONLY}`
    case 'missing':
      return `No camera or microphone was found. Connect one and press “Try again”. ${WATCH_ONLY}`
    case 'busy':
      return `Your camera or microphone could not be started; another application may be using it. ${WATCH_ONLY}`
    case 'other': {
      const detail = error instanceof Error ? ` (${error.message})` : ''
      return `The camera and microphone could not be opened${detail}. ${WATCH_ONLY}`
    }
  }
}

async function tryGetUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream | Error> {
  try {
    return await navigator.mediaDevices.getUserMedia(constraints)
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error))
  }
}

/**
 * Opens the camera and microphone. When both cannot be had together it tries each alone, so a
 * laptop without a microphone (or a headset without a camera) still joins with what it has.
 * Never rejects: a failure becomes an empty stream and a notice.
 */
export async function acquireLocalMedia(): Promise<LocalMedia> {
  if (!navigator.mediaDevices?.getUserMedia) {
    return { stream: new MediaStream(), notice: describeMediaFailure(new DOMException('', 'SecurityError')) }
  }
  const both = await tryGetUserMedia({ video: VIDEO_CONSTRAINTS, audio: true })
  if (both instanceof MediaStream) return { stream: both, notice: undefined }
  // A refused permission covers both devices; asking again device by device would only nag.
  if (classify(both) === 'denied' || classify(both) === 'insecure') {
    return { stream: new MediaStream(), notice: describeMediaFailure(both) }
  }

  const video = await tryGetUserMedia({ video: VIDEO_CONSTRAINTS })
  const audio = await tryGetUserMedia({ audio: true })
  const tracks = [video, audio].flatMap((result) => (result instanceof MediaStream ? result.getTracks() : []))
  const stream = new MediaStream(tracks)
  if (video instanceof MediaStream && !(audio instanceof MediaStream)) {
    return { stream, notice: 'No usable microphone: others will see you but not hear you.' }
  }
  if (audio instanceof MediaStream && !(video instanceof MediaStream)) {
    return { stream, notice: 'No usable camera: others will hear you but not see you.' }
  }
  if (tracks.length > 0) return { stream, notice: undefined }
  return { stream, notice: describeMediaFailure(both) }
}

export function stopLocalMedia(media: LocalMedia): void {
  for (const track of media.stream.getTracks()) track.stop()
}

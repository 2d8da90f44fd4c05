/** A recording in progress; `stop()` resolves with the WebM file. */
export interface CallRecording {
  readonly startedAt: number
  readonly mimeType: string
  stop(): Promise<Blob>
}

const WIDTH = 1280
const HEIGHT = 720
const FPS = 30
const GAP = 8
// VP9 is smaller at the same quality; VP8 and plain WebM are the fallbacks every Chromium and Firefox has.
const MIME_TYPES = ['video/webm;codecs=vp9,opus', 'video/webm;codecs=vp8,opus', 'video/webm']

export function supportedRecordingType(): string | undefined {
  if (typeof MediaRecorder === 'undefined') return undefined
  return MIME_TYPES.find((type) => MediaRecorder.isTypeSupported(type))
}

function fit(video: HTMLVideoElement, x: number, y: number, w: number, h: number): [number, number, number, number] {
  const ratio = video.videoWidth / video.videoHeight || 4 / 3
  const width = Math.min(w, h * ratio)
  const height = width / ratio
  return [x + (w - width) / 2, y + (h - height) / 2, width, height]
}

/**
 * Records the call as it looks: every tile's video drawn into one canvas (a grid like the page's)
 * and every participant's audio mixed with Web Audio, encoded by `MediaRecorder`. Everything stays
 * in this browser. `tiles()` is asked on every frame, so people joining or leaving show up.
 */
export function startRecording(tiles: () => ReadonlyArray<{ video: HTMLVideoElement; label: string }>): CallRecording {
  const mimeType = supportedRecordingType()
  if (!mimeType) throw new Error('This browser cannot record video (no MediaRecorder with WebM).')
  const canvas = document.createElement('canvas')
  canvas.width = WIDTH
  canvas.height = HEIGHT
  const context = canvas.getContext('2d')
  if (!context) throw new Error('This browser cannot draw the recording (no 2D canvas).')
  const g = context
  const audio = new AudioContext()
  const mix = audio.createMediaStreamDestination()
  const mixed = new Map<string, MediaStreamAudioSourceNode>()

  function mixAudio(videos: readonly HTMLVideoElement[]): void {
    for (const video of videos) {
      const stream = video.srcObject
      if (!(stream instanceof MediaStream)) continue
      for (const track of stream.getAudioTracks()) {
        if (mixed.has(track.id)) continue
        const source = audio.createMediaStreamSource(new MediaStream([track]))
        source.connect(mix)
        mixed.set(track.id, source)
      }
    }
  }

  function draw(): void {
    const list = tiles()
    mixAudio(list.map((tile) => tile.video))
    g.fillStyle = '#0f1115'
    g.fillRect(0, 0, WIDTH, HEIGHT)
    const cols = Math.ceil(Math.sqrt(list.length)) || 1
    const rows = Math.ceil(list.length / cols) || 1
    const cellW = (WIDTH - GAP * (cols + 1)) / cols
    const cellH = (HEIGHT - GAP * (rows + 1)) / rows
    list.forEach(({ video, label }, index) => {
      const x = GAP + (index % cols) * (cellW + GAP)
      const y = GAP + Math.floor(index / cols) * (cellH + GAP)
      g.fillStyle = '#1a1d24'
      g.fillRect(x, y, cellW, cellH)
      if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && video.videoWidth > 0) g.drawImage(video, ...fit(video, x, y, cellW, cellH))
      g.font = '20px system-ui, sans-serif'
      const width = g.measureText(label).width + 16
      g.fillStyle = 'rgb(0 0 0 / 0.6)'
      g.fillRect(x + 8, y + cellH - 38, width, 30)
      g.fillStyle = '#eef0f4'
      g.fillText(label, x + 16, y + cellH - 16)
    })
  }

  draw()
  // A timer, not requestAnimationFrame: rAF stops in a hidden tab, and the recording should not.
  const timer = setInterval(draw, 1000 / FPS)
  const video = canvas.captureStream(FPS)
  const recorder = new MediaRecorder(new MediaStream([...video.getVideoTracks(), ...mix.stream.getAudioTracks()]), { mimeType })
  const chunks: Blob[] = []
  recorder.addEventListener('dataavailable', (event) => {
    if (event.data.size > 0) chunks.push(event.data)
  })
  // One-second slices: a crash or a closed tab loses at most the last second, not the whole file.
  recorder.start(1000)

  return {
    startedAt: Date.now(),
    mimeType,
    stop() {
      return new Promise((resolve) => {
        recorder.addEventListener(
          'stop',
          () => {
            clearInterval(timer)
            for (const track of video.getTracks()) track.stop()
            for (const source of mixed.values()) source.disconnect()
            void audio.close()
            resolve(new Blob(chunks, { type: mimeType.split(';')[0] }))
          },
          { once: true },
        )
        recorder.stop()
      })
    },
  }
}

import { el } from './dom.js'

export interface VideoTileOptions {
  readonly label: string
  /** The local preview: muted (no echo of yourself) and mirrored, as people expect a mirror. */
  readonly local: boolean
  readonly peerId?: string
  /** A shared screen: shown whole (never cropped or mirrored), tagged with whose it is. */
  readonly screenOf?: string
}

export interface VideoTile {
  readonly element: HTMLElement
  readonly video: HTMLVideoElement
  setStream(stream: MediaStream | null): void
  setLabel(label: string): void
  /** A short state over the picture ("Connecting…", "Camera off"); `undefined` clears it. */
  setOverlay(text: string | undefined): void
  /** A small tag in the corner ("Muted"); `undefined` clears it. */
  setBadge(text: string | undefined): void
  remove(): void
}

/** One participant's picture with their name, as a `<figure>` so the caption names the video. */
export function createVideoTile(options: VideoTileOptions): VideoTile {
  const mirrored = options.local && options.screenOf === undefined
  const video = el('video', { autoplay: true, playsinline: true, class: mirrored ? 'mirrored' : undefined })
  // `muted` must be set as a property: the attribute only sets the default.
  video.muted = options.local
  const caption = el('figcaption', { class: 'tile-label' }, [options.label])
  const overlay = el('p', { class: 'tile-overlay', hidden: true })
  const soundButton = el('button', { type: 'button', class: 'tile-sound', hidden: true })
  const badge = el('span', { class: 'tile-badge', hidden: true })
  const classes = ['tile', options.local ? 'tile-local' : '', options.screenOf !== undefined ? 'tile-screen' : ''].filter(Boolean)
  const element = el(
    'figure',
    { class: classes.join(' '), 'data-peer-id': options.peerId, 'data-screen-of': options.screenOf },
    [video, overlay, badge, soundButton, caption],
  )

  soundButton.addEventListener('click', () => {
    video.muted = false
    soundButton.hidden = true
    void video.play().catch(() => undefined)
  })

  function play(): void {
    video.play().catch((error: unknown) => {
      // Autoplay with sound can be refused before the first user gesture (e.g. opening an invite
      // link); play muted so the picture shows, and offer sound behind a click.
      if (options.local || !(error instanceof DOMException) || error.name !== 'NotAllowedError') return
      video.muted = true
      soundButton.textContent = `Play sound from ${caption.textContent ?? 'this participant'}`
      soundButton.hidden = false
      void video.play().catch(() => undefined)
    })
  }

  return {
    element,
    video,
    setStream(stream) {
      // A trackless stream never gets past HAVE_NOTHING, and a loading media element holds up the
      // document's load event: the tab would spin forever for someone without a camera.
      const source = stream && stream.getTracks().length > 0 ? stream : null
      if (video.srcObject === source) return
      video.srcObject = source
      if (source) play()
    },
    setLabel(label) {
      caption.textContent = label
    },
    setOverlay(text) {
      overlay.textContent = text ?? ''
      overlay.hidden = text === undefined
    },
    setBadge(text) {
      badge.textContent = text ?? ''
      badge.hidden = text === undefined
    },
    remove() {
      video.srcObject = null
      element.remove()
    },
  }
}

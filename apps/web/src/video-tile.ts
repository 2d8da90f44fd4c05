import { el } from './dom.js'
import { icon } from './icons.js'

export interface VideoTileOptions {
  readonly label: string
  /** The local preview: muted (no echo of yourself) and mirrored, as people expect a mirror. */
  readonly local: boolean
  readonly peerId?: string
  /** A shared screen: shown whole (never cropped or mirrored), tagged with whose it is. */
  readonly screenOf?: string
  /** Pin and fullscreen buttons on the tile (not on the lobby preview). */
  readonly actions?: { readonly onPin: (tile: VideoTile) => void }
}

/** good / fair / poor, or unknown while nothing has been measured. */
export type TileQuality = 'good' | 'fair' | 'poor'

export interface VideoTile {
  readonly element: HTMLElement
  readonly video: HTMLVideoElement
  readonly label: string
  setStream(stream: MediaStream | null): void
  setLabel(label: string): void
  /** A short state over the picture ("Connecting…", "Camera off"); `undefined` clears it. */
  setOverlay(text: string | undefined): void
  /** No picture to show (no camera, camera off): the initials avatar covers the video. */
  setAvatar(shown: boolean): void
  setMuted(muted: boolean): void
  setPresenting(presenting: boolean): void
  setPinned(pinned: boolean): void
  setQuality(quality: TileQuality | undefined): void
  remove(): void
}

/** "Ada Lovelace" → "AL", "bob" → "B", "(you)" and other non-letters ignored. */
export function initials(label: string): string {
  const words = label.replace(/\(you\)$/, '').match(/\p{L}[\p{L}\p{N}'’-]*/gu) ?? []
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words.slice(0, 1)
  return letters.map((word) => (word ?? '').charAt(0).toLocaleUpperCase()).join('') || '?'
}

const QUALITY_TEXT: Readonly<Record<TileQuality, string>> = { good: 'Good connection', fair: 'Fair connection', poor: 'Poor connection' }

/** One participant's picture with their name, as a `<figure>` so the caption names the video. */
export function createVideoTile(options: VideoTileOptions): VideoTile {
  const mirrored = options.local && options.screenOf === undefined
  const video = el('video', { autoplay: true, playsinline: true, class: mirrored ? 'mirrored' : undefined })
  // `muted` must be set as a property: the attribute only sets the default.
  video.muted = options.local
  let label = options.label
  const caption = el('figcaption', { class: 'tile-label' }, [label])
  const presenting = el('span', { class: 'tile-tag' }, ['Presenting'])
  presenting.hidden = true
  const mutedIcon = el('span', { class: 'tile-muted', role: 'img', 'aria-label': 'Microphone muted', hidden: true }, [icon('mic-off')])
  const quality = el('span', { class: 'tile-quality', role: 'img', hidden: true }, [el('i'), el('i'), el('i')])
  const nameplate = el('div', { class: 'tile-nameplate' }, [mutedIcon, caption, presenting, quality])
  const avatar = el('div', { class: 'tile-avatar', hidden: true, 'aria-hidden': 'true' }, [el('span', { class: 'tile-initials' }, [initials(label)])])
  const overlay = el('p', { class: 'tile-overlay', hidden: true })
  const soundButton = el('button', { type: 'button', class: 'tile-sound', hidden: true })
  const classes = ['tile', options.local ? 'tile-local' : '', options.screenOf !== undefined ? 'tile-screen' : ''].filter(Boolean)
  const element = el(
    'figure',
    { class: classes.join(' '), 'data-peer-id': options.peerId, 'data-screen-of': options.screenOf },
    [video, avatar, overlay, soundButton, nameplate],
  )

  let pinButton: HTMLButtonElement | undefined
  let fullscreenButton: HTMLButtonElement | undefined
  if (options.actions) {
    const { onPin } = options.actions
    pinButton = el('button', { type: 'button', class: 'tile-action', 'aria-pressed': 'false', 'aria-label': `Pin ${label}`, title: 'Pin' }, [icon('pin')])
    fullscreenButton = el('button', { type: 'button', class: 'tile-action', 'aria-label': `Fullscreen ${label}`, title: 'Fullscreen' }, [icon('fullscreen')])
    element.append(el('div', { class: 'tile-actions' }, [pinButton, fullscreenButton]))
    pinButton.addEventListener('click', () => onPin(tile))
    fullscreenButton.addEventListener('click', () => {
      if (document.fullscreenElement === element) void document.exitFullscreen().catch(() => undefined)
      else void element.requestFullscreen().catch(() => undefined)
    })
  }

  soundButton.addEventListener('click', () => {
    video.muted = false
    soundButton.hidden = true
    void video.play().catch(() => undefined)
  })

  function play(): void {
    video.play().catch((error: unknown) => {
      // Autoplay with sound can be refused before the first user gesture; play muted so the
      // picture shows, and offer sound behind a click.
      if (options.local || !(error instanceof DOMException) || error.name !== 'NotAllowedError') return
      video.muted = true
      soundButton.textContent = `Play sound from ${label}`
      soundButton.hidden = false
      void video.play().catch(() => undefined)
    })
  }

  const tile: VideoTile = {
    element,
    video,
    get label() {
      return label
    },
    setStream(stream) {
      // A trackless stream never gets past HAVE_NOTHING, and a loading media element holds up the
      // document's load event: the tab would spin forever for someone without a camera.
      const source = stream && stream.getTracks().length > 0 ? stream : null
      if (video.srcObject === source) return
      video.srcObject = source
      if (source) play()
    },
    setLabel(text) {
      label = text
      caption.textContent = text
      avatar.firstElementChild?.replaceChildren(initials(text))
      pinButton?.setAttribute('aria-label', `Pin ${text}`)
      fullscreenButton?.setAttribute('aria-label', `Fullscreen ${text}`)
    },
    setOverlay(text) {
      overlay.textContent = text ?? ''
      overlay.hidden = text === undefined
    },
    setAvatar(shown) {
      avatar.hidden = !shown
    },
    setMuted(muted) {
      mutedIcon.hidden = !muted
      element.dataset.muted = String(muted)
    },
    setPresenting(shown) {
      presenting.hidden = !shown
    },
    setPinned(pinned) {
      pinButton?.setAttribute('aria-pressed', String(pinned))
      element.dataset.pinned = String(pinned)
    },
    setQuality(value) {
      quality.hidden = value === undefined
      if (value === undefined) {
        delete element.dataset.quality
        return
      }
      element.dataset.quality = value
      quality.setAttribute('aria-label', QUALITY_TEXT[value])
      quality.title = QUALITY_TEXT[value]
    },
    remove() {
      video.srcObject = null
      element.remove()
    },
  }
  return tile
}

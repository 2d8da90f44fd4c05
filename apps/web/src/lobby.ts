import { createControlButton } from './control-button.js'
import { createDevicePickers } from './device-pickers.js'
import { el, uniqueId } from './dom.js'
import { acquireLocalMedia, stopLocalMedia, type LocalMedia } from './media.js'
import { createMicMeter } from './mic-meter.js'
import { generateRoomName, isValidRoomName, MAX_DISPLAY_NAME_LENGTH } from './room-name.js'
import { createVideoTile } from './video-tile.js'

export interface JoinRequest {
  readonly room: string
  readonly name: string | undefined
  /** Handed over to the caller, who now owns (and eventually stops) it. */
  readonly media: LocalMedia
  /** Muted / camera off as chosen here: the call starts that way, nothing is sent before. */
  readonly initial: { readonly audioMuted: boolean; readonly videoOff: boolean }
}

export interface LobbyOptions {
  readonly room: string
  readonly name: string
  /** Why the participant is back in the lobby, e.g. a rejected join or an invalid link. */
  readonly error?: string
  /** Move focus to the heading, e.g. after leaving a call, so keyboard users start from the top. */
  readonly focus?: boolean
  readonly onJoin: (request: JoinRequest) => void
}

export const INVALID_ROOM_NAME = 'Room names are 1–64 letters, digits, “-” or “_”, such as quiet-otter-7h3kq-p2xw9-dfam4.'

/**
 * The pre-join screen, for every entry (an invite link fills in the room): room and display name,
 * a camera preview with microphone and camera toggles, device pickers, a microphone level meter,
 * what to do when access is refused (with "Try again"), and the Join button.
 */
export function renderLobby(root: HTMLElement, options: LobbyOptions): void {
  const headingId = uniqueId('lobby-heading')
  const roomId = uniqueId('room')
  const roomHintId = uniqueId('room-hint')
  const nameId = uniqueId('name')
  const errorId = uniqueId('lobby-error')

  const heading = el('h1', { id: headingId, tabindex: '-1' }, ['Join a video call'])
  const roomInput = el('input', {
    id: roomId,
    name: 'room',
    required: true,
    maxlength: '64',
    autocomplete: 'off',
    autocapitalize: 'none',
    spellcheck: 'false',
    'aria-describedby': `${roomHintId} ${errorId}`,
  })
  roomInput.value = options.room
  const newRoomButton = el('button', { type: 'button', class: 'secondary' }, ['New room name'])
  const nameInput = el('input', {
    id: nameId,
    name: 'name',
    maxlength: String(MAX_DISPLAY_NAME_LENGTH),
    autocomplete: 'nickname',
    placeholder: 'Shown to others',
  })
  nameInput.value = options.name
  const error = el('p', { id: errorId, class: 'form-error', role: 'alert' })
  const joinButton = el('button', { type: 'submit', class: 'primary' }, ['Join'])
  const form = el('form', { class: 'lobby-form', novalidate: true, 'aria-labelledby': headingId }, [
    el('div', { class: 'field' }, [
      el('label', { for: roomId }, ['Room name']),
      el('div', { class: 'field-row' }, [roomInput, newRoomButton]),
      el('p', { id: roomHintId, class: 'hint' }, [
        'The room name is the key: anyone who has it, or the invite link, can join. Keep the generated name for a private call.',
      ]),
    ]),
    el('div', { class: 'field' }, [
      el('label', { for: nameId }, ['Your name ', el('span', { class: 'hint' }, ['(optional)'])]),
      nameInput,
    ]),
    error,
    joinButton,
  ])

  const preview = createVideoTile({ label: options.name || 'You', local: true })
  const mediaNotice = el('p', { class: 'media-notice', role: 'status' })
  const retryButton = el('button', { type: 'button', class: 'secondary', hidden: true }, ['Try again'])
  const mic = createControlButton({ label: 'Mute', icon: 'mic', pressedIcon: 'mic-off' })
  const camera = createControlButton({ label: 'Camera off', icon: 'camera', pressedIcon: 'camera-off' })
  const meter = createMicMeter()
  // The pickers act on whichever stream is current; a retry brings a new one.
  let stream = new MediaStream()
  const devicesSlot = el('div', { class: 'lobby-devices' })

  root.replaceChildren(
    el('section', { class: 'lobby', 'aria-labelledby': headingId }, [
      heading,
      el('div', { class: 'lobby-body' }, [
        el('div', { class: 'lobby-preview' }, [
          preview.element,
          el('div', { class: 'lobby-toggles', role: 'group', 'aria-label': 'Before joining' }, [mic.element, camera.element, meter.element]),
          mediaNotice,
          retryButton,
          devicesSlot,
        ]),
        form,
      ]),
    ]),
  )

  let pickers: ReturnType<typeof createDevicePickers> | undefined
  let media: Promise<LocalMedia> = openMedia()
  let joined = false

  function showChoice(): void {
    const hasAudio = stream.getAudioTracks().length > 0
    const hasVideo = stream.getVideoTracks().length > 0
    for (const track of stream.getAudioTracks()) track.enabled = !mic.pressed
    for (const track of stream.getVideoTracks()) track.enabled = !camera.pressed
    mic.element.disabled = !hasAudio
    camera.element.disabled = !hasVideo
    preview.setAvatar(!hasVideo || camera.pressed)
    preview.setMuted(hasAudio && mic.pressed)
    meter.setTrack(stream.getAudioTracks()[0])
  }

  function openMedia(): Promise<LocalMedia> {
    preview.setOverlay('Starting camera…')
    mediaNotice.textContent = ''
    retryButton.hidden = true
    const pending = acquireLocalMedia()
    void pending.then((result) => {
      if (joined || pending !== media) return
      stream = result.stream
      preview.setStream(result.stream)
      preview.setOverlay(result.stream.getVideoTracks().length > 0 ? undefined : 'No camera')
      mediaNotice.textContent = result.notice ?? ''
      retryButton.hidden = result.notice === undefined
      pickers?.dispose()
      pickers = createDevicePickers({
        stream: result.stream,
        replace: async (kind, track) => {
          const old = kind === 'video' ? result.stream.getVideoTracks()[0] : result.stream.getAudioTracks()[0]
          if (!old) throw new Error(`No ${kind === 'video' ? 'camera' : 'microphone'} is open; press “Try again” first.`)
          result.stream.removeTrack(old)
          result.stream.addTrack(track)
          showChoice()
        },
        onCameraChanged: () => {
          preview.setStream(null)
          preview.setStream(result.stream)
        },
        notify: (text) => (mediaNotice.textContent = text),
        remoteMedia: () => [],
      })
      devicesSlot.replaceChildren(pickers.element)
      showChoice()
    })
    return pending
  }

  mic.element.addEventListener('click', () => {
    mic.setPressed(!mic.pressed)
    showChoice()
  })
  camera.element.addEventListener('click', () => {
    camera.setPressed(!camera.pressed)
    showChoice()
  })
  nameInput.addEventListener('input', () => preview.setLabel(nameInput.value.trim() || 'You'))

  function showError(message: string): void {
    error.textContent = message
  }

  if (options.error) showError(options.error)
  if (options.focus) heading.focus()

  retryButton.addEventListener('click', () => {
    const previous = media
    media = openMedia()
    void previous.then(stopLocalMedia)
  })

  newRoomButton.addEventListener('click', () => {
    roomInput.value = generateRoomName()
    roomInput.removeAttribute('aria-invalid')
    showError('')
  })

  roomInput.addEventListener('input', () => {
    if (isValidRoomName(roomInput.value.trim())) roomInput.removeAttribute('aria-invalid')
  })

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    if (joined) return
    const room = roomInput.value.trim()
    if (!isValidRoomName(room)) {
      roomInput.setAttribute('aria-invalid', 'true')
      showError(INVALID_ROOM_NAME)
      roomInput.focus()
      return
    }
    showError('')
    joined = true
    joinButton.disabled = true
    joinButton.textContent = 'Joining…'
    const name = nameInput.value.trim() || undefined
    void media.then((result) => {
      preview.setStream(null)
      pickers?.dispose()
      meter.dispose()
      options.onJoin({ room, name, media: result, initial: { audioMuted: mic.pressed, videoOff: camera.pressed } })
    })
  })
}

import { renderLobby } from './lobby.js'
import { acquireLocalMedia, stopLocalMedia, type LocalMedia } from './media.js'
import { enterRoom } from './room-view.js'
import { generateRoomName, isValidRoomName } from './room-name.js'
import { signalingUrl } from './signaling-url.js'
import { el } from './dom.js'
import { INVALID_ROOM_NAME } from './lobby.js'

const NAME_KEY = 'peerlane:name'

const root = document.getElementById('app')
if (!root) throw new Error('index.html has no #app element')
const app: HTMLElement = root

const params = new URLSearchParams(location.search)
const debug = params.has('debug')
// Browser tests shorten the file stall timeout rather than wait out the default; debug only.
const fileStallMs = debug ? Number(params.get('fileStallMs') ?? NaN) : NaN

function loadName(): string {
  try {
    return localStorage.getItem(NAME_KEY) ?? ''
  } catch {
    return ''
  }
}

function saveName(name: string | undefined): void {
  try {
    if (name) localStorage.setItem(NAME_KEY, name)
    else localStorage.removeItem(NAME_KEY)
  } catch {
    // Storage can be disabled (private mode, policies); the name is then simply not remembered.
  }
}

/** Keeps the address bar an invite link while in a room, and plain `/` in the lobby. */
function setRoomInUrl(room: string | undefined): void {
  const url = new URL(location.href)
  url.search = ''
  if (room !== undefined) url.searchParams.set('room', room)
  if (debug) url.searchParams.set('debug', '')
  history.replaceState(null, '', url)
}

function showLobby(options: { room?: string; error?: string; focus?: boolean } = {}): void {
  renderLobby(app, {
    room: options.room ?? generateRoomName(),
    name: loadName(),
    ...(options.error === undefined ? {} : { error: options.error }),
    focus: options.focus ?? false,
    onJoin: ({ room, name, media }) => {
      saveName(name)
      showRoom(room, name, media)
    },
  })
}

function showRoom(room: string, name: string | undefined, media: LocalMedia): void {
  enterRoom(app, {
    room,
    name,
    media,
    url: signalingUrl(location),
    exposeClient: debug,
    ...(Number.isFinite(fileStallMs) && fileStallMs > 0 ? { fileStallTimeoutMs: fileStallMs } : {}),
    onJoined: setRoomInUrl,
    onExit: (error) => {
      stopLocalMedia(media)
      setRoomInUrl(undefined)
      showLobby({ room, ...(error === undefined ? {} : { error }), focus: true })
    },
  })
}

const linkedRoom = params.get('room')
if (linkedRoom === null) {
  showLobby()
} else if (!isValidRoomName(linkedRoom)) {
  setRoomInUrl(undefined)
  showLobby({ error: `The link’s room name is not valid. ${INVALID_ROOM_NAME}` })
} else {
  // An invite link joins in one click: no lobby, just the camera prompt.
  app.replaceChildren(el('p', { class: 'status', role: 'status' }, [`Opening camera and microphone to join ${linkedRoom}…`]))
  void acquireLocalMedia().then((media) => showRoom(linkedRoom, loadName() || undefined, media))
}

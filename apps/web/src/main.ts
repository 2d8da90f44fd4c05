import { INVALID_ROOM_NAME, renderLobby, type JoinRequest } from './lobby.js'
import { acquireLocalMedia, stopLocalMedia } from './media.js'
import { enterRoom } from './room-view.js'
import { generateRoomName, isValidRoomName } from './room-name.js'
import { signalingUrl } from './signaling-url.js'

const NAME_KEY = 'peerlane:name'

const root = document.getElementById('app')
if (!root) throw new Error('index.html has no #app element')
const app: HTMLElement = root

const params = new URLSearchParams(location.search)
const debug = params.has('debug')
// Browser tests shorten the file stall timeout rather than wait out the default; debug only.
const fileStallMs = debug ? Number(params.get('fileStallMs') ?? NaN) : NaN
// A room token (servers in token mode) comes in the fragment, `#token=…`: browsers send neither the
// fragment to servers nor it in Referer, and the invite link (built from the room) never carries it.
const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? undefined

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
    onJoin: (request) => {
      saveName(request.name)
      showRoom(request)
    },
  })
}

function showRoom(request: JoinRequest): void {
  const { room, media } = request
  let retrying = false
  const call = enterRoom(app, {
    ...request,
    url: signalingUrl(location),
    exposeClient: debug,
    ...(token === undefined ? {} : { token }),
    ...(Number.isFinite(fileStallMs) && fileStallMs > 0 ? { fileStallTimeoutMs: fileStallMs } : {}),
    onJoined: setRoomInUrl,
    onExit: (error) => {
      if (retrying) return
      stopLocalMedia(media)
      setRoomInUrl(undefined)
      showLobby({ room, ...(error === undefined ? {} : { error }), focus: true })
    },
    onRetryMedia: async () => {
      const fresh = await acquireLocalMedia()
      const had = media.stream.getTracks().length
      if (fresh.stream.getTracks().length <= had) {
        stopLocalMedia(fresh)
        return fresh.notice ?? 'Still no camera or microphone.'
      }
      // Rejoin with the new devices: the old connections were negotiated without them.
      retrying = true
      call.leave()
      stopLocalMedia(media)
      showRoom({ ...request, media: fresh })
      return undefined
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
  // An invite link opens the same pre-join as the lobby, with its room filled in: nothing is sent
  // before the person has seen their preview and chosen to join (muted, if they like).
  showLobby({ room: linkedRoom })
}

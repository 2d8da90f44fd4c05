import { PeerlaneClient, PeerlaneError, type ClientState, type RemotePeer } from '@peerlane/sdk'
import { el, uniqueId } from './dom.js'
import { copyText, inviteLink } from './invite-link.js'
import type { LocalMedia } from './media.js'
import { createVideoTile, type VideoTile } from './video-tile.js'

declare global {
  interface Window {
    /** Set only with `?debug`; see `exposeClient`. */
    __peerlane?: { readonly client: PeerlaneClient }
  }
}

export interface RoomOptions {
  readonly room: string
  readonly name: string | undefined
  readonly media: LocalMedia
  /** The signaling WebSocket URL. */
  readonly url: string
  /**
   * Publish the client as `window.__peerlane` so the browser tests (and a person debugging a call
   * from the console) can read `getStats()` from its peer connections. Opt-in via `?debug`
   * rather than always: a global is API surface that other scripts on the page could come to
   * rely on, and the production page has no reason to offer it.
   */
  readonly exposeClient: boolean
  /** The server accepted the join. */
  readonly onJoined: (room: string) => void
  /** The participant left or never got in; `error` says why when it was not their choice. */
  readonly onExit: (error?: string) => void
}

function describeJoinFailure(error: unknown, room: string): string {
  if (!(error instanceof PeerlaneError)) return `Could not join “${room}”: ${String(error)}`
  switch (error.code) {
    case 'room-full':
      return `Room “${room}” is full. Pick another room name.`
    case 'connection-failed':
      return 'Could not reach the Peerlane server. Check your connection and try again.'
    default:
      return `Could not join “${room}”: ${error.message}`
  }
}

function peerLabel(peer: RemotePeer): string {
  return peer.name ?? `Guest ${peer.id}`
}

const CONNECTION_OVERLAY: Readonly<Partial<Record<RTCPeerConnectionState, string>>> = {
  new: 'Connecting…',
  connecting: 'Connecting…',
  disconnected: 'Reconnecting…',
  failed: 'Connection failed',
}

/** The call screen: a grid of video tiles, the call controls and a status line. */
export function enterRoom(root: HTMLElement, options: RoomOptions): void {
  const { room, media } = options
  const headingId = uniqueId('room-heading')
  const inviteId = uniqueId('invite')
  const link = inviteLink(location, room)

  const heading = el('h1', { id: headingId, tabindex: '-1' }, ['Room ', el('span', { class: 'room-name' }, [room])])
  const status = el('p', { class: 'status', role: 'status' }, [`Connecting to ${room}…`])
  const grid = el('div', { class: 'grid', 'data-count': '1' })
  const notice = el('p', { class: 'notice', role: 'status' }, [media.notice ?? ''])
  const audioTracks = media.stream.getAudioTracks()
  const videoTracks = media.stream.getVideoTracks()
  const muteButton = el('button', { type: 'button', class: 'control', disabled: audioTracks.length === 0 }, ['Mute'])
  const cameraButton = el('button', { type: 'button', class: 'control', disabled: videoTracks.length === 0 }, [
    'Camera off',
  ])
  const copyButton = el('button', { type: 'button', class: 'control' }, ['Copy invite link'])
  const leaveButton = el('button', { type: 'button', class: 'control danger' }, ['Leave'])
  const inviteField = el('input', { id: inviteId, readonly: true, class: 'invite-field' })
  inviteField.value = link

  root.replaceChildren(
    el('section', { class: 'room', 'aria-labelledby': headingId }, [
      el('div', { class: 'room-header' }, [heading, status]),
      grid,
      el('div', { class: 'controls', role: 'group', 'aria-label': 'Call controls' }, [
        muteButton,
        cameraButton,
        copyButton,
        leaveButton,
      ]),
      notice,
      el('div', { class: 'invite' }, [el('label', { for: inviteId }, ['Invite link']), inviteField]),
    ]),
  )
  heading.focus()

  const selfLabel = options.name ? `${options.name} (you)` : 'You'
  const localTile = createVideoTile({ label: selfLabel, local: true })
  localTile.setStream(media.stream)
  if (videoTracks.length === 0) localTile.setOverlay('No camera')
  grid.append(localTile.element)

  const tiles = new Map<string, VideoTile>()
  const client = new PeerlaneClient({ url: options.url })
  if (options.exposeClient) window.__peerlane = { client }
  let exited = false

  function setStatus(text: string, kind: 'info' | 'error' = 'info'): void {
    status.textContent = text
    status.dataset.kind = kind
  }

  function inRoomStatus(): string {
    const others = tiles.size
    return `In room ${room} · ${others === 0 ? 'waiting for others to join' : `you and ${others} other${others === 1 ? '' : 's'}`}`
  }

  function updateCount(): void {
    grid.dataset.count = String(tiles.size + 1)
    if (client.state === 'joined') setStatus(inRoomStatus())
  }

  function tileFor(peer: RemotePeer): VideoTile {
    let tile = tiles.get(peer.id)
    if (!tile) {
      tile = createVideoTile({ label: peerLabel(peer), local: false, peerId: peer.id })
      tile.setOverlay(CONNECTION_OVERLAY[peer.connection.connectionState])
      tiles.set(peer.id, tile)
      grid.append(tile.element)
      updateCount()
    }
    return tile
  }

  const subscriptions = [
    client.on('peer-joined', (peer) => {
      tileFor(peer)
      notice.textContent = `${peerLabel(peer)} joined`
    }),
    client.on('peer-left', (peer, reason) => {
      tiles.get(peer.id)?.remove()
      tiles.delete(peer.id)
      updateCount()
      notice.textContent = `${peerLabel(peer)} ${reason === 'left' ? 'left' : 'disconnected'}`
    }),
    client.on('track', ({ peer, track, streams }) => {
      const tile = tileFor(peer)
      const stream = streams[0] ?? (tile.video.srcObject instanceof MediaStream ? tile.video.srcObject : new MediaStream())
      if (!stream.getTracks().includes(track)) stream.addTrack(track)
      tile.setStream(stream)
    }),
    client.on('connection-state', ({ peer, state }) => {
      tiles.get(peer.id)?.setOverlay(CONNECTION_OVERLAY[state])
    }),
    client.on('state', (state: ClientState) => {
      if (state === 'connecting') setStatus(`Connecting to ${room}…`)
      else if (state === 'joined') setStatus(inRoomStatus())
      else if (state === 'closed' && !exited) setStatus('Disconnected from the server. Leave and join again to reconnect.', 'error')
    }),
    client.on('error', (error) => {
      const peer = error.peerId === undefined ? undefined : client.peers.get(error.peerId)
      setStatus(peer ? `Problem with ${peerLabel(peer)}: ${error.message}` : error.message, 'error')
    }),
  ]

  function exit(error?: string): void {
    if (exited) return
    exited = true
    client.leave()
    for (const unsubscribe of subscriptions) unsubscribe()
    for (const tile of tiles.values()) tile.remove()
    localTile.remove()
    window.removeEventListener('pagehide', onPageHide)
    if (window.__peerlane?.client === client) delete window.__peerlane
    options.onExit(error)
  }

  // Say goodbye on close/reload so the others drop this tile at once, not after a timeout. The
  // SDK currently does this too, but undocumented; leave() is idempotent, so both are harmless.
  function onPageHide(): void {
    client.leave()
  }
  window.addEventListener('pagehide', onPageHide)

  let muted = false
  muteButton.addEventListener('click', () => {
    muted = !muted
    for (const track of audioTracks) track.enabled = !muted
    muteButton.textContent = muted ? 'Unmute' : 'Mute'
    muteButton.dataset.off = String(muted)
    notice.textContent = muted ? 'Microphone muted' : 'Microphone on'
  })

  let cameraOff = false
  cameraButton.addEventListener('click', () => {
    cameraOff = !cameraOff
    for (const track of videoTracks) track.enabled = !cameraOff
    cameraButton.textContent = cameraOff ? 'Camera on' : 'Camera off'
    cameraButton.dataset.off = String(cameraOff)
    localTile.setOverlay(cameraOff ? 'Camera off' : undefined)
    notice.textContent = cameraOff ? 'Camera off' : 'Camera on'
  })

  copyButton.addEventListener('click', () => {
    void copyText(link, inviteField).then((copied) => {
      notice.textContent = copied ? 'Invite link copied' : 'Copy the invite link below (Ctrl+C or ⌘C)'
      if (!copied) {
        inviteField.focus()
        inviteField.select()
      }
    })
  })

  leaveButton.addEventListener('click', () => exit())

  client.join(room, { name: options.name, stream: media.stream }).then(
    () => {
      if (!exited) options.onJoined(room)
    },
    (error: unknown) => exit(describeJoinFailure(error, room)),
  )
}

import { PeerlaneClient, PeerlaneError, type ClientState, type RemotePeer } from '@peerlane/sdk'
import { useChat, type Chat, type ChatMessage } from '@peerlane/sdk/chat'
import { useFiles, type Files } from '@peerlane/sdk/files'
import { watchActiveSpeaker } from './active-speaker.js'
import { createChatPanel } from './chat-panel.js'
import { createDevicePickers } from './device-pickers.js'
import { el, uniqueId } from './dom.js'
import { createFilePanel, formatBytes } from './file-panel.js'
import { copyText, inviteLink } from './invite-link.js'
import type { LocalMedia } from './media.js'
import { startRecording, supportedRecordingType, type CallRecording } from './recorder.js'
import { createStatsPanel } from './stats-panel.js'
import { createVideoTile, type VideoTile } from './video-tile.js'

declare global {
  interface Window {
    /** Set only with `?debug`; see `exposeClient`. */
    __peerlane?: { readonly client: PeerlaneClient; readonly chat: Chat; readonly files: Files }
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
  /** The SDK's file stall timeout, when not its default (only `?debug&fileStallMs=` sets it, for tests). */
  readonly fileStallTimeoutMs?: number
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

function describeScreenFailure(error: unknown): string {
  const name = error instanceof Error || error instanceof DOMException ? error.name : ''
  if (name === 'NotAllowedError') return 'Screen sharing was cancelled or is blocked by the browser.'
  if (name === 'NotFoundError' || name === 'NotSupportedError') return 'This browser cannot share the screen.'
  return `Could not share the screen: ${error instanceof Error ? error.message : String(error)}`
}

function elapsed(ms: number): string {
  const seconds = Math.floor(ms / 1000)
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`
}

function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  const link = el('a', { href: url, download: name, hidden: true })
  document.body.append(link)
  link.click()
  link.remove()
  // The download has its own copy once started; give slow browsers a moment before freeing it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

/**
 * The call screen: a grid of video tiles (one per camera, one more per shared screen), the call
 * controls, chat, file transfers, device pickers, call statistics and recording.
 */
export function enterRoom(root: HTMLElement, options: RoomOptions): void {
  const { room, media } = options
  const headingId = uniqueId('room-heading')
  const inviteId = uniqueId('invite')
  const link = inviteLink(location, room)

  const heading = el('h1', { id: headingId, tabindex: '-1' }, ['Room ', el('span', { class: 'room-name' }, [room])])
  const status = el('p', { class: 'status', role: 'status' }, [`Connecting to ${room}…`])
  const grid = el('div', { class: 'grid', 'data-count': '1' })
  const notice = el('p', { class: 'notice', role: 'status' }, [media.notice ?? ''])
  const hasAudio = media.stream.getAudioTracks().length > 0
  const hasVideo = media.stream.getVideoTracks().length > 0
  const control = (label: string, extra: Record<string, string | boolean | undefined> = {}) =>
    el('button', { type: 'button', class: 'control', ...extra }, [label])
  const muteButton = control('Mute', { disabled: !hasAudio })
  const cameraButton = control('Camera off', { disabled: !hasVideo })
  const screenButton = control('Share screen', { disabled: !navigator.mediaDevices?.getDisplayMedia })
  const recordButton = control('Record', { disabled: supportedRecordingType() === undefined })
  const recordTime = el('span', { class: 'record-time', role: 'timer', 'aria-label': 'Recording time', hidden: true })
  const chatButton = control('Chat')
  const fileButton = control('Send file')
  const fileInput = el('input', { type: 'file', multiple: true, hidden: true, tabindex: '-1', 'aria-hidden': 'true' })
  const statsButton = control('Stats')
  const copyButton = control('Copy invite link')
  const leaveButton = el('button', { type: 'button', class: 'control danger' }, ['Leave'])
  const inviteField = el('input', { id: inviteId, readonly: true, class: 'invite-field' })
  inviteField.value = link

  const client = new PeerlaneClient({ url: options.url })
  const chatFeature = useChat(client)
  const fileFeature = useFiles(client, options.fileStallTimeoutMs === undefined ? {} : { stallTimeoutMs: options.fileStallTimeoutMs })
  if (options.exposeClient) window.__peerlane = { client, chat: chatFeature, files: fileFeature }

  const tiles = new Map<string, VideoTile>()
  const screenTiles = new Map<string, VideoTile>()
  const labelOf = (peerId: string) => {
    const peer = client.peers.get(peerId)
    return peer ? peerLabel(peer) : `Guest ${peerId}`
  }

  const chat = createChatPanel({
    button: chatButton,
    send: (text) => {
      try {
        return chatFeature.send(text)
      } catch (error) {
        return error instanceof Error ? error.message : String(error)
      }
    },
    nameOf: (message: ChatMessage) => (message.local ? 'You' : (message.name ?? `Guest ${message.from}`)),
  })
  const files = createFilePanel()
  const stats = createStatsPanel(client, statsButton, labelOf)
  const devices = createDevicePickers({
    client,
    stream: media.stream,
    onCameraChanged: () => {
      localTile.setStream(null)
      localTile.setStream(media.stream)
    },
    notify: (text) => (notice.textContent = text),
    remoteMedia: () => [...tiles.values()].map((tile) => tile.video),
  })

  root.replaceChildren(
    el('section', { class: 'room', 'aria-labelledby': headingId }, [
      el('div', { class: 'room-header' }, [heading, status]),
      el('div', { class: 'room-body' }, [el('div', { class: 'stage' }, [grid, stats.element]), chat.element]),
      el('div', { class: 'controls', role: 'group', 'aria-label': 'Call controls' }, [
        muteButton,
        cameraButton,
        screenButton,
        recordButton,
        recordTime,
        chatButton,
        chat.unreadDescription,
        fileButton,
        fileInput,
        statsButton,
        copyButton,
        leaveButton,
      ]),
      notice,
      files.element,
      devices.element,
      el('div', { class: 'invite' }, [el('label', { for: inviteId }, ['Invite link']), inviteField]),
    ]),
  )
  heading.focus()

  const selfLabel = options.name ? `${options.name} (you)` : 'You'
  const localTile = createVideoTile({ label: selfLabel, local: true })
  localTile.setStream(media.stream)
  if (!hasVideo) localTile.setOverlay('No camera')
  grid.append(localTile.element)
  let localScreenTile: VideoTile | undefined
  const speaker = watchActiveSpeaker(grid)
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
    grid.dataset.count = String(grid.childElementCount)
    if (client.state === 'joined') setStatus(inRoomStatus())
  }

  function showPeerState(peerId: string): void {
    const tile = tiles.get(peerId)
    if (!tile) return
    const peer = client.peers.get(peerId)
    const state = peer?.mediaState
    const connection = peer?.connectionState
    tile.setOverlay((connection && CONNECTION_OVERLAY[connection]) ?? (state?.videoOff ? 'Camera off' : undefined))
    tile.setBadge(state?.audioMuted ? 'Muted' : undefined)
  }

  function tileFor(peer: RemotePeer): VideoTile {
    let tile = tiles.get(peer.id)
    if (!tile) {
      tile = createVideoTile({ label: peerLabel(peer), local: false, peerId: peer.id })
      devices.applySpeaker(tile.video)
      tiles.set(peer.id, tile)
      grid.append(tile.element)
      showPeerState(peer.id)
      updateCount()
    }
    return tile
  }

  function removeScreenTile(peerId: string): void {
    screenTiles.get(peerId)?.remove()
    screenTiles.delete(peerId)
    updateCount()
  }

  const subscriptions = [
    client.on('peer-joined', (peer) => {
      tileFor(peer)
      notice.textContent = `${peerLabel(peer)} joined`
    }),
    client.on('peer-left', (peer, reason) => {
      tiles.get(peer.id)?.remove()
      tiles.delete(peer.id)
      removeScreenTile(peer.id)
      updateCount()
      notice.textContent = `${peerLabel(peer)} ${reason === 'left' ? 'left' : 'disconnected'}`
    }),
    // The SDK tells the camera from the screen (by what the peer announces): no guessing here.
    client.on('streams', ({ peer, camera }) => tileFor(peer).setStream(camera)),
    client.on('screen-share', ({ peer, stream }) => {
      if (stream) {
        removeScreenTile(peer.id)
        const tile = createVideoTile({ label: `${peerLabel(peer)}’s screen`, local: false, screenOf: peer.id })
        tile.setStream(stream)
        screenTiles.set(peer.id, tile)
        tiles.get(peer.id)?.element.after(tile.element)
        notice.textContent = `${peerLabel(peer)} is sharing their screen`
      } else {
        removeScreenTile(peer.id)
        notice.textContent = `${peerLabel(peer)} stopped sharing their screen`
      }
      updateCount()
    }),
    client.on('media-state', ({ peer }) => showPeerState(peer.id)),
    chatFeature.on('message', (message) => chat.add(message)),
    fileFeature.on('file', (transfer, peer) => {
      files.track(transfer, `From ${peerLabel(peer)}: ${transfer.name}`)
      notice.textContent =
        transfer.state === 'offered'
          ? `${peerLabel(peer)} wants to send you ${transfer.name} (${formatBytes(transfer.size)}): accept or decline it in the file list`
          : `${peerLabel(peer)} is sending you ${transfer.name}`
    }),
    chatFeature.on('dropped', ({ peer, dropped }) => {
      notice.textContent = `${peerLabel(peer)} is sending chat too fast; ${dropped} message${dropped === 1 ? '' : 's'} dropped`
    }),
    client.on('local-screen-share', (stream) => {
      localScreenTile?.remove()
      localScreenTile = undefined
      if (stream) {
        localScreenTile = createVideoTile({ label: 'Your screen', local: true, screenOf: 'self' })
        localScreenTile.setStream(stream)
        localTile.element.after(localScreenTile.element)
      }
      screenButton.textContent = stream ? 'Stop sharing' : 'Share screen'
      screenButton.dataset.off = String(stream !== null)
      notice.textContent = stream ? 'You are sharing your screen' : 'Screen sharing stopped'
      updateCount()
    }),
    client.on('connection-state', ({ peer }) => showPeerState(peer.id)),
    client.on('state', (state: ClientState) => {
      if (state === 'connecting') setStatus(`Connecting to ${room}…`)
      else if (state === 'joined') setStatus(inRoomStatus())
      else if (state === 'reconnecting') setStatus('Connection to the server lost; reconnecting… (the call continues)', 'error')
      else if (state === 'closed' && !exited) setStatus('Disconnected from the server. Leave and join again to reconnect.', 'error')
    }),
    client.on('error', (error) => {
      const peer = error.peerId === undefined ? undefined : client.peers.get(error.peerId)
      setStatus(peer ? `Problem with ${peerLabel(peer)}: ${error.message}` : error.message, 'error')
    }),
  ]

  let recording: { session: CallRecording; timer: ReturnType<typeof setInterval> } | undefined

  async function stopRecording(): Promise<void> {
    const current = recording
    if (!current) return
    recording = undefined
    clearInterval(current.timer)
    recordButton.textContent = 'Record'
    recordButton.dataset.off = 'false'
    recordTime.hidden = true
    const file = await current.session.stop()
    const stamp = new Date(current.session.startedAt).toISOString().replace(/[:.]/g, '-')
    download(file, `peerlane-${room}-${stamp}.webm`)
    notice.textContent = `Recording saved (${Math.round(file.size / 1024)} KB)`
  }

  function exit(error?: string): void {
    if (exited) return
    exited = true
    void stopRecording()
    client.leave()
    for (const unsubscribe of subscriptions) unsubscribe()
    for (const tile of [...tiles.values(), ...screenTiles.values()]) tile.remove()
    localScreenTile?.remove()
    localTile.remove()
    speaker.dispose()
    stats.dispose()
    files.dispose()
    devices.dispose()
    if (window.__peerlane?.client === client) delete window.__peerlane
    options.onExit(error)
  }

  // Closing or reloading the page says goodbye by itself: the SDK leaves on `pagehide`.

  muteButton.addEventListener('click', () => {
    const muted = !client.mediaState.audioMuted
    client.setMediaState({ audioMuted: muted })
    muteButton.textContent = muted ? 'Unmute' : 'Mute'
    muteButton.dataset.off = String(muted)
    notice.textContent = muted ? 'Microphone muted' : 'Microphone on'
  })

  cameraButton.addEventListener('click', () => {
    const off = !client.mediaState.videoOff
    client.setMediaState({ videoOff: off })
    cameraButton.textContent = off ? 'Camera on' : 'Camera off'
    cameraButton.dataset.off = String(off)
    localTile.setOverlay(off ? 'Camera off' : undefined)
    notice.textContent = off ? 'Camera off' : 'Camera on'
  })

  screenButton.addEventListener('click', () => {
    if (client.mediaState.screenSharing) {
      client.stopScreenShare()
      return
    }
    navigator.mediaDevices.getDisplayMedia({ video: true, audio: false }).then(
      (stream) => {
        if (exited) {
          for (const track of stream.getTracks()) track.stop()
          return
        }
        try {
          client.startScreenShare(stream)
        } catch (error) {
          for (const track of stream.getTracks()) track.stop()
          notice.textContent = describeScreenFailure(error)
        }
      },
      (error: unknown) => (notice.textContent = describeScreenFailure(error)),
    )
  })

  recordButton.addEventListener('click', () => {
    if (recording) {
      void stopRecording()
      return
    }
    try {
      const session = startRecording(() =>
        [...grid.querySelectorAll<HTMLElement>('.tile')].flatMap((tile) => {
          const video = tile.querySelector('video')
          return video ? [{ video, label: tile.querySelector('figcaption')?.textContent ?? '' }] : []
        }),
      )
      const tick = () => (recordTime.textContent = `Recording ${elapsed(Date.now() - session.startedAt)}`)
      tick()
      recording = { session, timer: setInterval(tick, 1000) }
      recordButton.textContent = 'Stop recording'
      recordButton.dataset.off = 'true'
      recordTime.hidden = false
      notice.textContent = 'Recording the call in this browser; it downloads when you stop'
    } catch (error) {
      notice.textContent = error instanceof Error ? error.message : String(error)
    }
  })

  chatButton.addEventListener('click', () => chat.toggle())
  statsButton.addEventListener('click', () => stats.toggle())

  fileButton.addEventListener('click', () => {
    if (client.peers.size === 0) {
      notice.textContent = 'Nobody else is here to send a file to'
      return
    }
    fileInput.click()
  })
  fileInput.addEventListener('change', () => {
    for (const file of fileInput.files ?? []) {
      try {
        const transfer = fileFeature.send(file)
        files.track(transfer, `To ${transfer.peerIds.length === 1 ? labelOf(transfer.peerIds[0] ?? '') : 'everyone'}: ${file.name}`)
      } catch (error) {
        notice.textContent = error instanceof Error ? error.message : String(error)
      }
    }
    fileInput.value = ''
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

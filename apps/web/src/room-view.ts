import { PeerlaneClient, PeerlaneError, type ClientState, type RemotePeer } from '@peerlane/sdk'
import { useChat, type Chat, type ChatMessage } from '@peerlane/sdk/chat'
import { useFiles, type Files } from '@peerlane/sdk/files'
import { useConnectionQuality, type ConnectionQualityLevel } from '@peerlane/sdk/stats'
import { watchActiveSpeaker } from './active-speaker.js'
import { deniedControls } from './capability-gates.js'
import { createChatPanel } from './chat-panel.js'
import { createConfirmDialog } from './confirm-dialog.js'
import { createControlButton } from './control-button.js'
import { createDevicePickers } from './device-pickers.js'
import { el, uniqueId } from './dom.js'
import { createFilePanel, formatBytes } from './file-panel.js'
import { icon } from './icons.js'
import { copyText, inviteLink } from './invite-link.js'
import { createKnockRequests } from './knock-requests.js'
import type { LocalMedia } from './media.js'
import { createNotices } from './notices.js'
import { createParticipantsPanel, type ParticipantEntry, type SafetyEntry } from './participants-panel.js'
import { personLabel } from './person-label.js'
import { startRecording, supportedRecordingType, type CallRecording } from './recorder.js'
import { markVerified, verificationOf, type VerificationStore } from './safety-verification.js'
import { createHelpDialog, matchShortcut, SHORTCUTS, type ShortcutAction } from './shortcuts.js'
import { createSidePanels } from './side-panels.js'
import { createStage } from './stage.js'
import { createStatsPanel } from './stats-panel.js'
import { createVideoTile, type VideoTile } from './video-tile.js'
import { createWaitingScreen } from './waiting-screen.js'

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
  /** The microphone and camera state chosen before joining: a muted microphone sends no sound from the start. */
  readonly initial: { readonly audioMuted: boolean; readonly videoOff: boolean }
  /** The signaling WebSocket URL. */
  readonly url: string
  /** The room token, for a server in token mode; its capabilities decide which controls work. */
  readonly token?: string
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
  /**
   * The participant joined without camera or microphone and pressed "Try again": the owner asks
   * for them again and, if that works, rejoins with them (a connection cannot gain a track kind
   * it was negotiated without). Resolves with a sentence when it did not work.
   */
  readonly onRetryMedia: () => Promise<string | undefined>
}

function describeJoinFailure(error: unknown, room: string): string {
  if (!(error instanceof PeerlaneError)) return `Could not join “${room}”: ${String(error)}`
  switch (error.code) {
    case 'room-full':
      return `Room “${room}” is full. Pick another room name.`
    case 'connection-failed':
      return 'Could not reach the Peerlane server. Check your connection and try again.'
    case 'denied':
      return `A host of “${room}” did not let you in.`
    case 'knock-timeout':
      return `Nobody let you in to “${room}” in time. Try joining again later.`
    case 'unauthorized':
      return `Your link does not let you into “${room}”: ${error.message}`
    default:
      return `Could not join “${room}”: ${error.message}`
  }
}

function peerLabel(peer: RemotePeer): string {
  return personLabel(peer.id, peer.name)
}

// Verified safety numbers live in this browser's localStorage; reaching it can throw (storage
// disabled), which safety-verification.ts catches, so the lookup happens inside each call.
const verifiedStore: VerificationStore = {
  getItem: (key) => localStorage.getItem(key),
  setItem: (key, value) => localStorage.setItem(key, value),
}

/** Reading a safety number is retried this often while DTLS finishes after `connected`. */
const SAFETY_NUMBER_ATTEMPTS = 5

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

const shortcutOf = (action: ShortcutAction) => SHORTCUTS.find((shortcut) => shortcut.action === action)?.keys

/**
 * The call screen: a header, the stage of video tiles (one per camera, one more per shared
 * screen) filling the viewport, side panels (chat, people, files, statistics, devices) and a
 * control bar pinned at the bottom.
 */
export function enterRoom(root: HTMLElement, options: RoomOptions): { leave(): void } {
  const { room, media } = options
  const headingId = uniqueId('room-heading')
  const link = inviteLink(location, room)
  const hasAudio = media.stream.getAudioTracks().length > 0
  const hasVideo = media.stream.getVideoTracks().length > 0

  const heading = el('h1', { id: headingId, tabindex: '-1' }, ['Room ', el('span', { class: 'room-name' }, [room])])
  const status = el('p', { class: 'status', role: 'status' }, [`Connecting to ${room}…`])
  const recordTime = el('span', { class: 'record-time', role: 'timer', 'aria-label': 'Recording time' })
  const stopRecordButton = el('button', { type: 'button', class: 'secondary small' }, ['Stop recording'])
  const recordingPill = el('div', { class: 'recording-pill', hidden: true }, [recordTime, stopRecordButton])
  // Everyone sees when anyone records: the peers announce it in their media state.
  const othersRecording = el('p', { class: 'recording-notice', role: 'status' })
  const bannerText = el('span')
  const bannerRetry = el('button', { type: 'button', class: 'secondary small', hidden: true }, ['Try again'])
  const banner = el('div', { class: 'banner', role: 'status', hidden: true }, [bannerText, bannerRetry])
  const notices = createNotices()

  const mic = createControlButton({ label: 'Mute', icon: 'mic', pressedIcon: 'mic-off', title: `Mute (${shortcutOf('mic')})` })
  const camera = createControlButton({ label: 'Camera off', icon: 'camera', pressedIcon: 'camera-off', title: `Camera off (${shortcutOf('camera')})` })
  const share = createControlButton({ label: 'Share screen', icon: 'screen', toggle: true })
  const chatButton = createControlButton({ label: 'Chat', icon: 'chat', title: `Chat (${shortcutOf('chat')})` })
  const peopleButton = createControlButton({ label: 'People', icon: 'people', title: `People (${shortcutOf('people')})` })
  const filesButton = createControlButton({ label: 'Files', icon: 'file', title: `Files (${shortcutOf('files')})` })
  const moreButton = createControlButton({ label: 'More', icon: 'more' })
  const leaveButton = createControlButton({ label: 'Leave', icon: 'leave', className: 'danger' })
  mic.element.disabled = !hasAudio
  camera.element.disabled = !hasVideo
  share.element.disabled = !navigator.mediaDevices?.getDisplayMedia

  const menuItem = (label: string, name: Parameters<typeof icon>[0], extra: Record<string, string | boolean | undefined> = {}) =>
    el('button', { type: 'button', class: 'menu-item', ...extra }, [icon(name), el('span', {}, [label])])
  const recordItem = menuItem('Record', 'record', { 'aria-pressed': 'false', disabled: supportedRecordingType() === undefined })
  // Hosts only; pressed while the room is locked (newcomers knock and wait).
  const lockItem = menuItem('Lock room', 'lock', { 'aria-pressed': 'false', hidden: true })
  const statsItem = menuItem('Statistics', 'stats')
  const devicesItem = menuItem('Devices', 'devices')
  const inviteItem = menuItem('Copy invite link', 'link')
  const helpItem = menuItem('Keyboard shortcuts', 'keyboard')
  const moreMenuId = uniqueId('more-menu')
  const moreMenu = el('div', { id: moreMenuId, class: 'more-menu', role: 'group', 'aria-label': 'More options', hidden: true }, [
    recordItem,
    lockItem,
    statsItem,
    devicesItem,
    inviteItem,
    helpItem,
  ])
  moreButton.element.setAttribute('aria-expanded', 'false')
  moreButton.element.setAttribute('aria-controls', moreMenuId)
  const fileInput = el('input', { type: 'file', multiple: true, hidden: true, tabindex: '-1', 'aria-hidden': 'true' })
  const sendFileButton = el('button', { type: 'button', class: 'primary' }, [icon('file'), ' Send file'])
  const help = createHelpDialog()
  const confirmDialog = createConfirmDialog()
  const lockedPill = el('span', { class: 'locked-pill', hidden: true }, [icon('lock'), 'Locked'])
  const waiting = createWaitingScreen(room, () => exit())

  const client = new PeerlaneClient({ url: options.url })
  const chatFeature = useChat(client)
  const fileFeature = useFiles(client, options.fileStallTimeoutMs === undefined ? {} : { stallTimeoutMs: options.fileStallTimeoutMs })
  const connectionQuality = useConnectionQuality(client)
  const qualities = new Map<string, ConnectionQualityLevel>()
  if (options.exposeClient) window.__peerlane = { client, chat: chatFeature, files: fileFeature }

  const tiles = new Map<string, VideoTile>()
  const screenTiles = new Map<string, VideoTile>()
  const labelOf = (peerId: string) => {
    const peer = client.peers.get(peerId)
    return peer ? peerLabel(peer) : `Guest ${peerId}`
  }

  const stage = createStage()
  const panels = createSidePanels()
  const chat = createChatPanel({
    button: chatButton.element,
    send: (text) => {
      try {
        return chatFeature.send(text)
      } catch (error) {
        return error instanceof Error ? error.message : String(error)
      }
    },
    nameOf: (message: ChatMessage) => (message.local ? 'You' : (message.name ?? `Guest ${message.from}`)),
    onUnread: () => updateTitle(),
  })
  const files = createFilePanel(sendFileButton)
  const stats = createStatsPanel(client, labelOf)
  const knocks = createKnockRequests({
    admit: (peerId) => hostAction(() => client.admit(peerId)),
    deny: (peerId) => hostAction(() => client.deny(peerId)),
  })
  const people = createParticipantsPanel({
    link,
    copyInvite: (field) => copyInvite(field),
    markVerified: (id) => verify(id),
    askToMute: (id) => hostAction(() => client.askToMute(id), `Asked ${labelOf(id)} to mute`),
    makeHost: (id) => void confirmMakeHost(id),
    remove: (id) => void confirmRemove(id),
  })
  const devices = createDevicePickers({
    stream: media.stream,
    replace: async (kind, track) => {
      try {
        await client.replaceTrack(kind, track)
      } catch (error) {
        throw new Error(
          error instanceof PeerlaneError && error.code === 'invalid-state'
            ? `You joined without a ${kind === 'video' ? 'camera' : 'microphone'}; use “Try again” above to add one.`
            : `Could not switch: ${error instanceof Error ? error.message : String(error)}`,
        )
      }
    },
    onCameraChanged: () => {
      localTile.setStream(null)
      localTile.setStream(media.stream)
    },
    notify: (text) => notices.show(text),
    remoteMedia: () => [...tiles.values()].map((tile) => tile.video),
  })
  const chatPanel = panels.add({ title: 'Chat', body: chat.element, button: chatButton.element, onToggle: (open) => chat.setOpen(open) })
  const peoplePanel = panels.add({ title: 'People', body: people.element, button: peopleButton.element })
  const filesPanel = panels.add({ title: 'Files', body: files.element, button: filesButton.element })
  const statsPanel = panels.add({ title: 'Call statistics', body: stats.element, onToggle: (open) => stats.setOpen(open) })
  const devicesPanel = panels.add({ title: 'Devices', body: devices.element })

  const controlBar = el('div', { class: 'control-bar', role: 'group', 'aria-label': 'Call controls' }, [
    el('div', { class: 'control-group' }, [mic.element, camera.element, share.element]),
    el('div', { class: 'control-group' }, [chatButton.element, chat.unreadDescription, peopleButton.element, filesButton.element]),
    el('div', { class: 'control-group more-wrap' }, [moreButton.element, moreMenu]),
    el('div', { class: 'control-group' }, [leaveButton.element]),
    fileInput,
  ])

  document.body.classList.add('in-call')
  const roomSection = el('section', { class: 'room', 'aria-labelledby': headingId }, [
    el('header', { class: 'room-top' }, [el('div', { class: 'room-title' }, [heading, lockedPill, status]), othersRecording, recordingPill]),
    banner,
    el('div', { class: 'room-middle' }, [el('div', { class: 'stage-wrap' }, [knocks.element, stage.element, notices.element]), panels.element]),
    controlBar,
    help.element,
    confirmDialog.element,
  ])
  root.replaceChildren(roomSection, waiting.element)
  heading.focus()

  const selfLabel = options.name ? `${options.name} (you)` : 'You'
  const onPin = (tile: VideoTile) => stage.togglePin(tile)
  const localTile = createVideoTile({ label: selfLabel, local: true, actions: { onPin } })
  localTile.setStream(media.stream)
  if (!hasVideo) localTile.setOverlay('No camera')
  stage.add(localTile)
  let localScreenTile: VideoTile | undefined
  const speaker = watchActiveSpeaker(stage.element)
  let exited = false

  function updateTitle(): void {
    const unread = chat.unread
    document.title = `${unread > 0 ? `(${unread}) ` : ''}${room} · Peerlane`
  }
  updateTitle()

  function setStatus(text: string, kind: 'info' | 'error' = 'info'): void {
    status.textContent = text
    status.dataset.kind = kind
  }

  function showBanner(text: string | undefined, kind: 'info' | 'warning' = 'warning', retry = false): void {
    bannerText.textContent = text ?? ''
    banner.hidden = text === undefined
    banner.dataset.kind = kind
    bannerRetry.hidden = !retry
  }
  if (!hasAudio || !hasVideo) showBanner(media.notice ?? 'No camera or microphone is in use.', 'warning', true)

  let bannerTimer: ReturnType<typeof setTimeout> | undefined
  function flashBanner(text: string): void {
    showBanner(text, 'info')
    clearTimeout(bannerTimer)
    bannerTimer = setTimeout(() => showBanner(undefined), 4000)
  }

  function inRoomStatus(): string {
    const others = tiles.size
    return `In room ${room} · ${others === 0 ? 'waiting for others to join' : `you and ${others} other${others === 1 ? '' : 's'}`}`
  }

  function safetyOf(peer: RemotePeer): SafetyEntry | undefined {
    const code = safetyCodes.get(peer.id)
    if (code === undefined) return undefined
    return { code, verification: peer.name === undefined ? 'unverified' : verificationOf(verifiedStore, peer.name, code), canVerify: peer.name !== undefined }
  }

  function refreshPeople(): void {
    const self = client.mediaState
    const hosts = client.roomState.hosts
    const entries: ParticipantEntry[] = [
      {
        id: 'self',
        label: selfLabel,
        self: true,
        host: client.isHost,
        audioMuted: self.audioMuted || !hasAudio,
        videoOff: self.videoOff || !hasVideo,
        presenting: self.screenSharing,
        quality: undefined,
      },
      ...[...client.peers.values()].map((peer) => ({
        id: peer.id,
        label: peerLabel(peer),
        self: false,
        host: hosts.includes(peer.id),
        audioMuted: peer.mediaState?.audioMuted ?? false,
        videoOff: peer.mediaState?.videoOff ?? false,
        presenting: peer.mediaState?.screenSharing ?? false,
        quality: qualities.get(peer.id),
        safety: safetyOf(peer),
      })),
    ]
    people.render(entries, client.isHost)
  }

  // ── safety numbers ──
  const safetyCodes = new Map<string, string>()
  const warnedChanged = new Set<string>()

  /** Reads the connection's safety number once DTLS is up; a verified name with a new code is warned about. */
  function readSafetyNumber(peer: RemotePeer, attempt = 1): void {
    peer.safetyNumber().then(
      (code) => {
        if (exited || client.peers.get(peer.id) !== peer || safetyCodes.get(peer.id) === code) return
        safetyCodes.set(peer.id, code)
        refreshPeople()
        if (safetyOf(peer)?.verification === 'changed' && !warnedChanged.has(peer.id)) {
          warnedChanged.add(peer.id)
          notices.show(`Safety number changed since you verified ${peerLabel(peer)}: compare codes in People`, 10_000)
        }
      },
      () => {
        if (attempt < SAFETY_NUMBER_ATTEMPTS && !exited) setTimeout(() => readSafetyNumber(peer, attempt + 1), 1000)
      },
    )
  }

  function verify(peerId: string): void {
    const peer = client.peers.get(peerId)
    const code = safetyCodes.get(peerId)
    if (!peer?.name || code === undefined) return
    notices.show(
      markVerified(verifiedStore, peer.name, code)
        ? `${peerLabel(peer)} is marked as verified in this browser`
        : 'This browser could not remember it: its storage is off',
    )
    refreshPeople()
  }

  // ── host actions: the SDK throws `not-permitted` when the role moved on meanwhile ──
  function hostAction(act: () => void, done?: string): void {
    try {
      act()
      if (done) notices.show(done)
    } catch (error) {
      notices.show(error instanceof Error ? error.message : String(error))
    }
  }

  async function confirmRemove(peerId: string): Promise<void> {
    const label = labelOf(peerId)
    const confirmed = await confirmDialog.ask({
      title: `Remove ${label}?`,
      text: `${label} leaves the call at once. While the room is unlocked they can join again; lock it to keep them out.`,
      confirm: 'Remove',
    })
    if (confirmed && !exited) hostAction(() => client.remove(peerId), `Removed ${label}`)
  }

  async function confirmMakeHost(peerId: string): Promise<void> {
    const label = labelOf(peerId)
    const confirmed = await confirmDialog.ask({
      title: `Make ${label} a host?`,
      text: `${label} can then lock the room, admit people and remove anyone. If you are host because you came first, the role passes to them.`,
      confirm: 'Make host',
    })
    if (confirmed && !exited) hostAction(() => client.makeHost(peerId), `${label} is now a host`)
  }

  // ── the room's lock and hosts ──
  let shownLock: boolean | undefined
  function showRoomState(): void {
    const { locked, waiting: knockers } = client.roomState
    lockItem.hidden = !client.isHost
    lockItem.setAttribute('aria-pressed', String(locked))
    lockedPill.hidden = !locked
    knocks.sync(client.isHost ? knockers : [])
    if (shownLock !== undefined && shownLock !== locked) {
      notices.show(locked ? 'The room is locked: newcomers wait for a host to let them in' : 'The room is unlocked: anyone with the link joins at once')
    }
    shownLock = locked
    refreshPeople()
  }

  /** Controls this session's capabilities do not cover are off, with the reason as their tooltip and description. */
  function applyCapabilities(): void {
    const denied = deniedControls(client.capabilities)
    const gates = [
      [mic.element, denied.mic],
      [camera.element, denied.camera],
      [share.element, denied.share],
      [sendFileButton, denied.files],
    ] as const
    for (const [button, reason] of gates) {
      if (reason === undefined) continue
      button.disabled = true
      button.title = reason
      const description = el('span', { id: uniqueId('denied'), class: 'visually-hidden' }, [reason])
      button.after(description)
      button.setAttribute('aria-describedby', description.id)
    }
    const reasons = Object.values(denied)
    if (reasons.length > 0) notices.show(reasons.join(' '), 10_000)
  }

  function updateCount(): void {
    if (client.state === 'joined') setStatus(inRoomStatus())
    refreshPeople()
  }

  function showLocalState(): void {
    const state = client.mediaState
    localTile.setMuted(state.audioMuted && hasAudio)
    localTile.setAvatar(!hasVideo || state.videoOff)
    localTile.setPresenting(state.screenSharing)
    refreshPeople()
  }

  function showPeerState(peerId: string): void {
    const tile = tiles.get(peerId)
    if (!tile) return
    const peer = client.peers.get(peerId)
    const state = peer?.mediaState
    const connection = peer?.connectionState
    const hasPicture = (peer?.cameraStream?.getVideoTracks().length ?? 0) > 0
    tile.setOverlay(connection ? CONNECTION_OVERLAY[connection] : undefined)
    tile.setAvatar(!hasPicture || state?.videoOff === true)
    tile.setMuted(state?.audioMuted === true)
    tile.setPresenting(state?.screenSharing === true)
    tile.setQuality(qualities.get(peerId))
    showRecording()
    refreshPeople()
  }

  function showRecording(): void {
    const names = [...client.peers.values()].filter((peer) => peer.mediaState?.recording === true).map(peerLabel)
    othersRecording.textContent =
      names.length === 0 ? '' : `${names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`} ${names.length === 1 ? 'is' : 'are'} recording`
  }

  function tileFor(peer: RemotePeer): VideoTile {
    let tile = tiles.get(peer.id)
    if (!tile) {
      tile = createVideoTile({ label: peerLabel(peer), local: false, peerId: peer.id, actions: { onPin } })
      devices.applySpeaker(tile.video)
      tiles.set(peer.id, tile)
      stage.add(tile)
      showPeerState(peer.id)
      updateCount()
    }
    return tile
  }

  /** The newest remote screen share takes the stage; none left, the grid comes back. */
  function present(): void {
    stage.setPresentation([...screenTiles.values()].at(-1))
  }

  function removeScreenTile(peerId: string): void {
    const tile = screenTiles.get(peerId)
    if (!tile) return
    screenTiles.delete(peerId)
    stage.remove(tile)
    present()
  }

  function copyInvite(field?: HTMLInputElement): void {
    const fallback = field ?? el('input', { class: 'visually-hidden', readonly: true })
    void copyText(link, fallback).then((copied) => {
      notices.show(copied ? 'Invite link copied' : 'Copy the invite link from the People panel (Ctrl+C or ⌘C)')
      if (!copied) {
        peoplePanel.open()
        field?.focus()
        field?.select()
      }
    })
  }

  const subscriptions = [
    client.on('peer-joined', (peer) => {
      tileFor(peer)
      notices.show(`${peerLabel(peer)} joined`)
    }),
    client.on('peer-left', (peer, reason) => {
      const tile = tiles.get(peer.id)
      if (tile) stage.remove(tile)
      tiles.delete(peer.id)
      qualities.delete(peer.id)
      removeScreenTile(peer.id)
      showRecording()
      updateCount()
      notices.show(`${peerLabel(peer)} ${reason === 'left' ? 'left' : 'disconnected'}`)
    }),
    // The SDK tells the camera from the screen (by what the peer announces): no guessing here.
    client.on('streams', ({ peer, camera }) => {
      tileFor(peer).setStream(camera)
      showPeerState(peer.id)
    }),
    client.on('screen-share', ({ peer, stream }) => {
      if (stream) {
        removeScreenTile(peer.id)
        const tile = createVideoTile({ label: `${peerLabel(peer)}’s screen`, local: false, screenOf: peer.id, actions: { onPin } })
        tile.setStream(stream)
        screenTiles.set(peer.id, tile)
        stage.add(tile, { after: tiles.get(peer.id) })
        present()
        notices.show(`${peerLabel(peer)} is sharing their screen`)
      } else {
        removeScreenTile(peer.id)
        notices.show(`${peerLabel(peer)} stopped sharing their screen`)
      }
      showPeerState(peer.id)
    }),
    client.on('media-state', ({ peer }) => showPeerState(peer.id)),
    chatFeature.on('message', (message) => chat.add(message)),
    fileFeature.on('file', (transfer, peer) => {
      files.track(transfer, `From ${peerLabel(peer)}: ${transfer.name}`)
      // An incoming file may need an answer: show the list where the answer is given.
      filesPanel.open()
      notices.show(
        transfer.state === 'offered'
          ? `${peerLabel(peer)} wants to send you ${transfer.name} (${formatBytes(transfer.size)}): accept or decline it in the file list`
          : `${peerLabel(peer)} is sending you ${transfer.name}`,
      )
    }),
    chatFeature.on('dropped', ({ peer, dropped }) => {
      notices.show(`${peerLabel(peer)} is sending chat too fast; ${dropped} message${dropped === 1 ? '' : 's'} dropped`)
    }),
    client.on('local-screen-share', (stream) => {
      if (localScreenTile) stage.remove(localScreenTile)
      localScreenTile = undefined
      if (stream) {
        localScreenTile = createVideoTile({ label: 'Your screen', local: true, screenOf: 'self', actions: { onPin } })
        localScreenTile.setStream(stream)
        stage.add(localScreenTile, { after: localTile })
      }
      share.setPressed(stream !== null)
      notices.show(stream ? 'You are sharing your screen' : 'Screen sharing stopped')
      showLocalState()
    }),
    client.on('connection-state', ({ peer, state }) => {
      if (state === 'connected') readSafetyNumber(peer)
      showPeerState(peer.id)
    }),
    client.on('waiting', ({ timeoutMs }) => {
      // Nothing about the room reaches a waiting client; the call screen waits behind this one.
      roomSection.hidden = true
      document.body.classList.remove('in-call')
      waiting.show(timeoutMs)
    }),
    client.on('knock', (knocker) => knocks.add(knocker)),
    client.on('knock-ended', ({ peerId, outcome, by }) => {
      const label = knocks.labelOf(peerId)
      knocks.end(peerId)
      if (label === undefined || outcome === 'admitted') return
      if (outcome === 'denied') notices.show(by === client.peerId ? `You turned ${label} away` : `${labelOf(by ?? '')} turned ${label} away`)
      else notices.show(`${label} stopped waiting${outcome === 'timed-out' ? ': nobody answered in time' : ''}`)
    }),
    client.on('room-state', () => showRoomState()),
    client.on('mute-requested', ({ from }) => {
      // The SDK has muted the microphone already; the button and tile follow.
      mic.setPressed(true)
      showLocalState()
      notices.show(`${labelOf(from)} asked you to mute: your microphone is off`, 10_000)
    }),
    client.on('removed', () => exit('You were removed from the room by a host.')),
    connectionQuality.on('connection-quality', ({ peer, quality }) => {
      if (qualities.get(peer.id) === quality) return
      qualities.set(peer.id, quality)
      showPeerState(peer.id)
    }),
    client.on('state', (state: ClientState) => {
      if (state === 'connecting') setStatus(`Connecting to ${room}…`)
      else if (state === 'joined') setStatus(inRoomStatus())
      else if (state === 'reconnecting') {
        setStatus('Reconnecting…', 'error')
        showBanner('Connection to the server lost; reconnecting… The call goes on meanwhile.')
      } else if (state === 'closed' && !exited) {
        setStatus('Disconnected', 'error')
        showBanner('Disconnected from the server. Leave and join again to reconnect.')
      }
    }),
    client.on('resumed', ({ sameSession }) => {
      flashBanner(sameSession ? 'Reconnected: the call carries on.' : 'Reconnected: the call was rebuilt, the others are joining again.')
    }),
    client.on('draining', () => {
      showBanner('The server is restarting; you will be moved over in a moment without leaving the call.')
    }),
    client.on('error', (error) => {
      const peer = error.peerId === undefined ? undefined : client.peers.get(error.peerId)
      notices.show(peer ? `Problem with ${peerLabel(peer)}: ${error.message}` : error.message, 10_000)
    }),
  ]

  let recording: { session: CallRecording; timer: ReturnType<typeof setInterval> } | undefined

  function setRecordingShown(on: boolean): void {
    recordItem.setAttribute('aria-pressed', String(on))
    recordingPill.hidden = !on
    // The others are told, so nobody is recorded without seeing it.
    if (!exited) client.setMediaState({ recording: on })
  }

  async function stopRecording(): Promise<void> {
    const current = recording
    if (!current) return
    recording = undefined
    clearInterval(current.timer)
    setRecordingShown(false)
    const file = await current.session.stop()
    const stamp = new Date(current.session.startedAt).toISOString().replace(/[:.]/g, '-')
    download(file, `peerlane-${room}-${stamp}.webm`)
    notices.show(`Recording saved (${Math.round(file.size / 1024)} KB)`)
  }

  function startRecordingCall(): void {
    try {
      const session = startRecording(() =>
        [...stage.element.querySelectorAll<HTMLElement>('.tile')].flatMap((tile) => {
          const video = tile.querySelector('video')
          return video ? [{ video, label: tile.querySelector('figcaption')?.textContent ?? '' }] : []
        }),
      )
      const tick = () => (recordTime.textContent = `Recording ${elapsed(Date.now() - session.startedAt)}`)
      tick()
      recording = { session, timer: setInterval(tick, 1000) }
      setRecordingShown(true)
      notices.show('Recording the call in this browser; it downloads when you stop')
    } catch (error) {
      notices.show(error instanceof Error ? error.message : String(error))
    }
  }

  function toggleMic(): void {
    if (mic.element.disabled) {
      if (mic.element.title) notices.show(mic.element.title)
      return
    }
    const muted = !client.mediaState.audioMuted
    client.setMediaState({ audioMuted: muted })
    mic.setPressed(muted)
    notices.show(muted ? 'Microphone muted' : 'Microphone on')
    showLocalState()
  }

  function toggleCamera(): void {
    if (camera.element.disabled) {
      if (camera.element.title) notices.show(camera.element.title)
      return
    }
    const off = !client.mediaState.videoOff
    client.setMediaState({ videoOff: off })
    camera.setPressed(off)
    notices.show(off ? 'Camera off' : 'Camera on')
    showLocalState()
  }

  function toggleShare(): void {
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
          notices.show(describeScreenFailure(error))
        }
      },
      (error: unknown) => notices.show(describeScreenFailure(error)),
    )
  }

  function setMenuOpen(open: boolean, restoreFocus = false): void {
    moreMenu.hidden = !open
    moreButton.element.setAttribute('aria-expanded', String(open))
    if (open) moreMenu.querySelector<HTMLButtonElement>('button:not(:disabled):not([hidden])')?.focus()
    else if (restoreFocus) moreButton.element.focus()
  }

  const onKeyDown = (event: KeyboardEvent) => {
    if (help.element.open || confirmDialog.element.open) return
    if (event.key === 'Escape') {
      if (!moreMenu.hidden) setMenuOpen(false, true)
      else if (!panels.closeOpen()) return
      event.preventDefault()
      return
    }
    const action = matchShortcut(event)
    if (!action) return
    event.preventDefault()
    if (action === 'mic') toggleMic()
    else if (action === 'camera') toggleCamera()
    else if (action === 'chat') chatPanel.toggle()
    else if (action === 'people') peoplePanel.toggle()
    else if (action === 'files') filesPanel.toggle()
    else help.open()
  }
  const onPointerDown = (event: PointerEvent) => {
    if (!moreMenu.hidden && event.target instanceof Node && !moreMenu.parentElement?.contains(event.target)) setMenuOpen(false)
  }
  document.addEventListener('keydown', onKeyDown)
  document.addEventListener('pointerdown', onPointerDown)

  function exit(error?: string): void {
    if (exited) return
    exited = true
    void stopRecording()
    client.leave()
    for (const unsubscribe of subscriptions) unsubscribe()
    document.removeEventListener('keydown', onKeyDown)
    document.removeEventListener('pointerdown', onPointerDown)
    for (const tile of [...tiles.values(), ...screenTiles.values()]) tile.remove()
    localScreenTile?.remove()
    localTile.remove()
    stage.dispose()
    speaker.dispose()
    stats.dispose()
    files.dispose()
    devices.dispose()
    notices.dispose()
    clearTimeout(bannerTimer)
    if (help.element.open) help.element.close()
    if (confirmDialog.element.open) confirmDialog.element.close()
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined)
    document.body.classList.remove('in-call')
    document.title = 'Peerlane'
    if (window.__peerlane?.client === client) delete window.__peerlane
    options.onExit(error)
  }

  // Closing or reloading the page says goodbye by itself: the SDK leaves on `pagehide`.

  mic.element.addEventListener('click', toggleMic)
  camera.element.addEventListener('click', toggleCamera)
  share.element.addEventListener('click', toggleShare)
  chatButton.element.addEventListener('click', () => chatPanel.toggle())
  peopleButton.element.addEventListener('click', () => peoplePanel.toggle())
  filesButton.element.addEventListener('click', () => filesPanel.toggle())
  moreButton.element.addEventListener('click', () => setMenuOpen(moreMenu.hidden))
  leaveButton.element.addEventListener('click', () => exit())

  lockItem.addEventListener('click', () => {
    setMenuOpen(false, true)
    hostAction(() => client.lock(!client.roomState.locked))
  })
  recordItem.addEventListener('click', () => {
    setMenuOpen(false)
    if (recording) void stopRecording()
    else startRecordingCall()
  })
  stopRecordButton.addEventListener('click', () => void stopRecording())
  statsItem.addEventListener('click', () => {
    setMenuOpen(false)
    statsPanel.open()
  })
  devicesItem.addEventListener('click', () => {
    setMenuOpen(false)
    devicesPanel.open()
  })
  inviteItem.addEventListener('click', () => {
    setMenuOpen(false, true)
    copyInvite()
  })
  helpItem.addEventListener('click', () => {
    setMenuOpen(false)
    help.open()
  })
  bannerRetry.addEventListener('click', () => {
    bannerRetry.disabled = true
    void options.onRetryMedia().then((failure) => {
      bannerRetry.disabled = false
      if (failure) showBanner(failure, 'warning', true)
    })
  })

  sendFileButton.addEventListener('click', () => {
    if (client.peers.size === 0) {
      notices.show('Nobody else is here to send a file to')
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
        notices.show(error instanceof Error ? error.message : String(error))
      }
    }
    fileInput.value = ''
  })

  // The choice made before joining: the tracks go out disabled (silence, black) from the first
  // packet, and the state tells the others.
  for (const track of media.stream.getAudioTracks()) track.enabled = !options.initial.audioMuted
  for (const track of media.stream.getVideoTracks()) track.enabled = !options.initial.videoOff
  client.setMediaState({ audioMuted: options.initial.audioMuted && hasAudio, videoOff: options.initial.videoOff && hasVideo })
  mic.setPressed(client.mediaState.audioMuted)
  camera.setPressed(client.mediaState.videoOff)
  showLocalState()

  client.join(room, { name: options.name, stream: media.stream, ...(options.token === undefined ? {} : { token: options.token }) }).then(
    () => {
      if (exited) return
      if (!waiting.element.hidden) {
        waiting.hide()
        roomSection.hidden = false
        document.body.classList.add('in-call')
        heading.focus()
        notices.show('A host let you in')
      }
      applyCapabilities()
      showRoomState()
      options.onJoined(room)
    },
    (error: unknown) => exit(describeJoinFailure(error, room)),
  )
  return { leave: () => exit() }
}

import { el, uniqueId } from './dom.js'
import { describeMediaFailure, VIDEO_CONSTRAINTS } from './media.js'

export interface DevicePickers {
  readonly element: HTMLElement
  /** Applies the chosen speaker to a newly shown remote video. */
  applySpeaker(video: HTMLMediaElement): void
  /** Lists the devices again: their labels are empty until access is granted, so call this once it is. */
  refresh(): void
  dispose(): void
}

export interface DevicePickerOptions {
  readonly stream: MediaStream
  /**
   * Puts `track` in place of the stream's track of that kind (in a call: on every connection,
   * with `replaceTrack`). Rejects with an Error whose message is shown to the participant.
   */
  readonly replace: (kind: 'audio' | 'video', track: MediaStreamTrack) => Promise<void>
  /** The local preview shows the new camera. */
  readonly onCameraChanged: () => void
  readonly notify: (text: string) => void
  readonly remoteMedia: () => Iterable<HTMLMediaElement>
}

type SinkCapable = HTMLMediaElement & { setSinkId(id: string): Promise<void> }
const canPickSpeaker = typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype

/**
 * Camera, microphone and speaker pickers. A new camera or microphone is opened and swapped in by
 * `replace` (in a call: on every connection, no renegotiation); the old one is then stopped.
 */
export function createDevicePickers(options: DevicePickerOptions): DevicePickers {
  const { stream } = options
  const make = (label: string) => {
    const id = uniqueId('device')
    const select = el('select', { id })
    return { select, field: el('div', { class: 'field-inline' }, [el('label', { for: id }, [label]), select]) }
  }
  const camera = make('Camera')
  const microphone = make('Microphone')
  const speaker = make('Speaker')
  speaker.field.hidden = !canPickSpeaker
  const element = el('div', { class: 'devices', role: 'group', 'aria-label': 'Devices' }, [camera.field, microphone.field, speaker.field])
  let sinkId = ''

  async function refresh(): Promise<void> {
    const devices = await navigator.mediaDevices.enumerateDevices().catch(() => [])
    const fill = (select: HTMLSelectElement, kind: MediaDeviceKind, current: string | undefined) => {
      const list = devices.filter((device) => device.kind === kind && device.deviceId !== '')
      select.replaceChildren(
        ...list.map((device, index) => el('option', { value: device.deviceId }, [device.label || `${kind === 'videoinput' ? 'Camera' : kind === 'audioinput' ? 'Microphone' : 'Speaker'} ${index + 1}`])),
      )
      if (current && list.some((device) => device.deviceId === current)) select.value = current
      select.disabled = list.length === 0
    }
    fill(camera.select, 'videoinput', stream.getVideoTracks()[0]?.getSettings().deviceId)
    fill(microphone.select, 'audioinput', stream.getAudioTracks()[0]?.getSettings().deviceId)
    fill(speaker.select, 'audiooutput', sinkId || 'default')
  }


  async function switchTo(kind: 'audio' | 'video', deviceId: string): Promise<void> {
    const old = kind === 'video' ? stream.getVideoTracks()[0] : stream.getAudioTracks()[0]
    if (old?.getSettings().deviceId === deviceId) return
    let fresh: MediaStream
    try {
      fresh = await navigator.mediaDevices.getUserMedia(
        kind === 'video' ? { video: { ...VIDEO_CONSTRAINTS, deviceId: { exact: deviceId } } } : { audio: { deviceId: { exact: deviceId } } },
      )
    } catch (error) {
      options.notify(describeMediaFailure(error))
      return
    }
    const [track] = kind === 'video' ? fresh.getVideoTracks() : fresh.getAudioTracks()
    if (!track) return
    try {
      await options.replace(kind, track)
    } catch (error) {
      track.stop()
      options.notify(error instanceof Error ? error.message : String(error))
      return
    }
    old?.stop()
    if (kind === 'video') options.onCameraChanged()
    options.notify(`${kind === 'video' ? 'Camera' : 'Microphone'} switched to ${track.label || 'the new device'}`)
  }

  camera.select.addEventListener('change', () => void switchTo('video', camera.select.value))
  microphone.select.addEventListener('change', () => void switchTo('audio', microphone.select.value))
  speaker.select.addEventListener('change', () => {
    sinkId = speaker.select.value
    for (const media of options.remoteMedia()) void (media as SinkCapable).setSinkId(sinkId).catch(() => undefined)
  })
  const onDeviceChange = () => void refresh()
  navigator.mediaDevices?.addEventListener('devicechange', onDeviceChange)
  void refresh()

  return {
    element,
    refresh() {
      void refresh()
    },
    applySpeaker(video) {
      if (canPickSpeaker && sinkId) void (video as SinkCapable).setSinkId(sinkId).catch(() => undefined)
    },
    dispose() {
      navigator.mediaDevices?.removeEventListener('devicechange', onDeviceChange)
    },
  }
}

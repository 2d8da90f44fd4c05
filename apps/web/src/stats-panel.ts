import type { PeerlaneClient } from '@peerlane/sdk'
import { useStats, type PeerStats, type VideoStreamStats } from '@peerlane/sdk/stats'
import { useVideoQuality, type QualityPreset } from '@peerlane/sdk/video-quality'
import { el, uniqueId } from './dom.js'

export interface StatsPanel {
  /** The panel's body; a side panel holds it. */
  readonly element: HTMLElement
  /** Refreshes every second while open. */
  setOpen(open: boolean): void
  dispose(): void
}

const REFRESH_MS = 1000

function picture(video: VideoStreamStats | undefined): string {
  if (!video?.width || !video.height) return '—'
  const fps = video.framesPerSecond === undefined ? '' : ` @ ${Math.round(video.framesPerSecond)} fps`
  return `${video.width}×${video.height}${fps}`
}

const kbps = (value: number | undefined) => (value === undefined ? '…' : `${value} kbit/s`)
const loss = (value: number | undefined) => (value === undefined ? '—' : `${value} %`)

function rows(stats: PeerStats): Array<[string, string]> {
  const { incoming, outgoing } = stats
  const codecs = (video: VideoStreamStats | undefined, audio: string | undefined) =>
    [video?.codec, audio].filter(Boolean).join(' + ') || '—'
  return [
    ['Round trip', stats.rttMs === undefined ? '—' : `${stats.rttMs} ms`],
    ['Bitrate in / out', `${kbps(incoming.bitrateKbps)} / ${kbps(outgoing.bitrateKbps)}`],
    ['Packet loss in / out', `${loss(incoming.lossPercent)} / ${loss(outgoing.lossPercent)}`],
    ['Video in', picture(incoming.video[0])],
    ['Video out', `${picture(outgoing.video[0])}${outgoing.video[0]?.qualityLimitation && outgoing.video[0].qualityLimitation !== 'none' ? ` (limited by ${outgoing.video[0].qualityLimitation})` : ''}`],
    ['Codecs in', codecs(incoming.video[0], incoming.audioCodec)],
    ['Codecs out', codecs(outgoing.video[0], outgoing.audioCodec)],
    ['Path', `${stats.localCandidateType ?? '?'} → ${stats.remoteCandidateType ?? '?'}`],
  ]
}

/**
 * The call-quality overlay: per-peer numbers from `getStats()` refreshed every second while open,
 * and the camera quality preset, which changes what this browser sends.
 */
export function createStatsPanel(client: PeerlaneClient, nameOf: (peerId: string) => string): StatsPanel {
  const qualityId = uniqueId('quality')
  const quality = el('select', { id: qualityId }, [
    el('option', { value: 'auto' }, ['Auto (by room size)']),
    el('option', { value: 'high' }, ['High']),
    el('option', { value: 'medium' }, ['Medium']),
    el('option', { value: 'low' }, ['Low']),
  ])
  const effective = el('span', { class: 'hint' })
  const body = el('div', { class: 'stats-body' }, [el('p', { class: 'hint' }, ['Nobody else is here yet.'])])
  const element = el('div', { class: 'stats-panel' }, [
    el('div', { class: 'field-inline' }, [el('label', { for: qualityId }, ['Video quality']), quality, effective]),
    body,
  ])
  let timer: ReturnType<typeof setInterval> | undefined
  let open = false

  const videoQuality = useVideoQuality(client)
  const peerStats = useStats(client)
  videoQuality.on('quality', (preset: QualityPreset) => {
    effective.textContent = videoQuality.preset === 'auto' ? `now ${preset}` : ''
  })
  quality.addEventListener('change', () => {
    void videoQuality.set(quality.value as QualityPreset | 'auto')
  })

  async function refresh(): Promise<void> {
    const peers = [...client.peers.keys()]
    const all = await Promise.all(peers.map((id) => peerStats.get(id).then((stats) => [id, stats] as const, () => undefined)))
    if (!open) return
    const tables = all.flatMap((entry) => {
      if (!entry) return []
      const [id, stats] = entry
      return [
        el('table', { class: 'stats-table', 'data-peer-id': id }, [
          el('caption', {}, [nameOf(id)]),
          el('tbody', {}, rows(stats).map(([name, value]) => el('tr', {}, [el('th', { scope: 'row' }, [name]), el('td', {}, [value])]))),
        ]),
      ]
    })
    body.replaceChildren(...(tables.length > 0 ? tables : [el('p', { class: 'hint' }, ['Nobody else is here yet.'])]))
  }

  const panel: StatsPanel = {
    element,
    setOpen(next) {
      open = next
      clearInterval(timer)
      timer = undefined
      if (open) {
        void refresh()
        timer = setInterval(() => void refresh(), REFRESH_MS)
      }
    },
    dispose() {
      clearInterval(timer)
      videoQuality.close()
    },
  }
  return panel
}

const INTERVAL_MS = 250
/** RMS level (0–1) under which nobody counts as speaking. */
const SPEAKING_LEVEL = 0.02

interface Meter {
  readonly source: MediaStreamAudioSourceNode
  readonly analyser: AnalyserNode
}

/**
 * Marks the tile of whoever is loudest right now with `data-speaking`, from each tile's audio
 * level. One AudioContext for the whole call; it may start suspended until the first click
 * (autoplay policy), so it is resumed on any click.
 */
export function watchActiveSpeaker(grid: HTMLElement): { dispose(): void } {
  const audio = new AudioContext()
  const meters = new Map<string, Meter>()
  const samples = new Float32Array(512)
  const resume = () => void audio.resume().catch(() => undefined)
  document.addEventListener('click', resume)

  function level(track: MediaStreamTrack): number {
    let meter = meters.get(track.id)
    if (!meter) {
      const source = audio.createMediaStreamSource(new MediaStream([track]))
      const analyser = audio.createAnalyser()
      analyser.fftSize = samples.length
      source.connect(analyser)
      meter = { source, analyser }
      meters.set(track.id, meter)
    }
    meter.analyser.getFloatTimeDomainData(samples)
    let sum = 0
    for (const sample of samples) sum += sample * sample
    return Math.sqrt(sum / samples.length)
  }

  const timer = setInterval(() => {
    const seen = new Set<string>()
    let loudest: { tile: HTMLElement; level: number } | undefined
    for (const tile of grid.querySelectorAll<HTMLElement>('.tile:not(.tile-screen)')) {
      const stream = tile.querySelector('video')?.srcObject
      const track = stream instanceof MediaStream ? stream.getAudioTracks().find((t) => t.enabled && t.readyState === 'live') : undefined
      if (!track) continue
      seen.add(track.id)
      const value = level(track)
      if (value >= SPEAKING_LEVEL && (!loudest || value > loudest.level)) loudest = { tile, level: value }
    }
    for (const tile of grid.querySelectorAll<HTMLElement>('.tile')) {
      if (tile === loudest?.tile) tile.dataset.speaking = 'true'
      else delete tile.dataset.speaking
    }
    for (const [id, meter] of meters) {
      if (seen.has(id)) continue
      meter.source.disconnect()
      meters.delete(id)
    }
  }, INTERVAL_MS)

  return {
    dispose() {
      clearInterval(timer)
      document.removeEventListener('click', resume)
      for (const meter of meters.values()) meter.source.disconnect()
      void audio.close()
    },
  }
}

import { el, uniqueId } from './dom.js'

export interface MicMeter {
  readonly element: HTMLElement
  /** Measures this track (or nothing). */
  setTrack(track: MediaStreamTrack | undefined): void
  dispose(): void
}

const INTERVAL_MS = 100
/** RMS of loud speech sits around 0.3; scaled so talking fills most of the bar. */
const FULL_SCALE = 0.3

/**
 * A microphone level meter (a labelled `<meter>`), so people see that they are heard before they
 * join. The AudioContext may start suspended until the first click or key (autoplay policy).
 */
export function createMicMeter(): MicMeter {
  const id = uniqueId('mic-level')
  const meter = el('meter', { id, min: '0', max: '1', value: '0', class: 'mic-meter' })
  const element = el('div', { class: 'mic-meter-field' }, [el('label', { for: id }, ['Microphone level']), meter])
  const audio = new AudioContext()
  const analyser = audio.createAnalyser()
  analyser.fftSize = 512
  const samples = new Float32Array(analyser.fftSize)
  let source: MediaStreamAudioSourceNode | undefined
  const resume = () => void audio.resume().catch(() => undefined)
  document.addEventListener('pointerdown', resume)
  document.addEventListener('keydown', resume)

  const timer = setInterval(() => {
    if (!source) return
    analyser.getFloatTimeDomainData(samples)
    let sum = 0
    for (const sample of samples) sum += sample * sample
    meter.value = Math.min(1, Math.sqrt(sum / samples.length) / FULL_SCALE)
  }, INTERVAL_MS)

  return {
    element,
    setTrack(track) {
      source?.disconnect()
      source = track ? audio.createMediaStreamSource(new MediaStream([track])) : undefined
      source?.connect(analyser)
      meter.value = 0
      element.hidden = track === undefined
    },
    dispose() {
      clearInterval(timer)
      document.removeEventListener('pointerdown', resume)
      document.removeEventListener('keydown', resume)
      source?.disconnect()
      void audio.close()
    },
  }
}

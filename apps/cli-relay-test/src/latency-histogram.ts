import { build, type Histogram } from 'hdr-histogram-js'

export interface LatencySummary {
  /** Milliseconds. */
  readonly p50: number
  readonly p90: number
  readonly p99: number
  readonly max: number
  readonly mean: number
  readonly count: number
}

/** Latencies in µs, 3 significant digits, up to one minute; reported in ms. */
export class LatencyHistogram {
  readonly #histogram: Histogram = build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 })

  recordMicros(micros: number): void {
    // Out-of-range values would throw inside the histogram; clamp rather than lose the sample.
    this.#histogram.recordValue(Math.min(60_000_000, Math.max(1, Math.round(micros))))
  }

  summary(): LatencySummary {
    const h = this.#histogram
    const ms = (micros: number): number => Math.round(micros) / 1000
    if (h.totalCount === 0) return { p50: 0, p90: 0, p99: 0, max: 0, mean: 0, count: 0 }
    return {
      p50: ms(h.getValueAtPercentile(50)),
      p90: ms(h.getValueAtPercentile(90)),
      p99: ms(h.getValueAtPercentile(99)),
      max: ms(h.maxValue),
      mean: ms(h.mean),
      count: h.totalCount,
    }
  }
}

/** Summary of repeated measurements: the median is the figure, min/max show the noise. */
export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (q) => {
    if (sorted.length === 0) return 0
    const index = (sorted.length - 1) * q
    const low = Math.floor(index)
    const high = Math.ceil(index)
    return sorted[low] + (sorted[high] - sorted[low]) * (index - low)
  }
  return { median: at(0.5), p90: at(0.9), min: sorted[0] ?? 0, max: sorted.at(-1) ?? 0, q1: at(0.25), q3: at(0.75), n: sorted.length, values }
}

export const round = (value, digits = 2) => Number(value.toFixed(digits))

import type { FuzzSummary } from './fuzz.js'
import { formatCounts } from './load-report.js'

const SHOWN_FINDINGS = 20

export interface FuzzProgress {
  readonly done: number
  readonly total: number
  readonly findings: number
  readonly elapsedMs: number
}

/** One stderr line while the run goes: a long run must show it is alive. */
export function formatFuzzProgress(progress: FuzzProgress): string {
  const seconds = (progress.elapsedMs / 1000).toFixed(0).padStart(4)
  return `[${seconds}s] fuzz ${progress.done}/${progress.total} cases  findings ${progress.findings}\n`
}

/** The fuzz run as an operator reads it: how each category was answered, then every finding. */
export function formatFuzzReport(summary: FuzzSummary): string {
  const lines = [
    `fuzz ${summary.target}: seed ${summary.seed}, ${summary.cases} cases, ${summary.frames} frames, ${summary.bytes} bytes (digest ${summary.digest.slice(0, 16)})`,
  ]
  if (summary.error) {
    lines.push(`FAIL: ${summary.error.code}: ${summary.error.message}`)
    return `${lines.join('\n')}\n`
  }
  for (const [category, outcomes] of Object.entries(summary.outcomes)) lines.push(`  ${category.padEnd(16)} ${formatCounts(outcomes)}`)
  for (const finding of summary.findings.slice(0, SHOWN_FINDINGS)) {
    lines.push(`  finding: case ${finding.caseId} (${finding.category}) ${finding.kind}: ${finding.detail}`)
  }
  if (summary.findings.length > SHOWN_FINDINGS) lines.push(`  … ${summary.findings.length - SHOWN_FINDINGS} more findings (use --json)`)
  lines.push(`  server still up after the run: ${summary.serverUp ? 'yes' : 'NO'}`)
  lines.push(
    summary.ok
      ? `PASS: every hostile frame got a typed error or a documented close (reproduce with --seed ${summary.seed})`
      : `FAIL: ${summary.findings.length} findings${summary.serverUp ? '' : ', server down'} (reproduce with --seed ${summary.seed})`,
  )
  return `${lines.join('\n')}\n`
}

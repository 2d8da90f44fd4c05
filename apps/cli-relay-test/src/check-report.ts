import type { CheckReport } from './check.js'

/** The check as an operator reads it: one line per step with its time, then the verdict. */
export function formatCheckReport(report: CheckReport): string {
  const lines = [`check ${report.url} (room ${report.room})`]
  const width = Math.max(...report.steps.map((s) => s.step.length))
  for (const step of report.steps) {
    const name = step.step.padEnd(width)
    if (step.ok) {
      const ms = `${(step.ms ?? 0).toFixed(1).padStart(8)} ms`
      lines.push(`  ok    ${name} ${ms}${step.detail ? `  ${step.detail}` : ''}`)
    } else {
      lines.push(`  FAIL  ${name}  ${step.error?.code ?? 'failed'}: ${step.error?.message ?? ''}`)
      if (step.detail) lines.push(`        ${' '.repeat(width)}  ${step.detail}`)
    }
  }
  const candidates = report.candidates
  if (candidates) {
    const selected = candidates.selected ? `${candidates.selected.local} → ${candidates.selected.remote}` : 'not reported by the stack'
    lines.push(`  ICE   selected pair ${selected}; candidates sent: ${list(candidates.sent)}, received: ${list(candidates.received)}`)
  }
  lines.push(report.ok ? 'PASS: the deployment connects a call end to end' : `FAIL at step "${report.failedStep}"`)
  return `${lines.join('\n')}\n`
}

function list(items: readonly string[]): string {
  return items.length > 0 ? items.join(', ') : 'none'
}

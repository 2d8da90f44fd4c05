import type { Bump } from './changesets.js'
import { classify, verdictOf, type Change, type Verdict } from './classify.js'

export interface SchemaVersions {
  /** File name, e.g. `protocol.v1.json`. */
  readonly file: string
  /** As of the last release (`compat/baseline/`). */
  readonly baseline: Readonly<Record<string, unknown>>
  /** As committed in `schema/`. */
  readonly committed: string
  /** As generated from the TypeBox definitions now. */
  readonly generated: string
}

export interface GateResult {
  readonly ok: boolean
  readonly verdict: Verdict
  readonly changes: readonly Change[]
  /** Why the gate failed, one line each; empty when it passed. */
  readonly problems: readonly string[]
}

/**
 * The protocol compatibility gate: every schema must be committed as generated, and any change
 * since the last release needs a pending `@peerlane/protocol` changeset — a major one when a
 * change is breaking.
 */
export function runGate(schemas: readonly SchemaVersions[], bump: Bump | undefined): GateResult {
  const problems: string[] = []
  const changes: Change[] = []
  for (const schema of schemas) {
    if (schema.committed !== schema.generated) {
      problems.push(`schema/${schema.file} differs from the TypeBox definitions: run \`pnpm --filter @peerlane/protocol schema:write\` and commit it`)
    }
    changes.push(...classify(schema.baseline, JSON.parse(schema.generated) as Record<string, unknown>, schema.file))
  }
  const verdict = verdictOf(changes)
  if (verdict !== 'none' && bump === undefined) {
    problems.push(`the wire protocol changed (${verdict}) but no pending changeset bumps @peerlane/protocol: run \`pnpm changeset\``)
  }
  if (verdict === 'breaking' && bump !== undefined && bump !== 'major') {
    problems.push(`a breaking wire change needs a major bump of @peerlane/protocol, but the pending changesets ask for ${bump}`)
  }
  return { ok: problems.length === 0, verdict, changes, problems }
}

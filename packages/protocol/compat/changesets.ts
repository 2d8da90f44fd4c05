import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export type Bump = 'patch' | 'minor' | 'major'

const ORDER: readonly Bump[] = ['patch', 'minor', 'major']

/**
 * The largest bump that the pending changesets (`.changeset/*.md`, not yet consumed by
 * `changeset version`) ask for `pkg`, or `undefined` when none mentions it.
 */
export function pendingBump(changesetDir: string, pkg: string): Bump | undefined {
  let largest: Bump | undefined
  for (const file of readdirSync(changesetDir)) {
    if (!file.endsWith('.md') || file === 'README.md') continue
    const bump = bumpIn(readFileSync(join(changesetDir, file), 'utf8'), pkg)
    if (bump && (!largest || ORDER.indexOf(bump) > ORDER.indexOf(largest))) largest = bump
  }
  return largest
}

/** The bump one changeset's front matter gives `pkg` (`"@scope/name": minor`). */
export function bumpIn(changeset: string, pkg: string): Bump | undefined {
  const frontMatter = /^---\r?\n([\s\S]*?)\r?\n---/.exec(changeset)?.[1] ?? ''
  for (const line of frontMatter.split(/\r?\n/)) {
    const match = /^\s*["']?([^"':]+)["']?\s*:\s*(patch|minor|major)\s*$/.exec(line)
    if (match?.[1] === pkg) return match[2] as Bump
  }
  return undefined
}

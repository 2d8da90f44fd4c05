import { readFileSync } from 'node:fs'

const DEPLOY_DOC = new URL('../../../../docs/deploy.md', import.meta.url)

/**
 * The code blocks of docs/deploy.md marked `<!-- deploy-test: <name> -->`, by name: the test
 * runs what the documentation says, so the two cannot drift apart.
 */
export function deployDocBlocks(): ReadonlyMap<string, string> {
  const text = readFileSync(DEPLOY_DOC, 'utf8')
  const blocks = new Map<string, string>()
  for (const match of text.matchAll(/<!-- deploy-test: ([\w-]+) -->\n```[\w-]*\n([\s\S]*?)\n```/g)) {
    blocks.set(match[1]!, match[2]!)
  }
  return blocks
}

export function deployDocBlock(name: string): string {
  const block = deployDocBlocks().get(name)
  if (block === undefined) throw new Error(`docs/deploy.md has no block marked <!-- deploy-test: ${name} -->`)
  return block
}

/** Applies `[from, to]` text replacements, failing if one does not occur (the doc changed shape). */
export function substitute(block: string, replacements: ReadonlyArray<readonly [string | RegExp, string]>): string {
  let text = block
  for (const [from, to] of replacements) {
    const next = typeof from === 'string' ? text.replaceAll(from, to) : text.replace(from, to)
    if (next === text) throw new Error(`docs/deploy.md block no longer contains ${String(from)}`)
    text = next
  }
  return text
}

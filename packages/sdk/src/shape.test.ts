import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

// The SDK's shape, checked: no module imports itself back through others (a cycle makes load
// order matter and defeats tree-shaking), and no module grows past ~300 lines without saying why.
const dir = new URL('./', import.meta.url)
const modules = readdirSync(dir).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
const source = new Map(modules.map((file) => [file, readFileSync(new URL(file, dir), 'utf8')]))
const MAX_LINES = 300
const REASON = /^\/\/ Over 300 lines: \S/m

function importsOf(text: string): string[] {
  // Type-only imports count too: a cycle of types is still two modules that cannot stand apart.
  return [...text.matchAll(/^(?:import|export)\b[^'"]*?from '\.\/([\w-]+)\.js'/gm)].map((match) => `${match[1]}.ts`)
}

/** Every import cycle among `graph`'s modules, each as the path that closes it. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const found: string[][] = []
  const done = new Set<string>()
  const visit = (node: string, path: string[]) => {
    const at = path.indexOf(node)
    if (at !== -1) return void found.push([...path.slice(at), node])
    if (done.has(node)) return
    for (const next of graph.get(node) ?? []) visit(next, [...path, node])
    done.add(node)
  }
  for (const node of graph.keys()) visit(node, [])
  return found
}

describe('SDK module shape', () => {
  it('has no import cycles', () => {
    const graph = new Map([...source].map(([file, text]) => [file, importsOf(text)]))
    expect(graph.get('client.ts')).toContain('signaling-session.ts')
    expect(cycles(graph)).toEqual([])
  })

  it('finds a cycle when there is one', () => {
    expect(cycles(new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']]]))).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']])
  })

  it('keeps modules under 300 lines, or says in their header why not', () => {
    const long = [...source].filter(([, text]) => text.split('\n').length > MAX_LINES && !REASON.test(text.split('\n').slice(0, 8).join('\n')))
    expect(long.map(([file]) => file)).toEqual([])
  })
})

import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { bumpIn } from './changesets.js'
import { classify, verdictOf, type ChangeKind, type Verdict } from './classify.js'
import { runGate } from './gate.js'

interface Fixture {
  readonly description: string
  readonly before: Record<string, unknown>
  readonly after: Record<string, unknown>
  readonly expected: { readonly verdict: Verdict; readonly changes: readonly { kind: ChangeKind; path: string }[] }
}

const dir = new URL('./fixtures/', import.meta.url)
const fixtures = readdirSync(dir)
  .filter((file) => file.endsWith('.json'))
  .map((file) => [file, JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Fixture] as const)

describe('the compatibility classifier on fixture schema pairs', () => {
  it.each(fixtures)('%s', (_file, fixture) => {
    const changes = classify(fixture.before, fixture.after)
    expect(changes.map(({ kind, path }) => ({ kind, path })), fixture.description).toEqual(fixture.expected.changes)
    expect(verdictOf(changes)).toBe(fixture.expected.verdict)
    for (const change of changes) expect(change.why.length).toBeGreaterThan(10)
  })
})

describe('the gate', () => {
  const fixture = (name: string) => fixtures.find(([file]) => file === `${name}.json`)![1]
  const versions = (name: string) => {
    const { before, after } = fixture(name)
    const text = `${JSON.stringify(after, null, 2)}\n`
    return [{ file: 'protocol.v1.json', baseline: before, committed: text, generated: text }]
  }

  it('passes an unchanged schema without any changeset', () => {
    expect(runGate(versions('unchanged'), undefined)).toMatchObject({ ok: true, verdict: 'none' })
  })

  it('fails an additive change without a changeset, and passes it with one', () => {
    const without = runGate(versions('new-optional-field'), undefined)
    expect(without.ok).toBe(false)
    expect(without.problems.join('\n')).toMatch(/no pending changeset bumps @peerlane\/protocol/)
    expect(runGate(versions('new-optional-field'), 'minor').ok).toBe(true)
  })

  it('fails a breaking change unless the bump is major, and says which change breaks and why', () => {
    const minor = runGate(versions('removed-field'), 'minor')
    expect(minor.ok).toBe(false)
    expect(minor.problems.join('\n')).toMatch(/breaking wire change needs a major bump/)
    expect(minor.changes).toContainEqual(expect.objectContaining({ kind: 'breaking', why: expect.stringMatching(/field "name" was removed/) }))
    expect(runGate(versions('removed-field'), 'major').ok).toBe(true)
  })

  it('fails when the committed schema drifted from the generated one', () => {
    const [schema] = versions('unchanged')
    const drifted = runGate([{ ...schema!, committed: '{}\n' }], 'minor')
    expect(drifted.ok).toBe(false)
    expect(drifted.problems[0]).toMatch(/schema:write/)
  })
})

describe('changeset front matter', () => {
  it('reads the bump for one package among several', () => {
    const text = '---\n"@peerlane/sdk": patch\n"@peerlane/protocol": major\n---\n\nWhy.\n'
    expect(bumpIn(text, '@peerlane/protocol')).toBe('major')
    expect(bumpIn(text, '@peerlane/signaling')).toBeUndefined()
    expect(bumpIn("---\n'@peerlane/protocol': minor\n---\n", '@peerlane/protocol')).toBe('minor')
  })
})

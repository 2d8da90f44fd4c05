import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'

// The README's first example is examples/vanilla/src/main.ts, which the browser suite installs,
// type-checks, builds and runs (e2e/example.spec.ts): the two must not drift apart.
it('the README’s first example is examples/vanilla/src/main.ts, word for word', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const example = readFileSync(new URL('../../../examples/vanilla/src/main.ts', import.meta.url), 'utf8')
  const first = /```ts\n([\s\S]*?)```/.exec(readme)?.[1]
  expect(first).toBe(example)
})

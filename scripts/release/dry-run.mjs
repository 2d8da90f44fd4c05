#!/usr/bin/env node
// `pnpm release:dry`: what `pnpm release` would publish, without publishing. Packs every
// publishable package once (the packages are built by the root script), lints the tarballs and
// runs the packed smoke test on them. Private packages (the web app) are never packed.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { lintPackages } from './lint-packages.mjs'
import { packAll } from './packages.mjs'
import { smoke } from './smoke.mjs'

const dest = mkdtempSync(join(tmpdir(), 'peerlane-pack-'))
try {
  const packed = packAll(dest)
  console.log(`release:dry: packed ${packed.map((pkg) => `${pkg.name}@${pkg.version}`).join(', ')}`)
  const problems = lintPackages(packed)
  for (const problem of problems) console.error(`package lint: ${problem}`)
  if (problems.length > 0) throw new Error(`package lint found ${problems.length} problems`)
  console.log('release:dry: publint, attw and metadata clean')
  smoke(packed)
} catch (error) {
  console.error(`release:dry: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
} finally {
  rmSync(dest, { recursive: true, force: true })
}

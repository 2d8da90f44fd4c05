#!/usr/bin/env node
// Package lint on the packed tarballs, as the registry would receive them: publint, Are The Types
// Wrong, and the metadata a registry page and a consumer's resolver need. Offline.
// Usage: node scripts/release/lint-packages.mjs [dir-of-tarballs]   (packs into a temp dir without one)
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT, packAll, publishablePackages, readFromTarball, tarballName } from './packages.mjs'

const REQUIRED_FIELDS = ['description', 'license', 'repository', 'homepage', 'bugs', 'keywords', 'engines', 'types', 'exports', 'files', 'sideEffects']
const bin = (name) => join(ROOT, 'node_modules/.bin', name)

export function lintPackages(packed) {
  const problems = []
  for (const pkg of packed) {
    const say = (text) => problems.push(`${pkg.name}: ${text}`)
    const run = (command, args) => {
      const result = spawnSync(command, args, { encoding: 'utf8' })
      if (result.status !== 0) say(`${[command.split('/').pop(), ...args.slice(1)].join(' ')} failed:\n${result.stdout}${result.stderr}`)
    }
    run(bin('publint'), ['run', pkg.tarball, '--strict'])
    // ESM-only by design: a CommonJS `require` must use `import()`, which attw reports as a warning.
    run(bin('attw'), [pkg.tarball, '--ignore-rules', 'cjs-resolves-to-esm', '--format', 'table-flipped'])

    const manifest = JSON.parse(readFromTarball(pkg.tarball, 'package.json') ?? '{}')
    for (const field of REQUIRED_FIELDS) if (manifest[field] === undefined) say(`package.json has no "${field}"`)
    if (manifest.license !== 'MIT') say(`license is ${manifest.license}, expected MIT`)
    if (!/^\d+\.\d+\.\d+/.test(manifest.version ?? '') || manifest.version === '0.0.0') say(`version ${manifest.version} is not a real version`)
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
        if (/^(workspace|catalog|link|file):/.test(range)) say(`${field}.${dep} is "${range}" in the tarball`)
      }
    }
    if (!readFromTarball(pkg.tarball, 'LICENSE')) say('the tarball has no LICENSE')
    const readme = readFromTarball(pkg.tarball, 'README.md')
    if (!readme) say('the tarball has no README.md')
    // A registry page has no repository around it: relative links break there.
    for (const [, target] of readme?.matchAll(/\]\((?!https?:|#|mailto:)([^)]+)\)/g) ?? []) say(`README links to "${target}"; use an absolute URL`)
  }
  return problems
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const given = process.argv[2]
  const dest = given ?? mkdtempSync(join(tmpdir(), 'peerlane-pack-'))
  try {
    const packed = given ? publishablePackages().map((pkg) => ({ ...pkg, tarball: join(dest, tarballName(pkg)) })) : packAll(dest)
    const problems = lintPackages(packed)
    for (const problem of problems) console.error(`package lint: ${problem}`)
    console.log(problems.length === 0 ? `package lint: ${packed.map((p) => p.name).join(', ')} clean (publint, attw, metadata)` : `package lint: ${problems.length} problems`)
    process.exitCode = problems.length === 0 ? 0 : 1
  } finally {
    if (!given) rmSync(dest, { recursive: true, force: true })
  }
}

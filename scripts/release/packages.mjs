// The workspace packages that get published (every one not marked private) and how to pack them.
// `pnpm pack` is what `changeset publish` runs under pnpm: it rewrites `workspace:*` to versions.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '')

/** @returns {{ name: string, version: string, dir: string, manifest: Record<string, any> }[]} */
export function publishablePackages() {
  const found = []
  for (const group of ['packages', 'apps']) {
    for (const entry of readdirSync(join(ROOT, group)).sort()) {
      const file = join(ROOT, group, entry, 'package.json')
      if (!existsSync(file)) continue
      const manifest = JSON.parse(readFileSync(file, 'utf8'))
      if (!manifest.private) found.push({ name: manifest.name, version: manifest.version, dir: join(ROOT, group, entry), manifest })
    }
  }
  return found
}

/** Packs every publishable package into `dest`; each must have been built. */
export function packAll(dest) {
  return publishablePackages().map((pkg) => {
    execFileSync('pnpm', ['pack', '--pack-destination', dest], { cwd: pkg.dir, stdio: ['ignore', 'ignore', 'inherit'] })
    const tarball = join(dest, tarballName(pkg))
    if (!existsSync(tarball)) throw new Error(`pnpm pack of ${pkg.name} did not produce ${tarball}`)
    return { ...pkg, tarball }
  })
}

/** The file name `pnpm pack` gives a package's tarball. */
export function tarballName(pkg) {
  return `${pkg.name.replace(/^@/, '').replace('/', '-')}-${pkg.version}.tgz`
}

/** A file's text from inside a tarball (`package/<path>`), or undefined when the tarball lacks it. */
export function readFromTarball(tarball, path) {
  try {
    return execFileSync('tar', ['-xzOf', tarball, `package/${path}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
  } catch {
    return undefined
  }
}

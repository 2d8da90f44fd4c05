import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test, type Page } from '@playwright/test'

// examples/vanilla as an outside app would have it: the protocol, SDK and server packed into
// tarballs, installed into a scratch copy of the example, type-checked (bundler and node16),
// built with its own esbuild, served by the packed server, and two Chromium pages in a call.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const EXAMPLE = join(ROOT, 'examples/vanilla')
const PACKED = ['packages/protocol', 'packages/sdk', 'apps/signaling']

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } })
}

function prepare(dir: string): void {
  const tarballs = join(dir, 'tarballs')
  mkdirSync(tarballs)
  const overrides: Record<string, string> = {}
  for (const pkg of PACKED) {
    const manifest = JSON.parse(readFileSync(join(ROOT, pkg, 'package.json'), 'utf8')) as { name: string; version: string }
    run('pnpm', ['pack', '--pack-destination', tarballs], join(ROOT, pkg))
    overrides[manifest.name] = `file:${join(tarballs, `${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.tgz`)}`
  }
  const app = join(dir, 'app')
  cpSync(EXAMPLE, app, { recursive: true, filter: (path) => !/node_modules|dist/.test(path.slice(EXAMPLE.length)) })
  // Unpublished, the tarballs' references to each other must point at the tarballs too.
  const lines = Object.entries(overrides).map(([name, spec]) => `  '${name}': '${spec}'`)
  writeFileSync(join(app, 'pnpm-workspace.yaml'), `overrides:\n${lines.join('\n')}\nallowBuilds:\n  esbuild: true\n`)
  run('pnpm', ['install', '--offline', '--config.confirmModulesPurge=false'], app)
  run('pnpm', ['run', 'typecheck'], app)
  run('pnpm', ['run', 'build'], app)
}

function serve(app: string): Promise<{ child: ChildProcess; origin: string }> {
  const child = spawn(join(app, 'node_modules/.bin/peerlane-signaling'), ['--port', '0', '--host', '127.0.0.1', '--static-dir', '.', '--log-level', 'silent'], {
    cwd: app,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk
      const match = /listening on (http:\/\/\S+)/.exec(out)
      if (match?.[1]) resolve({ child, origin: match[1] })
    })
    child.once('exit', (code) => reject(new Error(`peerlane-signaling exited ${code}: ${out}`)))
  })
}

/** Video elements on the page that show a remote camera with decoded frames. */
const playingVideos = (page: Page) =>
  page.evaluate(() => [...document.querySelectorAll<HTMLVideoElement>('video[data-peer]')].filter((video) => video.videoWidth > 0).length)

test('examples/vanilla, installed from packed tarballs, type-checks, builds and calls in Chromium', async ({ browser }) => {
  test.setTimeout(240_000)
  const dir = mkdtempSync(join(tmpdir(), 'peerlane-example-'))
  let server: ChildProcess | undefined
  try {
    prepare(dir)
    const served = await serve(join(dir, 'app'))
    server = served.child
    const pages: Page[] = []
    for (let i = 0; i < 2; i++) {
      const context = await browser.newContext()
      const page = await context.newPage()
      const errors: string[] = []
      page.on('pageerror', (error) => errors.push(error.message))
      await page.goto(`${served.origin}/?room=vanilla-example`)
      await expect(page.getByRole('button', { name: 'Leave' }), `page ${i} joined (errors: ${errors.join('; ')})`).toBeVisible({ timeout: 20_000 })
      pages.push(page)
    }
    const [first, second] = pages as [Page, Page]
    for (const page of pages) await expect.poll(() => playingVideos(page), { timeout: 30_000 }).toBe(1)

    await first.getByRole('button', { name: 'Leave' }).click()
    await expect.poll(() => second.locator('video[data-peer]').count(), { timeout: 10_000 }).toBe(0)
  } finally {
    server?.kill('SIGTERM')
    rmSync(dir, { recursive: true, force: true })
  }
})

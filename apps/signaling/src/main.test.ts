// Runs the real bin (through tsx, so no build is needed) as a child process.
import { spawn } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'

const packageDir = fileURLToPath(new URL('..', import.meta.url))
const MAIN = 'src/main.ts'

interface Run {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

function run(args: string[], env: Record<string, string> = {}, onStdout?: (text: string, stop: () => void) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      cwd: packageDir,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
      onStdout?.(stdout, () => child.kill('SIGTERM'))
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })
}

describe('peerlane-signaling bin', () => {
  it('prints usage for --help', async () => {
    const result = await run(['--help'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^Usage: peerlane-signaling/)
    for (const flag of ['--port', '--host', '--static-dir', '--ice-servers', '--log-level', 'PEERLANE_STATIC_DIR']) {
      expect(result.stdout).toContain(flag)
    }
  })

  it.each([
    [['--port', 'eighty'], {}, /--port must be an integer/],
    [[], { PORT: '99999' }, /PORT must be an integer/],
    [['--ice-servers', '[{"url":"stun:x"}]'], {}, /--ice-servers must be a JSON array/],
    [['--verbose'], {}, /verbose/],
    [['--static-dir', '/nonexistent/peerlane-web'], {}, /static directory not found/],
    [['--auth-secret', 'short'], {}, /invalid configuration: .*at least 32 characters/],
    [[], { PEERLANE_MAX_ROOMS: '0' }, /invalid configuration: maxRooms \(--max-rooms \/ PEERLANE_MAX_ROOMS\) must be a positive number/],
    [['--max-sdp-length', '99999999'], {}, /invalid configuration: maxSdpLength \(--max-sdp-length \/ PEERLANE_MAX_SDP_LENGTH\) must be at most/],
    [['--turn-secret', 'a-turn-secret-long-enough'], {}, /invalid configuration: turnUrls \(--turn-urls \/ PEERLANE_TURN_URLS\) must list/],
    [['--tls-cert', '/nonexistent/cert.pem', '--tls-key', '/nonexistent/key.pem'], {}, /cannot read key file \/nonexistent\/cert.pem: ENOENT/],
    [['--resume-secret-file', '/nonexistent/dir/secret'], {}, /cannot create resume secret file .*ENOENT/],
  ])('exits non-zero with a clear error for %j %j', async (args, env, message) => {
    const result = await run(args, env)
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(message)
    expect(result.stderr).toMatch(/^peerlane-signaling: /)
    expect(result.stdout).toBe('')
  })

  it('starts with --auth-public-key <pem> given as two arguments, and checks tokens with it', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString()
    let refused: Promise<unknown> | undefined
    const result = await run(['--port', '0', '--auth-public-key', pem], { LOG_LEVEL: 'warn' }, (stdout, stop) => {
      const url = /listening on http:\/\/(127\.0\.0\.1:\d+)/.exec(stdout)?.[1]
      if (!url || refused) return
      refused = new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://${url}`)
        ws.on('open', () => ws.send(JSON.stringify({ type: 'join', room: 'r' })))
        ws.on('message', (data) => resolve(JSON.parse(data.toString())))
        ws.on('error', reject)
      }).finally(stop)
    })
    expect(await refused).toMatchObject({ type: 'error', code: 'unauthorized' })
    expect(result.code).toBe(0)
  })

  it('serves, prints its URL, and exits 0 on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'peerlane-main-'))
    await writeFile(join(dir, 'index.html'), '<p>app</p>')
    try {
      let checks: Promise<unknown> | undefined
      const result = await run(['--port', '0', '--static-dir', dir], { LOG_LEVEL: 'warn', PEERLANE_RESUME_SECRET: 'a-long-enough-secret' }, (stdout, stop) => {
        const url = /listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout)?.[1]
        if (!url || checks) return
        checks = Promise.all([fetch(`${url}/healthz`).then((r) => r.json()), fetch(`${url}/`).then((r) => r.text())]).finally(stop)
      })
      expect(await checks).toEqual([{ status: 'ok', rooms: 0, peers: 0 }, '<p>app</p>'])
      expect(result.stdout).toMatch(/^Peerlane signaling listening on http:\/\/127\.0\.0\.1:\d+\n$/)
      expect(result.code).toBe(0)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('warns that a random resume secret rebuilds calls on restart, and keeps one in --resume-secret-file instead', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'peerlane-main-'))
    const file = join(dir, 'resume-secret')
    const startAndStop = (args: string[]) => run(['--port', '0', ...args], { LOG_LEVEL: 'warn' }, (stdout, stop) => /listening on/.test(stdout) && stop())
    try {
      expect((await startAndStop([])).stdout).toMatch(/no resume secret configured.*a restart of this server rebuilds every call/)
      const first = await startAndStop(['--resume-secret-file', file])
      expect(first.stdout).toContain(`Created resume secret file ${file} (mode 0600)`)
      expect(first.stdout).not.toMatch(/no resume secret configured/)
      expect((await stat(file)).mode & 0o777).toBe(0o600)
      const secret = await readFile(file, 'utf8')
      const second = await startAndStop(['--resume-secret-file', file])
      expect(second.stdout).not.toMatch(/Created|no resume secret/)
      expect(await readFile(file, 'utf8')).toBe(secret)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }, 30_000)
})

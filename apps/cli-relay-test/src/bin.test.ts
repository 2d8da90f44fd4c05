// Runs the built bins as child processes, as CI would: each must exit by itself, in time, with
// the exit code its verdict calls for.
import { spawn, type ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EXIT } from './cli.js'
import { deadPort } from './test-support.js'

const RELAY_TEST_BIN = fileURLToPath(new URL('../dist/main.js', import.meta.url))
const SIGNALING_BIN = join(dirname(createRequire(import.meta.url).resolve('@peerlane/signaling/package.json')), 'dist/main.js')

interface Exit {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
  /** Milliseconds from the first stdout line matching `verdict` to the exit. */
  readonly afterVerdictMs: number | undefined
}

/** Runs the relay tester; a run that has not exited after `limitMs` is killed and reports code null. */
function relayTest(args: readonly string[], limitMs: number, verdict = /^(PASS|FAIL)/m): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RELAY_TEST_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    let verdictAt: number | undefined
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
      if (verdictAt === undefined && verdict.test(stdout)) verdictAt = performance.now()
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr, afterVerdictMs: verdictAt === undefined ? undefined : performance.now() - verdictAt })
    })
  })
}

let server: ChildProcess
let url: string

beforeAll(async () => {
  server = spawn(process.execPath, [SIGNALING_BIN, '--port', '0', '--log-level', 'silent'], { stdio: ['ignore', 'pipe', 'inherit'] })
  url = await new Promise<string>((resolve, reject) => {
    let out = ''
    server.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk
      const match = /listening on http:\/\/([^\s]+)/.exec(out)
      if (match) resolve(`ws://${match[1]}/ws`)
    })
    server.once('exit', (code) => reject(new Error(`peerlane-signaling exited with ${code}: ${out}`)))
  })
})
afterAll(() => {
  server.kill('SIGKILL')
})

describe('peerlane-relay-test bin', () => {
  it('check passes and exits 0 within 2 s of its verdict', async () => {
    const run = await relayTest(['check', url], 60_000)
    expect(run.stdout).toMatch(/^PASS/m)
    expect(run.code).toBe(EXIT.passed)
    expect(run.afterVerdictMs).toBeLessThan(2_000)
  }, 70_000)

  it('load against a dead server fails at once with exit 1 instead of waiting out --duration', async () => {
    const run = await relayTest(['load', `ws://127.0.0.1:${await deadPort()}/ws`, '--duration', '5m'], 30_000)
    expect(run.code).toBe(EXIT.failed)
    expect(run.stdout).toMatch(/FAIL: no peer could connect \(unreachable ×2\)/)
  }, 40_000)

  it('fuzz reports progress on stderr and exits 0', async () => {
    const run = await relayTest(['fuzz', url, '--frames', '20', '--seed', '7'], 60_000)
    expect(run.stderr).toMatch(/fuzz 20\/20 cases {2}findings 0/)
    expect(run.code).toBe(EXIT.passed)
  }, 70_000)

  it.each([
    [['fuzz', 'ws://127.0.0.1:1', '--frames', '-1'], '--frames must be an integer ≥ 1, got "-1"'],
    [['check', 'ws://127.0.0.1:1', '--round-trips', '-5'], '--round-trips must be an integer ≥ 1, got "-5"'],
    [['load', 'ws://127.0.0.1:1', '--duration', '-2s'], '--duration must be a duration like 10s, 500ms or 2m, got "-2s"'],
  ])('%j exits 2 naming the flag and what is wrong', async (args, message) => {
    const run = await relayTest(args, 20_000)
    expect(run.code).toBe(EXIT.usage)
    expect(run.stderr).toContain(message)
  }, 30_000)
})

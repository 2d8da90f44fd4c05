// Test-only: the real bin as a child process (through tsx, so no build is needed), for tests that
// must see the process itself: that it never crashes, and how it exits on a signal.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const packageDir = fileURLToPath(new URL('../..', import.meta.url))

export interface SpawnedServer {
  readonly child: ChildProcess
  readonly httpUrl: string
  readonly url: string
  /** Everything the process wrote so far. */
  output(): { stdout: string; stderr: string }
  /** Resolves with the exit code (or signal) once the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Starts `peerlane-signaling --port 0 …args` and resolves once it prints its URL (within `startupMs`). */
export function spawnServer(args: string[], env: Record<string, string> = {}, startupMs = 15_000): Promise<SpawnedServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--port', '0', ...args], {
    cwd: packageDir,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }))
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`server did not start within ${startupMs} ms: ${stderr}`))
    }, startupMs)
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
      const httpUrl = /listening on (http:\/\/[^\s]+)/.exec(stdout)?.[1]
      if (!httpUrl) return
      clearTimeout(timer)
      resolve({ child, httpUrl, url: httpUrl.replace(/^http/, 'ws'), output: () => ({ stdout, stderr }), exited })
    })
    void exited.then(({ code, signal }) => {
      clearTimeout(timer)
      reject(new Error(`server exited before listening (code ${code}, signal ${signal}): ${stderr}`))
    })
  })
}

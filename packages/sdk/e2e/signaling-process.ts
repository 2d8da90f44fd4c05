import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const BIN = fileURLToPath(new URL('../../../apps/signaling/dist/main.js', import.meta.url))
/** Shared by every server of the suite, so a restarted one accepts the resume tokens of the last. */
export const RESUME_SECRET = 'peerlane-sdk-e2e-resume-secret'

export interface SignalingOptions {
  /** Defaults to a free one. */
  readonly port?: number
  /** The server's resume grace period (`--resume-grace-ms`); the server's default when omitted. */
  readonly resumeGraceMs?: number
  /** More command-line flags, e.g. `--turn-secret`. */
  readonly args?: readonly string[]
}

/**
 * The real `peerlane-signaling` bin as a child process, so a test can kill it (SIGKILL: no
 * goodbye to anyone) and start it again on the same port.
 */
export class SignalingProcess {
  private child: ChildProcess | undefined
  private output = ''

  private constructor(
    private readonly options: SignalingOptions,
    private currentPort: number,
  ) {}

  static async start(options: SignalingOptions = {}): Promise<SignalingProcess> {
    const server = new SignalingProcess(options, options.port ?? 0)
    await server.launch()
    return server
  }

  get port(): number {
    return this.currentPort
  }

  get url(): string {
    return `ws://127.0.0.1:${this.currentPort}/ws`
  }

  /** Everything the process (and any earlier run of it) wrote, for failure messages. */
  get log(): string {
    return this.output
  }

  /** Kills the process without a shutdown: sockets drop as if the host died. */
  async kill(): Promise<void> {
    await this.terminate('SIGKILL')
  }

  /** Starts the process again on the same port with the same secret. */
  async restart(): Promise<void> {
    if (this.child) throw new Error('signaling: still running')
    await this.launch()
  }

  async stop(): Promise<void> {
    await this.terminate('SIGTERM', 3_000)
  }

  /** SIGTERM, as an orchestrator sends before a deploy; resolves with the exit code. */
  async drain(): Promise<number | null> {
    const child = this.child
    if (!child) throw new Error('signaling: not running')
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    await this.terminate('SIGTERM')
    return exited
  }

  private async launch(): Promise<void> {
    const args = [BIN, '--port', String(this.currentPort), '--host', '127.0.0.1', '--resume-secret', RESUME_SECRET, '--log-level', 'warn']
    if (this.options.resumeGraceMs !== undefined) args.push('--resume-grace-ms', String(this.options.resumeGraceMs))
    args.push(...(this.options.args ?? []))
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    this.child = child
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()))
    this.currentPort = await new Promise<number>((resolve, reject) => {
      let stdout = ''
      const fail = (why: string) => reject(new Error(`signaling did not start (${why}):\n${this.output}`))
      child.stdout?.on('data', (chunk: Buffer) => {
        const text = chunk.toString()
        this.output += text
        stdout += text
        const listening = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)
        if (listening?.[1]) resolve(Number(listening[1]))
      })
      child.once('error', (error) => fail(error.message))
      child.once('exit', (code, signal) => fail(`exited with ${signal ?? code}`))
    })
  }

  private async terminate(signal: NodeJS.Signals, killAfterMs?: number): Promise<void> {
    const child = this.child
    this.child = undefined
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.kill(signal)
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs)
    await exited
    clearTimeout(timer)
  }
}

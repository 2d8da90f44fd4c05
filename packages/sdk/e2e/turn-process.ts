import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createSocket } from 'node:dgram'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TurnOptions {
  /** coturn's static-auth-secret: the signaling server's --turn-secret must match it. */
  readonly secret: string
}

/**
 * Debian's coturn (`turnserver`) on a free loopback port, configured as docs/deploy.md says
 * (use-auth-secret, no CLI, no TLS/DTLS listeners) except that loopback peers are allowed: in the
 * test namespace every participant is on 127.0.0.1.
 */
export class TurnProcess {
  private output = ''

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly port: number,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()))
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()))
  }

  static async start(options: TurnOptions): Promise<TurnProcess> {
    const dir = await mkdtemp(join(tmpdir(), 'peerlane-coturn-'))
    const port = await freeUdpPort()
    const child = spawn(
      'turnserver',
      [
        '-n',
        '--listening-ip=127.0.0.1',
        '--relay-ip=127.0.0.1',
        `--listening-port=${port}`,
        '--min-port=49152',
        '--max-port=49407',
        '--use-auth-secret',
        `--static-auth-secret=${options.secret}`,
        '--realm=peerlane.test',
        '--no-cli',
        '--cli-password=unused',
        '--no-tls',
        '--no-dtls',
        '--allow-loopback-peers',
        '--no-software-attribute',
        '--log-file=stdout',
        `--pidfile=${join(dir, 'turnserver.pid')}`,
        `--userdb=${join(dir, 'turndb')}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    const turn = new TurnProcess(child, dir, port)
    await turn.untilAnswering()
    return turn
  }

  /** `turn:127.0.0.1:<port>?transport=udp`. */
  get url(): string {
    return `turn:127.0.0.1:${this.port}?transport=udp`
  }

  get log(): string {
    return this.output
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()))
      this.child.kill('SIGTERM')
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 3_000)
      await exited
      clearTimeout(timer)
    }
    await rm(this.dir, { recursive: true, force: true })
  }

  // Ready when it answers a STUN Binding request: its log lines come before its sockets are up.
  private async untilAnswering(): Promise<void> {
    const deadline = Date.now() + 10_000
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) break
      if (await stunBinding(this.port, 200)) return
    }
    await this.stop()
    throw new Error(`coturn did not start:\n${this.output}`)
  }
}

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  const { port } = socket.address()
  await new Promise<void>((resolve) => socket.close(() => resolve()))
  return port
}

/** Sends one STUN Binding request (RFC 5389) and resolves whether a success response came back in time. */
function stunBinding(port: number, timeoutMs: number): Promise<boolean> {
  const socket = createSocket('udp4')
  const request = Buffer.alloc(20)
  request.writeUInt16BE(0x0001, 0)
  request.writeUInt32BE(0x2112a442, 4)
  randomBytes(12).copy(request, 8)
  return new Promise<boolean>((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer)
      socket.close()
      resolve(ok)
    }
    const timer = setTimeout(() => done(false), timeoutMs)
    socket.on('error', () => done(false))
    socket.on('message', (message) => done(message.readUInt16BE(0) === 0x0101 && message.subarray(8, 20).equals(request.subarray(8, 20))))
    socket.send(request, port, '127.0.0.1')
  })
}

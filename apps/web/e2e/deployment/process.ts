import { spawn, type ChildProcess } from 'node:child_process'
import { createConnection, createServer, type AddressInfo, type Server } from 'node:net'

/** A child process with its output kept for failure messages. */
export class Child {
  private output = ''
  private readonly child: ChildProcess

  constructor(
    readonly name: string,
    file: string,
    args: readonly string[],
    options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
  ) {
    this.child = spawn(file, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'], detached: false })
    this.child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()))
    this.child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()))
  }

  get log(): string {
    return `── ${this.name} ──\n${this.output}`
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null
  }

  /** SIGKILL: no goodbye to anyone, as if the host died. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL')
  }

  async stop(): Promise<void> {
    await this.signal('SIGTERM', 5_000)
  }

  private async signal(signal: NodeJS.Signals, graceMs = 0): Promise<void> {
    if (!this.running) return
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()))
    this.child.kill(signal)
    const timer = graceMs > 0 ? setTimeout(() => this.child.kill('SIGKILL'), graceMs) : undefined
    await exited
    clearTimeout(timer)
  }
}

/** Resolves once something accepts TCP connections on 127.0.0.1:`port`. */
export async function untilListening(port: number, child: Child, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (!child.running) throw new Error(`${child.name} exited before listening on ${port}\n${child.log}`)
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port })
      socket.once('connect', () => resolve(true))
      socket.once('error', () => resolve(false))
      socket.setTimeout(1_000, () => resolve(false))
    }).catch(() => false)
    if (open) return
    if (Date.now() > deadline) throw new Error(`${child.name} is not listening on ${port}\n${child.log}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Free loopback TCP ports, all distinct (held open together while they are picked). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<Server>((resolve) => {
      const server = createServer()
      server.listen(0, '127.0.0.1', () => resolve(server))
    })),
  )
  const ports = servers.map((server) => (server.address() as AddressInfo).port)
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))))
  return ports
}

// Test-only: a real redis-server (Debian's) on a free loopback port, owned by one suite. It can be
// killed and started again on the same port, to test what nodes do while Redis is away.
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer, connect } from 'node:net'

export interface TestRedis {
  readonly url: string
  readonly port: number
  /** SIGKILLs the server and resolves once it has exited. */
  kill(): Promise<void>
  /** SIGSTOPs the server: connections stay open, nothing is answered. */
  pause(): void
  /** SIGCONTs a paused server. */
  resume(): void
  /** Starts it again on the same port (empty: nothing is persisted). */
  restart(): Promise<void>
  stop(): Promise<void>
}

const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server'

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort()
  let child = await launch(port)
  const kill = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.kill('SIGKILL')
    child.kill('SIGCONT')
    await exited
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    async restart() {
      await kill()
      child = await launch(port)
    },
    stop: kill,
  }
}

async function launch(port: number): Promise<ChildProcess> {
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  const deadline = Date.now() + 10_000
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`redis-server did not start on port ${port}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return child
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

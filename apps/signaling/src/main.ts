#!/usr/bin/env node
// The `peerlane-signaling` bin: the only module that reads argv, the environment and signals.
import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { USAGE, parseCliArgs } from './cli-args.js'
import { createSignalingServer } from './server.js'

const fail = (message: string, exitCode: number): never => {
  process.stderr.write(`peerlane-signaling: ${message}\n`)
  process.exit(exitCode)
}

const parsed = parseCliArgs(process.argv.slice(2), process.env)
if (!parsed.ok) fail(`${parsed.error}\nRun "peerlane-signaling --help" for usage.`, 2)
else if (parsed.help) process.stdout.write(USAGE)
else {
  const { options } = parsed
  const staticDir = options.staticDir === undefined ? undefined : resolve(options.staticDir)
  if (staticDir !== undefined) {
    const info = await stat(staticDir).catch(() => undefined)
    if (!info?.isDirectory()) fail(`static directory not found: ${staticDir} (build the web app first?)`, 2)
  }

  const server = await createSignalingServer({
    port: options.port,
    host: options.host,
    staticDir,
    iceServers: options.iceServers,
    logger: options.logLevel,
    resumeGraceMs: options.resumeGraceMs,
    ...(options.resumeSecret !== undefined ? { resumeSecret: options.resumeSecret } : {}),
  }).catch((error: NodeJS.ErrnoException) =>
    fail(
      error.code === 'EADDRINUSE'
        ? `port ${options.port} on ${options.host} is already in use (pick another with --port)`
        : `cannot listen on ${options.host}:${options.port}: ${error.message}`,
      1,
    ),
  )

  const serving = staticDir === undefined ? ' (WebSocket signaling and /healthz only: no --static-dir)' : ''
  process.stdout.write(`Peerlane signaling listening on ${server.httpUrl}${serving}\n`)

  let stopping = false
  const stop = (): void => {
    // A second signal while closing means "now".
    if (stopping) process.exit(1)
    stopping = true
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

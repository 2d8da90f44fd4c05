#!/usr/bin/env node
// The `peerlane-signaling` bin: the only module that reads argv, the environment and signals.
import { readFile, stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { AuthConfigError, mintToken } from './auth.js'
import { USAGE, parseCliArgs } from './cli-args.js'
import { ConfigError } from './config-check.js'
import { loadResumeSecret } from './resume-secret-file.js'
import { createSignalingServer } from './server.js'
import { TOKEN_USAGE, parseTokenCommand } from './token-command.js'

const fail = (message: string, exitCode: number): never => {
  process.stderr.write(`peerlane-signaling: ${message}\n`)
  process.exit(exitCode)
}

const readKeyFile = (path: string): Promise<string> =>
  readFile(resolve(path), 'utf8').catch((error: NodeJS.ErrnoException) => fail(`cannot read key file ${path}: ${error.code ?? error.message}`, 2))

/** `peerlane-signaling token …`: prints a room token and exits. */
async function tokenCommand(argv: string[]): Promise<never> {
  const parsedToken = parseTokenCommand(argv, process.env)
  if (!parsedToken.ok) return fail(`${parsedToken.error}\nRun "peerlane-signaling token --help" for usage.`, 2)
  if (parsedToken.help) {
    process.stdout.write(TOKEN_USAGE)
    return process.exit(0)
  }
  const { command } = parsedToken
  const privateKey = command.privateKeyFile === undefined ? undefined : await readKeyFile(command.privateKeyFile)
  const token = await mintToken({ ...command, privateKey }).catch((error: Error) => fail(error.message, error instanceof AuthConfigError ? 2 : 1))
  process.stdout.write(`${token}\n`)
  return process.exit(0)
}

if (process.argv[2] === 'token') await tokenCommand(process.argv.slice(3))

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

  const { authPublicKeyFile, tlsCertFile, tlsKeyFile, ...settings } = options.settings
  const authPublicKey = authPublicKeyFile === undefined ? settings.authPublicKey : await readKeyFile(authPublicKeyFile)
  const tls = tlsCertFile === undefined || tlsKeyFile === undefined ? {} : { tlsCert: await readKeyFile(tlsCertFile), tlsKey: await readKeyFile(tlsKeyFile) }
  let resumeSecret = options.resumeSecret
  if (options.resumeSecretFile !== undefined) {
    const loaded = await loadResumeSecret(resolve(options.resumeSecretFile))
    if (!loaded.ok) fail(loaded.error, 2)
    else {
      resumeSecret = loaded.secret
      if (loaded.created) process.stdout.write(`Created resume secret file ${options.resumeSecretFile} (mode 0600)\n`)
      if (loaded.readableByOthers) process.stderr.write(`peerlane-signaling: warning: ${options.resumeSecretFile} is readable by other users; chmod 600 it\n`)
    }
  }
  const server = await createSignalingServer({
    ...settings,
    authPublicKey,
    ...tls,
    port: options.port,
    host: options.host,
    staticDir,
    iceServers: options.iceServers,
    logger: options.logLevel,
    resumeGraceMs: options.resumeGraceMs,
    ...(resumeSecret !== undefined ? { resumeSecret } : {}),
  }).catch((error: NodeJS.ErrnoException) =>
    fail(
      error instanceof ConfigError || error instanceof AuthConfigError
        ? `invalid configuration: ${error.message}`
        : error.code === 'EADDRINUSE'
        ? `port ${options.port} on ${options.host} is already in use (pick another with --port)`
        : `cannot listen on ${options.host}:${options.port}: ${error.message}`,
      error instanceof ConfigError || error instanceof AuthConfigError ? 2 : 1,
    ),
  )

  const serving = staticDir === undefined ? ' (WebSocket signaling and /healthz only: no --static-dir)' : ''
  process.stdout.write(`Peerlane signaling listening on ${server.httpUrl}${serving}\n`)
  if (server.metricsUrl !== undefined) process.stdout.write(`Metrics on ${server.metricsUrl}\n`)

  let stopping = false
  const stop = (): void => {
    // A second signal while closing means "now".
    if (stopping) process.exit(1)
    stopping = true
    // Draining lets clients move their calls before the sockets close with 1012.
    server.drain().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

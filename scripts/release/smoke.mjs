#!/usr/bin/env node
// Packed smoke test: the tarballs `changeset publish` would upload, installed into a scratch project
// outside the workspace with npm and with pnpm, imported from ESM and from TypeScript (bundler, node16
// and node resolution), then the packed `peerlane-signaling` bin serves and the packed
// `peerlane-relay-test check` must pass against it and exit 0 within 2 s of its verdict.
// Registry dependencies come from the machine's caches: pnpm installs --offline from its store (a
// `pnpm install` of the workspace fills it), npm --offline from its cache. When a cache lacks one
// (npm's is empty on a fresh machine), the run says so and installs with --prefer-offline instead,
// which fetches only what is missing, once.
// Usage: node scripts/release/smoke.mjs [dir-of-tarballs]   (packs into a temp dir without one)
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT, packAll, publishablePackages, tarballName } from './packages.mjs'

const TSC = join(ROOT, 'node_modules/typescript/bin/tsc')
// The version the workspace's catalog pins, so pnpm finds it in its store.
const catalogVersion = (name) => {
  const match = new RegExp(`^\\s+"?${name.replace('/', '\\/')}"?:\\s*(\\S+)$`, 'm').exec(readFileSync(join(ROOT, 'pnpm-workspace.yaml'), 'utf8'))
  if (!match) throw new Error(`${name} is not in the catalog of pnpm-workspace.yaml`)
  return match[1]
}
// Consumer type packages: the server's and the tester's public types mention Node's and ws's.
const TYPES = { '@types/node': catalogVersion('@types/node'), '@types/ws': catalogVersion('@types/ws') }

const ESM_CHECK = `
import assert from 'node:assert/strict'
import { decode, encode, PROTOCOL_VERSION, protocolJsonSchema } from '@peerlane/protocol'
import * as codec from '@peerlane/protocol/codec'
import { validVectors } from '@peerlane/protocol/vectors'
import { PeerlaneClient, PeerlaneError } from '@peerlane/sdk'
import { weriftPeerConnection } from '@peerlane/sdk/werift'
import { useChat } from '@peerlane/sdk/chat'
import { useFiles } from '@peerlane/sdk/files'
import { useStats, useConnectionQuality } from '@peerlane/sdk/stats'
import { useVideoQuality } from '@peerlane/sdk/video-quality'
import { openDataChannel } from '@peerlane/sdk/data'
import { SDK_ERROR_CODES } from '@peerlane/sdk/error-codes'
import { createSignalingServer, DEFAULT_CONFIG } from '@peerlane/signaling'
import { runCheck, EXIT } from '@peerlane/relay-test'
import { createRequire } from 'node:module'

const schema = createRequire(import.meta.url)('@peerlane/protocol/schema/protocol.v1.json')
assert.equal(typeof schema, 'object')
assert.equal(typeof protocolJsonSchema(), 'object')
assert.ok(validVectors().length > 0)
assert.equal(decode(encode({ type: 'ping', id: 'p1' }), 'client').ok, true)
assert.equal(codec.decode('{', 'server').ok, false)
assert.equal(typeof PROTOCOL_VERSION, 'number')
for (const value of [PeerlaneClient, PeerlaneError, weriftPeerConnection, createSignalingServer, runCheck, useChat, useFiles, useStats, useConnectionQuality, useVideoQuality, openDataChannel]) assert.equal(typeof value, 'function')
assert.equal(typeof SDK_ERROR_CODES['invalid-state'], 'string')
assert.equal(EXIT.passed, 0)
const server = await createSignalingServer({ port: 0, logger: 'silent' })
assert.equal((await fetch(server.httpUrl + '/healthz')).status, 200)
await server.close()
assert.ok(DEFAULT_CONFIG.maxPayload > 0)
console.log('esm ok')
`

const TS_CHECK = `
import { decode, type DecodeResult, type ServerMessage, type Welcome } from '@peerlane/protocol'
import { encode, type ClientMessage } from '@peerlane/protocol/codec'
import { validVectors, type GoldenVector } from '@peerlane/protocol/vectors'
import { PeerlaneClient, type PeerlaneErrorCode } from '@peerlane/sdk'
import { weriftPeerConnection } from '@peerlane/sdk/werift'
import { useChat, type ChatMessage } from '@peerlane/sdk/chat'
import { useConnectionQuality, type ConnectionQualityLevel } from '@peerlane/sdk/stats'
import { createSignalingServer, type SignalingConfig, type SignalingServer } from '@peerlane/signaling'
import { runCheck, type CheckReport } from '@peerlane/relay-test'

const result: DecodeResult<ServerMessage> = decode('{}', 'server')
const welcome: Welcome | undefined = result.ok && result.message.type === 'welcome' ? result.message : undefined
const join: ClientMessage = { type: 'join', room: 'standup' }
const vectors: GoldenVector[] = validVectors()
const code: PeerlaneErrorCode | undefined = undefined
const config: SignalingConfig = { port: 0 }
export async function use(): Promise<[SignalingServer, CheckReport | undefined]> {
  const client = new PeerlaneClient({ url: 'ws://127.0.0.1:1/ws', RTCPeerConnection: weriftPeerConnection(class {}) })
  useChat(client).on('message', (message: ChatMessage) => void message.text)
  useConnectionQuality(client).on('connection-quality', ({ quality }) => void (quality satisfies ConnectionQualityLevel))
  client.leave()
  return [await createSignalingServer(config), undefined as CheckReport | undefined]
}
// @ts-expect-error a misspelt field must not type-check: proves the types are real, not any
const wrong: ClientMessage = { type: 'join', rooom: 'x' }
export { welcome, join, vectors, code, wrong, encode, runCheck }
`

const RESOLUTIONS = {
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
  node16: { module: 'node16', moduleResolution: 'node16' },
  // esModuleInterop as `tsc --init` sets it: the server's types default-import ws (CommonJS).
  node: { module: 'esnext', moduleResolution: 'node', esModuleInterop: true },
}

function run(command, args, cwd) {
  const started = performance.now()
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } })
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${result.status}:\n${result.stdout}${result.stderr}`)
  if (process.env.PEERLANE_SMOKE_VERBOSE) console.log(`  ${((performance.now() - started) / 1000).toFixed(1)} s  ${command.split('/').pop()} ${args.map((a) => a.split('/').pop()).join(' ')}`)
  return result.stdout
}

function scratchProject(manager, packed) {
  const dir = mkdtempSync(join(tmpdir(), `peerlane-smoke-${manager}-`))
  const tarballs = Object.fromEntries(packed.map((pkg) => [pkg.name, `file:${pkg.tarball}`]))
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: `peerlane-smoke-${manager}`, private: true, type: 'module', dependencies: tarballs, devDependencies: TYPES }, null, 2),
  )
  if (manager === 'pnpm') {
    // Before publishing, the tarballs' own dependencies on each other (e.g. the SDK's on
    // @peerlane/protocol@0.1.0) are not on the registry: pnpm needs overrides pointing at the tarballs.
    const overrides = packed.map((pkg) => `  '${pkg.name}': '${tarballs[pkg.name]}'`).join('\n')
    writeFileSync(join(dir, 'pnpm-workspace.yaml'), `overrides:\n${overrides}\n`)
    install(manager, dir, ['install', '--config.confirmModulesPurge=false'])
  } else {
    install(manager, dir, ['install', '--no-audit', '--no-fund', '--loglevel=error'])
  }
  return dir
}

function install(manager, dir, args) {
  try {
    run(manager, [...args, '--offline'], dir)
  } catch (error) {
    const cache = manager === 'pnpm' ? 'the pnpm store' : 'the npm cache'
    const reason = /ERR_PNPM_NO_OFFLINE|ENOTCACHED|offline/i.exec(String(error)) ? '' : ` (${String(error).split('\n').slice(0, 3).join(' ')})`
    console.log(`smoke (${manager}): --offline failed: ${cache} lacks registry dependencies${reason}; retrying with --prefer-offline`)
    run(manager, [...args, '--prefer-offline'], dir)
  }
}

function checkImports(dir, { libCheck }) {
  writeFileSync(join(dir, 'esm-check.mjs'), ESM_CHECK)
  run(process.execPath, ['esm-check.mjs'], dir)
  writeFileSync(join(dir, 'consumer.ts'), TS_CHECK)
  for (const [name, options] of Object.entries(RESOLUTIONS)) {
    // Checking the packages' .d.ts files themselves (skipLibCheck off) costs most of the time and does
    // not depend on the resolution mode: done once, on pnpm's strict layout (no hoisted types to lean on).
    const skipLibCheck = !(libCheck && name === 'bundler')
    const tsconfig = { compilerOptions: { ...options, target: 'es2022', strict: true, noEmit: true, skipLibCheck, types: ['node'] }, files: ['consumer.ts'] }
    writeFileSync(join(dir, `tsconfig.${name}.json`), JSON.stringify(tsconfig, null, 2))
    run(process.execPath, [TSC, '-p', `tsconfig.${name}.json`], dir)
  }
}

export function smoke(packed) {
  const dirs = []
  try {
    for (const manager of ['npm', 'pnpm']) {
      const started = performance.now()
      const dir = scratchProject(manager, packed)
      dirs.push(dir)
      checkImports(dir, { libCheck: manager === 'pnpm' })
      // WebRTC stays inside a loopback-only network namespace, like every test that makes peers.
      run(process.execPath, [join(ROOT, 'scripts/run-isolated.mjs'), process.execPath, join(ROOT, 'scripts/release/smoke-bins.mjs')], dir)
      console.log(`smoke (${manager}): installed, imported (ESM; TypeScript bundler/node16/node), signaling + check passed in ${((performance.now() - started) / 1000).toFixed(1)} s`)
    }
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const given = process.argv[2]
  const dest = given ?? mkdtempSync(join(tmpdir(), 'peerlane-pack-'))
  try {
    const packed = given ? publishablePackages().map((pkg) => ({ ...pkg, tarball: join(dest, tarballName(pkg)) })) : packAll(dest)
    smoke(packed)
  } catch (error) {
    console.error(`smoke: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 1
  } finally {
    if (!given) rmSync(dest, { recursive: true, force: true })
  }
}

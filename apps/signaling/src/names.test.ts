import { readFileSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { CLOSE_CODES } from '@peerlane/protocol'
import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { AuthConfigError, mintToken } from './auth.js'
import { connect, startServer } from './test-support/client.js'

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256'
const vectors = fileURLToPath(new URL('../../../packages/protocol/vectors/invalid/', import.meta.url))
const hostileNames = readdirSync(vectors)
  .filter((file) => file.startsWith('client-join-name-'))
  .map((file) => JSON.parse(readFileSync(vectors + file, 'utf8')) as { description: string; message: { name: string }; error: { code: string; path: string } })

/** A token signed with the server's secret but minted by a careless backend (no mintToken checks). */
const rawToken = (claims: Record<string, unknown>) =>
  new SignJWT({ room: 'r', ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('ada')
    .setExpirationTime('1m')
    .sign(new TextEncoder().encode(SECRET))

describe('display names', () => {
  it.each(hostileNames.map((vector) => [vector.description, vector] as const))('refuses %s with the precise error', async (_, vector) => {
    expect(hostileNames.length).toBeGreaterThanOrEqual(10)
    const server = await startServer()
    const client = await connect(server.url)
    client.send({ type: 'join', room: 'r', name: vector.message.name })
    expect(await client.nextOfType('error')).toMatchObject({ ...vector.error, ref: 'join' })
    expect(await client.sync()).toEqual([])
  })

  it('relays an NFD name as NFC, in welcome and peer-joined alike', async () => {
    const server = await startServer()
    const ada = await connect(server.url)
    ada.send({ type: 'join', room: 'r', name: 'Rene\u0301' })
    await ada.nextOfType('welcome')
    const bob = await connect(server.url)
    bob.send({ type: 'join', room: 'r', name: 'Bo\u0308b' })
    expect((await bob.nextOfType('welcome')).peers).toEqual([expect.objectContaining({ name: 'René' })])
    expect((await ada.nextOfType('peer-joined')).peer.name).toBe('Böb')
  })

  it('refuses a name that no longer fits once NFC-normalised', async () => {
    const server = await startServer()
    const client = await connect(server.url)
    // U+0344 decomposes to two marks under NFC: 64 characters become 127.
    client.send({ type: 'join', room: 'r', name: `x${'\u0344'.repeat(63)}` })
    expect(await client.nextOfType('error')).toMatchObject({ code: 'invalid-message', path: '/name', ref: 'join' })
  })

  it('holds token name claims to the same rules: a bad one refuses the token, a good one is normalised', async () => {
    const server = await startServer({ authSecret: SECRET })
    for (const name of ['Ada\u202Eevil', 'Ada\nAdmin', '\u200B', 'x'.repeat(65)]) {
      const client = await connect(server.url)
      client.send({ type: 'join', room: 'r', token: await rawToken({ name }) })
      const error = await client.nextOfType('error')
      expect(error).toMatchObject({ code: 'unauthorized', ref: 'join' })
      expect(error.message).toMatch(/name claim/)
      expect((await client.closed).code).toBe(CLOSE_CODES.unauthorized)
    }
    const client = await connect(server.url)
    client.send({ type: 'join', room: 'r', token: await rawToken({ name: 'Rene\u0301' }) })
    await client.nextOfType('welcome')
    const other = await connect(server.url)
    other.send({ type: 'join', room: 'r', token: await mintToken({ secret: SECRET, room: 'r', identity: 'bob', ttlSeconds: 60 }) })
    expect((await other.nextOfType('welcome')).peers).toEqual([expect.objectContaining({ name: 'René' })])
  })

  it('refuses to mint a token with a bad name', async () => {
    await expect(mintToken({ secret: SECRET, room: 'r', identity: 'a', name: 'a\u0000', ttlSeconds: 60 })).rejects.toBeInstanceOf(AuthConfigError)
  })
})

import { CLOSE_CODES } from '@peerlane/protocol'
import { describe, expect, it } from 'vitest'
import { mintToken } from './auth.js'
import { RevocationList } from './revocations.js'
import { connect, startServer } from './test-support/client.js'

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256'

async function join(url: string, room: string, extra: Record<string, unknown> = {}) {
  const client = await connect(url)
  client.send({ type: 'join', room, ...extra })
  const welcome = await client.nextOfType('welcome')
  return { client, welcome }
}

const tokenFor = (identity: string) => mintToken({ secret: SECRET, room: 'r', identity, ttlSeconds: 60 })

describe('resume bound to the token identity', () => {
  it("refuses another identity's resume token: a fresh session, and the holder keeps its own", async () => {
    const server = await startServer({ authSecret: SECRET })
    const alice = await join(server.url, 'r', { token: await tokenFor('alice') })
    const bob = await join(server.url, 'r', { token: await tokenFor('bob'), resumeToken: alice.welcome.resumeToken })
    expect(bob.welcome.peerId).not.toBe(alice.welcome.peerId)
    expect(bob.welcome.resumed).toBeUndefined()
    expect(bob.welcome.peers).toEqual([{ peerId: alice.welcome.peerId }])
    // Alice is neither closed nor replaced: she sees Bob arrive as a new peer and still talks.
    expect(await alice.client.sync()).toMatchObject([{ type: 'peer-joined', peer: { peerId: bob.welcome.peerId } }])
    bob.client.send({ type: 'candidate', to: alice.welcome.peerId, candidate: null })
    expect(await alice.client.nextOfType('candidate')).toMatchObject({ from: bob.welcome.peerId })
  })

  it('still resumes the same identity, also after the session was dropped', async () => {
    const server = await startServer({ authSecret: SECRET, resumeGraceMs: 5_000 })
    const alice = await join(server.url, 'r', { token: await tokenFor('alice') })
    alice.client.ws.terminate()
    await alice.client.closed
    const back = await join(server.url, 'r', { token: await tokenFor('alice'), resumeToken: alice.welcome.resumeToken })
    expect(back.welcome).toMatchObject({ peerId: alice.welcome.peerId, resumed: true })
  })

  it('refuses a resume token of an open-mode session once the server checks tokens', async () => {
    const open = await startServer({ resumeSecret: 'shared-secret-for-tests' })
    const ada = await join(open.url, 'r')
    await open.close()
    const guarded = await startServer({ resumeSecret: 'shared-secret-for-tests', authSecret: SECRET })
    const again = await join(guarded.url, 'r', { token: await tokenFor('ada'), resumeToken: ada.welcome.resumeToken })
    expect(again.welcome.resumed).toBeUndefined()
    expect(again.welcome.peerId).not.toBe(ada.welcome.peerId)
  })
})

describe('leave revokes resume tokens', () => {
  it('refuses every resume token of a session after it left', async () => {
    const server = await startServer({ resumeGraceMs: 5_000 })
    const ada = await join(server.url, 'r')
    const watcher = await join(server.url, 'r')
    // A resume issues a second token; leaving must revoke the first one too.
    const again = await join(server.url, 'r', { resumeToken: ada.welcome.resumeToken })
    expect(again.welcome.resumed).toBe(true)
    expect((await ada.client.closed).code).toBe(CLOSE_CODES.replaced)
    again.client.send({ type: 'leave' })
    expect(await watcher.client.nextOfType('peer-left')).toMatchObject({ peerId: ada.welcome.peerId, reason: 'left' })
    for (const resumeToken of [ada.welcome.resumeToken, again.welcome.resumeToken]) {
      const late = await join(server.url, 'r', { resumeToken })
      expect(late.welcome.resumed).toBeUndefined()
      expect(late.welcome.peerId).not.toBe(ada.welcome.peerId)
    }
  })

  it('still lets a session that dropped without leaving come back after its grace period', async () => {
    const server = await startServer({ resumeGraceMs: 50 })
    const ada = await join(server.url, 'r')
    const watcher = await join(server.url, 'r')
    ada.client.ws.terminate()
    await watcher.client.nextOfType('peer-left')
    expect((await join(server.url, 'r', { resumeToken: ada.welcome.resumeToken })).welcome).toMatchObject({ peerId: ada.welcome.peerId, resumed: true })
  })
})

describe('RevocationList', () => {
  it('forgets revocations once their tokens expired', () => {
    let now = 0
    const list = new RevocationList(10, () => now)
    list.revoke('a', 100)
    expect(list.has('a')).toBe(true)
    now = 100
    expect(list.has('a')).toBe(false)
    list.revoke('b', 200)
    expect(list.size).toBe(1)
  })

  it('holds at most its count, dropping the oldest revocation first', () => {
    const list = new RevocationList(3, () => 0)
    for (let i = 0; i < 1000; i++) list.revoke(`peer-${i}`, 10_000 + i)
    expect(list.size).toBe(3)
    expect(['peer-996', 'peer-997', 'peer-998', 'peer-999'].map((id) => list.has(id))).toEqual([false, true, true, true])
  })
})

import { createHmac } from 'node:crypto'
import { expectDecoding, type Participant } from './participant.js'
import { expect, test } from './test.js'

const SECRET = 'peerlane-e2e-coturn-static-auth-secret'
const RELAY_ONLY = { iceTransportPolicy: 'relay' } as const

/** A TURN REST credential minted here, the way the server mints them, for `expiresAt` (Unix seconds). */
function minted(url: string, user: string, expiresAt: number): RTCIceServer {
  const username = `${expiresAt}:${user}`
  return { urls: url, username, credential: createHmac('sha1', SECRET).update(username).digest('base64') }
}

async function expectRelayedBothWays(a: Participant, b: Participant): Promise<void> {
  for (const [p, other] of [
    [a, b],
    [b, a],
  ] as const) {
    const ice = await p.ice(other)
    expect(ice.selected, `${p.name}'s selected pair is relayed on both ends`).toMatchObject({ local: 'relay', remote: 'relay' })
    expect(new Set(ice.localCandidateTypes), `${p.name} gathered relay candidates only`).toEqual(new Set(['relay']))
  }
}

test('relay only: a call connects through coturn using only the TURN credentials from welcome', async ({ signaling, turn, participant, room }) => {
  const coturn = await turn({ secret: SECRET })
  const server = await signaling({ args: ['--turn-secret', SECRET, '--turn-urls', coturn.url] })
  const alice = await participant('alice')
  const bob = await participant('bob')
  await alice.join(server.url, room, RELAY_ONLY)
  await bob.join(server.url, room, RELAY_ONLY)
  await expectDecoding(alice, bob)
  await expectDecoding(bob, alice)
  await expectRelayedBothWays(alice, bob)
  const expiry = Math.floor(Date.now() / 1000) + 3600
  for (const [p, other] of [
    [alice, bob],
    [bob, alice],
  ] as const) {
    const [username] = (await p.ice(other)).turnUsernames
    // The default lifetime is an hour, and the name is the peer id (no room tokens here).
    const [when, who] = (username ?? '').split(':')
    expect(who).toBe(p.peerId)
    expect(Math.abs(Number(when) - expiry)).toBeLessThan(30)
    expect(await p.errors()).toEqual([])
  }
})

test('wrong or expired TURN credentials get no relay: a relay-only call does not connect', async ({ signaling, turn, participant, room }) => {
  const coturn = await turn({ secret: SECRET })
  // Signed with a secret coturn does not share.
  const wrong = await signaling({ args: ['--turn-secret', 'not-the-secret-coturn-was-given', '--turn-urls', coturn.url] })
  const wrongPair = [await participant('wrong-a'), await participant('wrong-b')] as const
  for (const p of wrongPair) await p.join(wrong.url, `${room}-wrong`, RELAY_ONLY)
  // Signed with the right secret, but expired a minute ago.
  const plain = await signaling()
  const expiredPair = [await participant('expired-a'), await participant('expired-b')] as const
  for (const p of expiredPair) {
    await p.join(plain.url, `${room}-expired`, { ...RELAY_ONLY, iceServers: [minted(coturn.url, p.name, Math.floor(Date.now() / 1000) - 60)] })
  }

  for (const [a, b] of [wrongPair, expiredPair]) {
    for (const [p, other] of [
      [a, b],
      [b, a],
    ] as const) {
      await expect.poll(async () => (await p.ice(other)).gatheringState, { message: `${p.name} finishes gathering` }).toBe('complete')
    }
  }
  // Time enough for a relayed call to have connected, as in the test above.
  await new Promise((resolve) => setTimeout(resolve, 3_000))
  for (const [a, b] of [wrongPair, expiredPair]) {
    for (const [p, other] of [
      [a, b],
      [b, a],
    ] as const) {
      const ice = await p.ice(other)
      expect(ice.localCandidateTypes, `${p.name} got no relay candidate`).toEqual([])
      expect(ice.connectionState, `${p.name} is not connected`).not.toBe('connected')
      expect(await p.framesDecoded(other)).toBeLessThanOrEqual(0)
    }
  }
  // coturn itself refused each of them (the requests reached it).
  for (const user of [wrongPair[0].peerId, wrongPair[1].peerId, 'expired-a', 'expired-b']) {
    expect(coturn.log, `coturn refused ${user}`).toMatch(new RegExp(`Cannot find credentials of user <\\d+:${user}>`))
  }
})

test('credentials renew before they expire: ice-servers moves a relayed call onto new ones without a drop', async ({ signaling, turn, participant, room }) => {
  const ttlSeconds = 10
  const coturn = await turn({ secret: SECRET })
  const server = await signaling({ args: ['--turn-secret', SECRET, '--turn-urls', coturn.url, '--turn-ttl', String(ttlSeconds)] })
  const alice = await participant('alice')
  const bob = await participant('bob')
  await alice.join(server.url, room, RELAY_ONLY)
  await bob.join(server.url, room, RELAY_ONLY)
  const joinedAt = Date.now()
  await expectDecoding(alice, bob)
  await expectDecoding(bob, alice)
  const before = { alice: await alice.ice(bob), bob: await bob.ice(alice) }

  // Renewal comes 8 s in; the first credentials expire at 10 s. Sample until well past both.
  let samples = 0
  while (Date.now() < joinedAt + (ttlSeconds + 4) * 1000) {
    samples++
    for (const [receiver, sender] of [
      [alice, bob],
      [bob, alice],
    ] as const) {
      const seen = await receiver.framesDecoded(sender)
      await expect
        .poll(() => receiver.framesDecoded(sender), { message: `sample ${samples}: ${receiver.name} decodes ${sender.name}`, intervals: [100], timeout: 3_000 })
        .toBeGreaterThan(seen)
    }
  }

  for (const [p, other, was] of [
    [alice, bob, before.alice],
    [bob, alice, before.bob],
  ] as const) {
    const now = await p.ice(other)
    const expiryOf = (username: string | undefined) => Number(username?.split(':')[0])
    expect(now.turnUsernames, `${p.name}'s connection has the renewed credential`).toHaveLength(1)
    expect(expiryOf(now.turnUsernames[0]), `${p.name}'s renewed credential lasts longer`).toBeGreaterThan(expiryOf(was.turnUsernames[0]))
    expect(now.selected, `${p.name} is still relayed`).toMatchObject({ local: 'relay', remote: 'relay' })
    expect(now.selected?.localId, `${p.name} moved onto a new allocation`).not.toBe(was.selected?.localId)
    expect(await p.events('peer-left')).toEqual([])
    expect(await p.errors()).toEqual([])
  }
})

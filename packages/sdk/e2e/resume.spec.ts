import { expectEveryVideoMidDecoding, joinCall, type Participant } from './participant.js'
import { expect, test } from './test.js'

/** Asserts video from the other side keeps being decoded on both pages, sample after sample, for `forMs`. */
async function expectMediaFlowing(pairs: Array<[Participant, Participant]>, forMs: number, label: string): Promise<number> {
  const until = Date.now() + forMs
  let samples = 0
  do {
    samples++
    for (const [receiver, sender] of pairs) {
      const seen = await receiver.framesDecoded(sender)
      await expect
        .poll(() => receiver.framesDecoded(sender), { message: `${label}, sample ${samples}: ${receiver.name} decodes ${sender.name}`, intervals: [100], timeout: 5_000 })
        .toBeGreaterThan(seen)
    }
  } while (Date.now() < until)
  return samples
}

test('signaling restart mid-call: media keeps flowing, both sessions resume with the same ids, renegotiation works after', async ({
  signaling,
  participant,
  room,
}) => {
  const server = await signaling()
  const alice = await participant('alice')
  const bob = await participant('bob')
  await joinCall(server.url, room, alice, bob)
  const ids = [alice.peerId, bob.peerId]
  const pairs: Array<[Participant, Participant]> = [
    [alice, bob],
    [bob, alice],
  ]

  // SIGKILL: no close frame, no draining; the kernel resets the sockets.
  await server.kill()
  await expect.poll(() => Promise.all([alice.state(), bob.state()]), { message: 'both pages notice the outage' }).toEqual(['reconnecting', 'reconnecting'])
  // The outage lasts as long as this sampling: long enough for several failed reconnect attempts.
  const samples = await expectMediaFlowing(pairs, 2_500, 'while the server is down')
  test.info().annotations.push({ type: 'outage', description: `${samples} rising samples on each page while the server was down` })
  expect(await Promise.all([alice.state(), bob.state()]), 'the samples were taken during the outage').toEqual(['reconnecting', 'reconnecting'])

  await server.restart()
  for (const p of [alice, bob]) {
    await expect
      .poll(async () => (await p.events('resumed')).map((e) => e.sameSession), { message: `${p.name} resumes its session`, timeout: 15_000 })
      .toEqual([true])
  }
  expect([await alice.page.evaluate(() => window.peerlane.peerId()), await bob.page.evaluate(() => window.peerlane.peerId())], 'same peer ids').toEqual(ids)
  expect(await Promise.all([alice.state(), bob.state()])).toEqual(['joined', 'joined'])
  expect(await alice.peerIds()).toEqual([bob.peerId])
  expect(await bob.peerIds()).toEqual([alice.peerId])
  await expectMediaFlowing(pairs, 0, 'after the resume')

  // A renegotiation through the restarted server: bob must decode alice's new track.
  const before = await bob.framesDecodedByMid(alice)
  await alice.addVideoTrack()
  await expect
    .poll(async () => ({ negotiated: await alice.negotiated(bob), mids: (await bob.receivingVideoMids(alice)).length }), {
      message: 'the new track is negotiated through the restarted server',
    })
    .toEqual({ negotiated: true, mids: 2 })
  await expectEveryVideoMidDecoding(bob, alice, before)

  for (const p of [alice, bob]) {
    expect(await p.events('peer-left'), `no peer-left on ${p.name}`).toEqual([])
    expect(await p.errors(), `errors on ${p.name}`).toEqual([])
  }
})

test('graceful drain: SIGTERM mid-call sends draining, exits 0, and both sessions resume on the next server', async ({
  signaling,
  participant,
  room,
}) => {
  const server = await signaling()
  const alice = await participant('alice')
  const bob = await participant('bob')
  await joinCall(server.url, room, alice, bob)
  const ids = [alice.peerId, bob.peerId]

  // The clients leave as soon as they hear `draining`, so the drain ends long before its timeout.
  expect(await server.drain(), 'the drained process exits cleanly').toBe(0)
  for (const p of [alice, bob]) {
    expect((await p.events('draining')).length, `${p.name} heard draining`).toBe(1)
  }
  await expectMediaFlowing(
    [
      [alice, bob],
      [bob, alice],
    ],
    1_000,
    'between the two servers',
  )

  await server.restart()
  for (const p of [alice, bob]) {
    await expect
      .poll(async () => (await p.events('resumed')).map((e) => e.sameSession), { message: `${p.name} resumes its session`, timeout: 15_000 })
      .toEqual([true])
  }
  expect([await alice.page.evaluate(() => window.peerlane.peerId()), await bob.page.evaluate(() => window.peerlane.peerId())]).toEqual(ids)
  for (const p of [alice, bob]) {
    expect(await p.events('peer-left'), `no peer-left on ${p.name}`).toEqual([])
    expect(await p.errors(), `errors on ${p.name}`).toEqual([])
  }
})

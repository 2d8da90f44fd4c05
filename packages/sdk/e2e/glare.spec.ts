import type { SignalingStep } from './fixtures/harness.js'
import { expectEveryVideoMidDecoding, joinCall, type Participant } from './participant.js'
import { expect, test } from './test.js'

const ROUNDS = 20

/** The spans (from `since` on) during which a connection sat in `have-local-offer`. */
function offerSpans(history: SignalingStep[], since: number): Array<[number, number]> {
  const spans: Array<[number, number]> = []
  history.forEach((step, i) => {
    if (step.state === 'have-local-offer' && step.t >= since) spans.push([step.t, history[i + 1]?.t ?? Infinity])
  })
  return spans
}

const overlap = (a: Array<[number, number]>, b: Array<[number, number]>): boolean =>
  a.some(([aStart, aEnd]) => b.some(([bStart, bEnd]) => aStart < bEnd && bStart < aEnd))

test(`forced glare: both peers add or remove a track at the same moment, ${ROUNDS} rounds in a row`, async ({ signaling, participant, room }) => {
  test.setTimeout(120_000)
  const server = await signaling()
  const alice = await participant('alice')
  const bob = await participant('bob')
  await joinCall(server.url, room, alice, bob)

  const pairs: Array<[Participant, Participant]> = [
    [alice, bob],
    [bob, alice],
  ]
  let collisions = 0
  for (let round = 1; round <= ROUNDS; round++) {
    const adding = round % 2 === 1
    const label = `round ${round} (${adding ? 'add' : 'remove'})`
    const before = await Promise.all(pairs.map(([receiver, sender]) => receiver.framesDecodedByMid(sender)))
    const since = await alice.page.evaluate(() => performance.timeOrigin + performance.now())

    // Both changes land within the same few milliseconds: each side starts an offer before the
    // other's arrives, and perfect negotiation has to resolve the collision.
    const changed = await Promise.all(
      [alice, bob].map((p) => p.page.evaluate((add) => (add ? window.peerlane.addVideoTrack() : window.peerlane.removeVideoTrack()), adding)),
    )
    expect(changed.every((id) => typeof id === 'string'), label).toBe(true)

    for (const [receiver, sender] of pairs) {
      // Camera plus the extra track while one is on: the change was negotiated, not just queued.
      await expect
        .poll(async () => ({ negotiated: await receiver.negotiated(sender), mids: (await receiver.receivingVideoMids(sender)).length }), {
          message: `${label}: ${receiver.name}'s connection to ${sender.name} negotiated and stable`,
        })
        .toEqual({ negotiated: true, mids: adding ? 2 : 1 })
    }
    for (const [i, [receiver, sender]] of pairs.entries()) await expectEveryVideoMidDecoding(receiver, sender, before[i] ?? {})
    for (const p of [alice, bob]) expect(await p.errors(), `${label}: errors on ${p.name}`).toEqual([])

    const [aliceHistory, bobHistory] = await Promise.all([
      alice.page.evaluate((id) => window.peerlane.signalingHistory(id), bob.peerId),
      bob.page.evaluate((id) => window.peerlane.signalingHistory(id), alice.peerId),
    ])
    if (overlap(offerSpans(aliceHistory, since), offerSpans(bobHistory, since))) collisions++
  }

  test.info().annotations.push({ type: 'glare', description: `${collisions} of ${ROUNDS} rounds had both sides offering at once` })
  // Without real collisions this would test nothing about glare.
  expect(collisions, 'rounds in which both sides were in have-local-offer at once').toBeGreaterThanOrEqual(ROUNDS / 2)
  for (const p of [alice, bob]) expect(await p.peerIds(), `${p.name} still has its peer`).toHaveLength(1)
})

import { expectDecoding, type Participant } from './participant.js'
import { expect, test } from './test.js'

// Small frames: four pages encode three streams and decode three each on two cores.
const VIDEO = { width: 320, height: 240, frameRate: 15 }

test('a 4-participant mesh: everyone decodes everyone; a leaver is dropped everywhere, the rest keep their calls', async ({ signaling, participant, room }) => {
  test.setTimeout(90_000)
  const server = await signaling()
  const everyone: Participant[] = []
  for (const name of ['ada', 'bo', 'cy', 'di']) {
    const p = await participant(name)
    // One after another: each late joiner must connect to everyone already there.
    await p.join(server.url, room, { video: VIDEO, audio: true })
    everyone.push(p)
  }
  const [ada, bo, cy, di] = everyone as [Participant, Participant, Participant, Participant]

  for (const p of everyone) {
    await expect.poll(async () => (await p.peerIds()).sort(), { message: `${p.name}'s peers` }).toEqual(
      everyone.filter((o) => o !== p).map((o) => o.peerId).sort(),
    )
  }
  for (const receiver of everyone) for (const sender of everyone) if (receiver !== sender) await expectDecoding(receiver, sender)

  await cy.leave()
  const stayers = [ada, bo, di]
  for (const p of stayers) {
    await expect
      .poll(async () => (await p.events('peer-left')).map((e) => `${e.peerId} ${e.reason}`), { message: `${p.name} hears cy leave` })
      .toEqual([`${cy.peerId} left`])
    expect(await p.peerIds(), `${p.name} dropped cy`).not.toContain(cy.peerId)
    expect(await p.framesDecoded(cy), `${p.name} has no connection to cy`).toBe(-1)
  }
  for (const receiver of stayers) for (const sender of stayers) if (receiver !== sender) await expectDecoding(receiver, sender)
  for (const p of stayers) {
    expect(await p.peerIds(), `${p.name}'s peers after the leave`).toHaveLength(2)
    expect(await p.errors(), `errors on ${p.name}`).toEqual([])
  }
  expect(await cy.page.evaluate(() => window.peerlane.state())).toBe('closed')
})

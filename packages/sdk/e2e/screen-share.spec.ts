import { joinCall } from './participant.js'
import { expect, test } from './test.js'

// Item 5 of the SDK issue: share/stop cycles reuse the first share's transceiver, so the offer
// stops growing after the first share, and the far side decodes every share, shown to its app.
const CYCLES = 10

test('ten screen share/stop cycles: the far side decodes every share and the offer stays the same size', async ({ signaling, participant, room }) => {
  test.setTimeout(240_000)
  const server = await signaling()
  const ada = await participant('ada')
  const bo = await participant('bo')
  await joinCall(server.url, room, ada, bo)
  const offers: Array<{ bytes: number; mLines: number }> = []
  for (let cycle = 1; cycle <= CYCLES; cycle++) {
    const before = Math.max(0, await bo.page.evaluate((id) => window.peerlane.screenFramesDecoded(id), ada.peerId))
    await ada.page.evaluate(() => window.peerlane.startScreenShare())
    // Bo's app is shown the share, and its frames are decoded: several new ones within the bound.
    await expect
      .poll(() => bo.page.evaluate((id) => window.peerlane.screenFramesDecoded(id), ada.peerId), { message: `bo decodes share ${cycle}`, timeout: 15_000 })
      .toBeGreaterThan(before + 5)
    await expect.poll(() => ada.negotiated(bo), { message: `share ${cycle} negotiated` }).toBe(true)
    const offer = await ada.page.evaluate((id) => window.peerlane.lastOffer(id), bo.peerId)
    expect(offer, `ada's offer for share ${cycle}`).toBeDefined()
    offers.push(offer!)
    await ada.page.evaluate(() => window.peerlane.stopScreenShare())
    await expect.poll(() => bo.page.evaluate((id) => window.peerlane.screenFramesDecoded(id), ada.peerId), { message: `bo sees share ${cycle} end` }).toBe(-1)
    await expect.poll(() => ada.negotiated(bo), { message: `stop ${cycle} negotiated` }).toBe(true)
  }
  const [first] = offers
  // Same media sections every time; the size moves only by what differs between a/sendonly lines and candidates.
  expect(offers.map((offer) => offer.mLines)).toEqual(offers.map(() => first!.mLines))
  for (const offer of offers) expect(Math.abs(offer.bytes - first!.bytes), `offer sizes ${offers.map((o) => o.bytes).join(', ')}`).toBeLessThan(300)
  const shares = (await bo.events('screen-share')).filter((event) => event.peerId === ada.peerId)
  expect(shares.filter((event) => event.streamId !== null)).toHaveLength(CYCLES)
  expect(shares.filter((event) => event.streamId === null)).toHaveLength(CYCLES)
  // One stream id for every share: the far side maps the reused transceiver to the screen by it.
  expect(new Set(shares.flatMap((event) => (event.streamId === null ? [] : [event.streamId]))).size).toBe(1)
  expect(await ada.errors()).toEqual([])
  expect(await bo.errors()).toEqual([])
})

import { expect, test } from './test.js'
import { joinCall } from './participant.js'

const CYCLES = 10

test(`${CYCLES} screen share/stop cycles reuse one transceiver: the far side decodes every share, the SDP stays flat`, async ({ signaling, participant, room }) => {
  test.setTimeout(240_000)
  const server = await signaling()
  const ada = await participant('ada')
  const bo = await participant('bo')
  await joinCall(server.url, room, ada, bo)
  const shapes: Array<{ mLines: number; length: number }> = []
  for (let cycle = 1; cycle <= CYCLES; cycle++) {
    await ada.startScreenShare()
    // The screen as the SDK models it on bo's side (announced id + arrived track), decoding.
    await expect.poll(() => bo.screenFramesDecoded(ada), { message: `bo decodes ada's share ${cycle}`, timeout: 15_000 }).toBeGreaterThan(0)
    const seen = await bo.screenFramesDecoded(ada)
    await expect.poll(() => bo.screenFramesDecoded(ada), { message: `bo keeps decoding share ${cycle}`, timeout: 15_000 }).toBeGreaterThan(seen)
    await ada.stopScreenShare()
    await expect.poll(() => bo.screenFramesDecoded(ada), { message: `share ${cycle} ended for bo`, timeout: 15_000 }).toBe(-1)
    await expect.poll(() => ada.negotiated(bo), { message: `renegotiated after share ${cycle}`, timeout: 15_000 }).toBe(true)
    shapes.push(await ada.sdpShape(bo))
  }
  const [first] = shapes
  for (const [i, shape] of shapes.entries()) {
    expect(shape.mLines, `media sections after cycle ${i + 1}`).toBe(first?.mLines)
    // Only the o= line's session version may add a digit.
    expect(Math.abs(shape.length - (first?.length ?? 0)), `SDP length after cycle ${i + 1}`).toBeLessThanOrEqual(8)
  }
  expect(await ada.errors()).toEqual([])
  expect(await bo.errors()).toEqual([])
})

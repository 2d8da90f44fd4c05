import { FingerprintRewritingProxy } from './fingerprint-proxy.js'
import { joinCall } from './participant.js'
import { expect, test } from './test.js'

test('both ends of an honest call compute the same safety number', async ({ signaling, participant, room }) => {
  const server = await signaling()
  const alice = await participant('alice')
  const bob = await participant('bob')
  await joinCall(server.url, room, alice, bob)

  const fromAlice = await alice.safetyNumber(bob)
  expect(fromAlice).toMatchObject({ code: expect.stringMatching(/^\d{5}( \d{5}){4}$/) })
  expect(await bob.safetyNumber(alice)).toEqual(fromAlice)
})

test('a signaling hop that rewrites a=fingerprint never yields a connected call with equal codes', async ({ signaling, participant, room }) => {
  const server = await signaling()
  const proxy = await FingerprintRewritingProxy.start(server.url)
  try {
    const alice = await participant('alice')
    const bob = await participant('bob')
    await alice.join(proxy.url, room)
    await bob.join(proxy.url, room)
    await expect.poll(() => proxy.rewritten, { message: 'the proxy rewrote the offer and the answer' }).toBeGreaterThanOrEqual(2)

    // DTLS checks the certificate it gets against the forged fingerprint: the handshake must fail.
    await expect
      .poll(async () => ((await alice.describe(bob)) as { connectionState?: string }).connectionState, { timeout: 30_000 })
      .toBe('failed')
    expect(await alice.framesDecoded(bob)).toBeLessThanOrEqual(0)
    expect(await bob.framesDecoded(alice)).toBeLessThanOrEqual(0)
    const codes = [await alice.safetyNumber(bob), await bob.safetyNumber(alice)]
    // No code at all (no DTLS connection), or codes that differ: never a silent success.
    const bothCodes = codes.every((result) => 'code' in result)
    if (bothCodes) expect(codes[0]).not.toEqual(codes[1])
    else expect(codes.some((result) => 'error' in result && result.error === 'invalid-state')).toBe(true)
  } finally {
    await proxy.stop()
  }
})

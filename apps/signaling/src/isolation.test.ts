import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { joined, startServer } from './test-support/client.js'

const ROOMS = ['red', 'green', 'blue'] as const

// One step: peer `from` relays to peer `to` (or to its whole room), claiming to be `forged`.
const step = fc.record({
  from: fc.nat({ max: 5 }),
  to: fc.option(fc.nat({ max: 5 }), { nil: undefined }),
  forged: fc.option(fc.nat({ max: 5 }), { nil: undefined }),
})

describe('room isolation', () => {
  it('never delivers outside the sender’s room, always stamps the real sender, and hides other rooms’ peers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), async (steps) => {
        const server = await startServer()
        // Peer i is in room ROOMS[i % 3]: two per room.
        const peers = []
        for (let i = 0; i < 6; i++) peers.push({ ...(await joined(server.url, ROOMS[i % 3] as string)), room: ROOMS[i % 3] })
        for (const peer of peers) await peer.client.sync()

        const expected: string[][] = peers.map(() => [])
        const unknown: number[] = peers.map(() => 0)
        for (const [n, { from, to, forged }] of steps.entries()) {
          const sender = peers[from]!
          const target = to === undefined ? undefined : peers[to]!
          // `sdpMid` tags the frame with its step, so each delivery can be traced to its sender.
          sender.client.send({
            type: 'candidate',
            candidate: { candidate: '', sdpMid: `s${n}` },
            ...(target ? { to: target.peerId } : {}),
            ...(forged === undefined ? {} : { from: peers[forged]!.peerId }),
          })
          if (target && (target === sender || target.room !== sender.room)) unknown[from]!++
          else {
            for (const [i, peer] of peers.entries()) {
              if (peer !== sender && peer.room === sender.room && (!target || target === peer)) expected[i]!.push(`s${n}`)
            }
          }
        }

        // After one sync per peer the server has read every frame (a socket's frames precede its
        // ping); a second sync then collects deliveries that raced with the first.
        const first = []
        for (const peer of peers) first.push(await peer.client.sync())
        for (const [i, peer] of peers.entries()) {
          const received = [...first[i]!, ...(await peer.client.sync())]
          const relays = received.flatMap((m) => (m.type === 'candidate' ? [m] : []))
          for (const relay of relays) {
            const n = Number((relay.candidate as { sdpMid: string }).sdpMid.slice(1))
            expect(relay.from).toBe(peers[steps[n]!.from]!.peerId)
          }
          const tags = relays.map((relay) => (relay.candidate as { sdpMid: string }).sdpMid)
          expect(tags.sort()).toEqual([...expected[i]!].sort())
          const errors = received.filter((m) => m.type === 'error')
          expect(errors.every((m) => m.type === 'error' && m.code === 'unknown-peer')).toBe(true)
          expect(errors).toHaveLength(unknown[i]!)
        }
        await server.close()
      }),
      { numRuns: 15 },
    )
  })
})

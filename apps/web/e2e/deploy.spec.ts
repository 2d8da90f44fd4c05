import { chromium, expect, test, type Browser, type Page } from '@playwright/test'
import WebSocket from 'ws'
import { CHROMIUM_PATH, chromiumArgs } from '../../../scripts/chromium.mjs'
import { Deployment } from './deployment/deployment.js'
import { Child, freePorts, untilListening } from './deployment/process.js'
import { expectDecodingVideoFrom, joinByInvite, ownPeerId, uniqueRoom, type Participant } from './helpers.js'

// docs/deploy.md's cluster example (Redis, two nodes, nginx over https, coturn), run as written.
// One deployment for the file; its own browser, which trusts the test's self-signed certificate.
test.describe.configure({ mode: 'serial' })

let deployment: Deployment
let browser: Browser

test.beforeAll(async () => {
  deployment = await Deployment.start()
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...chromiumArgs(), '--ignore-certificate-errors'] })
})

test.afterAll(async () => {
  await browser?.close()
  await deployment?.stop()
})

test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach('deployment.log', { body: deployment.logs })
})

/** Peer ids that left, as the page's SDK reported them (`peer-left`), recorded from now on. */
async function recordPeerLeft(page: Page): Promise<() => Promise<Array<{ id: string; reason: string }>>> {
  await page.evaluate(() => {
    const log: Array<{ id: string; reason: string }> = []
    ;(window as unknown as { __left: typeof log }).__left = log
    const client = window.__peerlane?.client as unknown as { on(event: 'peer-left', handler: (peer: { id: string }, reason: string) => void): void }
    client.on('peer-left', (peer, reason) => log.push({ id: peer.id, reason }))
  })
  return () => page.evaluate(() => (window as unknown as { __left: Array<{ id: string; reason: string }> }).__left)
}

async function nodeOf(peerCountBefore: [number, number]): Promise<0 | 1> {
  let now: [number, number] = [0, 0]
  await expect
    .poll(async () => {
      now = [await deployment.connections(0), await deployment.connections(1)]
      return now[0] + now[1]
    })
    .toBe(peerCountBefore[0] + peerCountBefore[1] + 1)
  return now[0] > peerCountBefore[0] ? 0 : 1
}

test('a call between a page on node 1 and a page on node 2: presence and media across Redis', async () => {
  const room = uniqueRoom('cluster')
  const alice = await joinByInvite(browser, room, undefined, { origin: deployment.nodeUrl(0) })
  const bob = await joinByInvite(browser, room, undefined, { origin: deployment.nodeUrl(1) })
  try {
    const aliceId = await ownPeerId(alice.page)
    const bobId = await ownPeerId(bob.page)
    await expect(alice.page.locator(`[data-peer-id="${bobId}"]`)).toHaveCount(1)
    await expect(bob.page.locator(`[data-peer-id="${aliceId}"]`)).toHaveCount(1)
    await expectDecodingVideoFrom(alice.page, bobId)
    await expectDecodingVideoFrom(bob.page, aliceId)
    expect(await deployment.connections(0)).toBe(1)
    expect(await deployment.connections(1)).toBe(1)
  } finally {
    await alice.context.close()
    await bob.context.close()
  }
})

test('behind nginx: the node holding a socket is SIGKILLed mid-call; the page resumes on the other node, media never stops', async () => {
  const room = uniqueRoom('failover')
  const before: [number, number] = [await deployment.connections(0), await deployment.connections(1)]
  const alice = await joinByInvite(browser, room, undefined, { origin: deployment.url })
  const aliceId = await ownPeerId(alice.page)
  const aliceNode = await nodeOf(before)
  // Round robin decides where bob lands; reopen until he is on the other node.
  let bob: Participant | undefined
  for (let attempt = 0; attempt < 6 && !bob; attempt++) {
    const counts: [number, number] = [await deployment.connections(0), await deployment.connections(1)]
    const candidate = await joinByInvite(browser, room, undefined, { origin: deployment.url })
    await ownPeerId(candidate.page)
    if ((await nodeOf(counts)) !== aliceNode) bob = candidate
    else {
      await candidate.context.close()
      await expect.poll(() => deployment.connections(aliceNode)).toBe(counts[aliceNode])
    }
  }
  if (!bob) throw new Error('nginx never placed the second page on the other node')
  try {
    const bobId = await ownPeerId(bob.page)
    await expectDecodingVideoFrom(alice.page, bobId)
    await expectDecodingVideoFrom(bob.page, aliceId)
    // Both pages learned TURN credentials from the node that welcomed them.
    for (const page of [alice.page, bob.page]) {
      const usernames = await page.evaluate((id) => (window.__peerlane?.client.peers.get(id)?.rawConnection.getConfiguration().iceServers ?? []).flatMap((s) => (s.username ? [s.username] : [])), page === alice.page ? bobId : aliceId)
      expect(usernames).toHaveLength(1)
    }
    const bobSawLeaving = await recordPeerLeft(bob.page)

    await deployment.nodes[aliceNode].kill()
    // Alice reconnects through nginx (which now skips the dead node) and resumes as herself.
    await expect.poll(() => deployment.connections(aliceNode === 0 ? 1 : 0), { timeout: 30_000 }).toBe(2)
    expect(await ownPeerId(alice.page)).toBe(aliceId)
    await expectDecodingVideoFrom(alice.page, bobId)
    await expectDecodingVideoFrom(bob.page, aliceId)
    expect(await bobSawLeaving()).toEqual([])
  } finally {
    await alice.context.close()
    await bob.context.close()
  }
})

test('a node that never comes back: the survivor reports its stranded peers gone after the grace period', async () => {
  // The previous test left one node dead: bring it back, strand a client on it, kill it for good.
  const dead = deployment.nodes[0].running ? 1 : 0
  await deployment.restartNode(dead)
  const survivor = dead === 0 ? 1 : 0
  const room = uniqueRoom('stranded')
  const watcher = await joinByInvite(browser, room, undefined, { origin: deployment.nodeUrl(survivor) })
  try {
    await ownPeerId(watcher.page)
    const sawLeaving = await recordPeerLeft(watcher.page)
    const stranded = new WebSocket(deployment.nodeWebSocketUrl(dead), ['peerlane.v1'])
    const welcome = new Promise<{ peerId: string }>((resolve, reject) => {
      stranded.on('message', (data) => {
        const message = JSON.parse(String(data)) as { type: string; peerId: string }
        if (message.type === 'welcome') resolve(message)
      })
      stranded.once('error', reject)
    })
    stranded.once('open', () => stranded.send(JSON.stringify({ type: 'join', room, name: 'Stranded' })))
    const { peerId } = await welcome
    await expect(watcher.page.locator(`[data-peer-id="${peerId}"]`)).toHaveCount(1)

    await deployment.nodes[dead].kill()
    stranded.terminate()
    // Not at once (it might come back and resume within the grace period), but once it is over.
    await expect(watcher.page.locator(`[data-peer-id="${peerId}"]`)).toHaveCount(0, { timeout: 45_000 })
    expect(await sawLeaving()).toEqual([{ id: peerId, reason: 'disconnected' }])
  } finally {
    await watcher.context.close()
  }
})

test('TLS in the server itself (docs/deploy.md §1a): the app and signaling on https/wss, and a call works', async () => {
  const [port] = await freePorts(1)
  const { cert, key } = deployment.certificate
  const bin = new URL('../../signaling/dist/main.js', import.meta.url).pathname
  const server = new Child('tls node', process.execPath, [bin, '--host', '127.0.0.1', '--port', String(port), '--static-dir', 'dist', '--tls-cert', cert, '--tls-key', key])
  try {
    await untilListening(port!, server)
    const origin = `https://127.0.0.1:${port}`
    const room = uniqueRoom('tls')
    const alice = await joinByInvite(browser, room, undefined, { origin })
    const bob = await joinByInvite(browser, room, undefined, { origin })
    try {
      expect(alice.page.url().startsWith('https://')).toBe(true)
      const aliceId = await ownPeerId(alice.page)
      const bobId = await ownPeerId(bob.page)
      await expectDecodingVideoFrom(alice.page, bobId)
      await expectDecodingVideoFrom(bob.page, aliceId)
    } finally {
      await alice.context.close()
      await bob.context.close()
    }
  } finally {
    await server.stop()
  }
})

import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect, test, type Page } from '@playwright/test'
import { openParticipant, uniqueRoom } from './helpers.js'

const tutorialHtml = readFileSync(new URL('./fixtures/tutorial-client.html', import.meta.url), 'utf8')

/*
 * The tutorial page is served by a plain loopback HTTP server of its own, as a tutorial reader
 * would serve it, not through `page.route` on the signaling origin: Chromium's Local Network
 * Access checks treat a routed (fulfilled) document as coming from the public internet and
 * then block its WebSocket to 127.0.0.1 (net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS).
 * A cross-origin socket is also the harder case for the server: nothing is same-origin.
 */
let tutorialServer: Server
let tutorialOrigin: string
test.beforeAll(async () => {
  tutorialServer = createServer((request, response) => {
    if (request.url?.split('?')[0] !== '/tutorial.html') {
      response.writeHead(404).end()
      return
    }
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(tutorialHtml)
  })
  await new Promise<void>((resolve) => tutorialServer.listen(0, '127.0.0.1', resolve))
  tutorialOrigin = `http://127.0.0.1:${(tutorialServer.address() as AddressInfo).port}`
})
test.afterAll(async () => {
  await new Promise<void>((resolve) => tutorialServer.close(() => resolve()))
})

declare global {
  interface Window {
    pc?: RTCPeerConnection | null
  }
}

function framesDecoded(page: Page): Promise<number> {
  return page.evaluate(async () => {
    if (!window.pc) return -1
    let frames = -1
    ;(await window.pc.getStats()).forEach((report: { type: string; kind?: string; framesDecoded?: number }) => {
      if (report.type === 'inbound-rtp' && report.kind === 'video') frames = Math.max(frames, 0) + (report.framesDecoded ?? 0)
    })
    return frames
  })
}

test('the classic WebSocket-relay tutorial client works unchanged against the server', async ({ browser, baseURL }) => {
  if (!baseURL) throw new Error('baseURL is not configured')
  const pageUrl = `${tutorialOrigin}/tutorial.html`
  const wsUrl = `${baseURL.replace(/^http/, 'ws')}/?room=${uniqueRoom('tutorial')}`

  const pages: Page[] = []
  for (let i = 0; i < 2; i += 1) {
    const { page } = await openParticipant(browser, `${pageUrl}?ws=${encodeURIComponent(wsUrl)}`)
    await expect(page.locator('#status')).toHaveText('open')
    await page.getByRole('button', { name: 'Start' }).click()
    await expect.poll(() => page.locator('#localVideo').evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0)
    pages.push(page)
  }
  const [caller, callee] = pages as [Page, Page]

  await caller.getByRole('button', { name: 'Call' }).click()

  for (const page of [caller, callee]) {
    await expect.poll(() => framesDecoded(page), { timeout: 30_000 }).toBeGreaterThan(0)
    const seen = await framesDecoded(page)
    await expect.poll(() => framesDecoded(page), { timeout: 15_000 }).toBeGreaterThan(seen)
    await expect.poll(() => page.locator('#remoteVideo').evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0)
  }

  for (const page of pages) await page.context().close()
})

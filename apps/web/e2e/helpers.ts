import { expect, type Browser, type BrowserContext, type Page, type Response } from '@playwright/test'

/** What the app publishes as `window.__peerlane` when opened with `?debug` (see room-view.ts). */
interface DebugHook {
  readonly client: {
    readonly peerId: string | undefined
    readonly peers: ReadonlyMap<string, { readonly id: string; readonly rawConnection: RTCPeerConnection }>
  }
  readonly chat: { send(text: string): unknown }
  readonly files: {
    send(file: Blob, options?: { readonly to?: string; readonly name?: string }): {
      readonly finished: Promise<{ readonly state: string; readonly error?: { readonly code: string } }>
    }
  }
}
declare global {
  interface Window {
    __peerlane?: DebugHook
  }
}

export function uniqueRoom(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
}

export interface Participant {
  readonly context: BrowserContext
  readonly page: Page
  /** The response that served the page (its headers carry the server's CSP). */
  readonly served: Response | null
}

// Content-Security-Policy and Permissions-Policy complaints of every page opened through
// openParticipant, reported the moment they happen (a page may be closed before the test ends).
const policyReports: string[] = []

/** Returns and forgets the policy violations reported since the last call. */
export function takePolicyReports(): string[] {
  return policyReports.splice(0)
}

/** A participant in their own browser context (own storage, own fake camera), opened on `path`. */
export async function openParticipant(browser: Browser, path: string): Promise<Participant> {
  const context = await browser.newContext()
  // Bindings and init scripts are injected over CDP, outside the page's CSP, so they observe
  // the policy without loosening it.
  await context.exposeBinding('__peerlaneReportViolation', (_source, report: string) => {
    policyReports.push(report)
  })
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { __peerlaneReportViolation: (text: string) => void }).__peerlaneReportViolation
      report(`CSP ${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} at ${event.sourceFile}:${event.lineNumber}`)
    })
  })
  const page = await context.newPage()
  page.on('console', (message) => {
    if (/Content Security Policy|Permissions-Policy|Permissions policy/i.test(message.text())) policyReports.push(message.text())
  })
  const served = await page.goto(path)
  return { context, page, served }
}

export async function ownPeerId(page: Page): Promise<string> {
  await expect.poll(() => page.evaluate(() => window.__peerlane?.client.peerId ?? null)).not.toBeNull()
  return page.evaluate(() => window.__peerlane?.client.peerId ?? '')
}

/** Sum of inbound video `framesDecoded` over the connection to `peerId`; -1 while there is none. */
export function framesDecodedFrom(page: Page, peerId: string): Promise<number> {
  return page.evaluate(async (id) => {
    const peer = window.__peerlane?.client.peers.get(id)
    if (!peer) return -1
    const stats = await peer.rawConnection.getStats()
    let frames = -1
    stats.forEach((report: { type: string; kind?: string; framesDecoded?: number }) => {
      if (report.type === 'inbound-rtp' && report.kind === 'video') frames = Math.max(frames, 0) + (report.framesDecoded ?? 0)
    })
    return frames
  }, peerId)
}

/** Asserts that video from `peerId` is being decoded now: frames > 0, and still rising. */
export async function expectDecodingVideoFrom(page: Page, peerId: string): Promise<void> {
  await expect
    .poll(() => framesDecodedFrom(page, peerId), { message: `frames decoded from ${peerId}`, timeout: 30_000 })
    .toBeGreaterThan(0)
  const seen = await framesDecodedFrom(page, peerId)
  await expect
    .poll(() => framesDecodedFrom(page, peerId), { message: `frames from ${peerId} keep coming`, timeout: 15_000 })
    .toBeGreaterThan(seen)
}

/**
 * Opens an invite link (`/?room=…&debug`) and joins from its pre-join screen, optionally with a
 * display name; returns once the call screen is up.
 */
export async function joinByInvite(
  browser: Browser,
  room: string,
  name?: string,
  options: { readonly cameraOff?: boolean; readonly muted?: boolean; readonly origin?: string } = {},
): Promise<Participant> {
  const participant = await openParticipant(browser, `${options.origin ?? ''}/?room=${room}&debug`)
  const { page } = participant
  await expect(page.getByLabel('Room name')).toHaveValue(room)
  if (name !== undefined) await page.getByLabel('Your name').fill(name)
  if (options.cameraOff) {
    const camera = page.getByRole('button', { name: 'Camera off', exact: true })
    await expect(camera).toBeEnabled()
    await camera.click()
    await expect(camera).toHaveAttribute('aria-pressed', 'true')
  }
  if (options.muted) {
    const mute = page.getByRole('button', { name: 'Mute', exact: true })
    await expect(mute).toBeEnabled()
    await mute.click()
    await expect(mute).toHaveAttribute('aria-pressed', 'true')
  }
  await page.getByRole('button', { name: 'Join', exact: true }).click()
  await expect(page.getByRole('heading', { name: `Room ${room}` })).toBeVisible()
  return participant
}

/** Opens the control bar's More menu and presses `item` in it. */
export async function chooseMore(page: Page, item: string): Promise<void> {
  await page.getByRole('button', { name: 'More', exact: true }).click()
  await page.getByRole('group', { name: 'More options' }).getByRole('button', { name: item, exact: true }).click()
}

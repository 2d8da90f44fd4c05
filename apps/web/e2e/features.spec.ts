import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { chooseMore, expectDecodingVideoFrom, openParticipant, ownPeerId, takePolicyReports, uniqueRoom, type Participant } from './helpers.js'

// Screen share, recording (blob: playback and download), chat and files all run under the served CSP.
test.afterEach(() => expect(takePolicyReports()).toEqual([]))

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex')

/** Two participants named Alice and Bob in a fresh room, connected both ways. */
async function call(browser: Parameters<Parameters<typeof test>[2]>[0]['browser'], prefix: string) {
  const room = uniqueRoom(prefix)
  const join = async (name: string): Promise<Participant> => {
    const participant = await openParticipant(browser, '/?debug')
    await participant.page.getByLabel('Room name').fill(room)
    await participant.page.getByLabel('Your name').fill(name)
    await participant.page.getByRole('button', { name: 'Join', exact: true }).click()
    return participant
  }
  const alice = await join('Alice')
  const bob = await join('Bob')
  const aliceId = await ownPeerId(alice.page)
  const bobId = await ownPeerId(bob.page)
  await expectDecodingVideoFrom(bob.page, aliceId)
  return { room, alice, bob, aliceId, bobId, join }
}

/** Sizes of the remote video element's picture, or zeros until it plays. */
const pictureOf = (page: Page, selector: string) =>
  page.locator(selector).locator('video').evaluate((v: HTMLVideoElement) => [v.videoWidth, v.videoHeight])

test('screen share: the other side gets a 1280×720 screen tile beside the camera, and it goes when sharing stops', async ({ browser }) => {
  const { alice, bob, aliceId } = await call(browser, 'screen')
  const share = alice.page.getByRole('button', { name: 'Share screen', exact: true })
  await share.click()
  await expect(share).toHaveAttribute('aria-pressed', 'true')
  const screenOnBob = `[data-screen-of="${aliceId}"]`
  await expect(bob.page.locator(screenOnBob)).toHaveCount(1)
  await expect(bob.page.locator(`[data-peer-id="${aliceId}"]`)).toContainText('Presenting')
  await expect(bob.page.locator(screenOnBob)).toContainText('Alice’s screen')
  await expect.poll(() => pictureOf(bob.page, screenOnBob), { timeout: 20_000 }).toEqual([1280, 720])
  // The camera stays in its own tile.
  await expect.poll(() => pictureOf(bob.page, `[data-peer-id="${aliceId}"]`)).toEqual([640, 480])

  await share.click()
  await expect(bob.page.locator(screenOnBob)).toHaveCount(0)
  await expect(share).toHaveAttribute('aria-pressed', 'false')
  await expect(alice.page.locator('[data-screen-of]')).toHaveCount(0)
  await expectDecodingVideoFrom(bob.page, aliceId)

  // The browser's own "Stop sharing" (the track ends) ends the share just as cleanly.
  await share.click()
  await expect(bob.page.locator(screenOnBob)).toHaveCount(1)
  await alice.page.evaluate(() => {
    const video = document.querySelector<HTMLVideoElement>('[data-screen-of="self"] video')
    const track = (video?.srcObject as MediaStream).getVideoTracks()[0]
    track?.stop()
    track?.dispatchEvent(new Event('ended'))
  })
  await expect(bob.page.locator(screenOnBob)).toHaveCount(0)
  await expect(share).toHaveAttribute('aria-pressed', 'false')

  await alice.context.close()
  await bob.context.close()
})

test('recording: 3 s of the call download as a WebM file that plays with video', async ({ browser }) => {
  const { alice, bob } = await call(browser, 'record')
  const page = alice.page
  const told = bob.page.locator('.recording-notice')
  await expect(told).toBeHidden()
  await chooseMore(page, 'Record')
  await expect(page.getByRole('timer')).toContainText('Recording 0:0')
  // Everyone else is told within 2 s, and told again when it stops.
  await expect(told).toHaveText('Alice is recording', { timeout: 2000 })
  await page.waitForTimeout(3000)
  const downloading = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Stop recording' }).click()
  const download = await downloading
  await expect(told).toBeHidden({ timeout: 2000 })
  expect(download.suggestedFilename()).toMatch(/^peerlane-record-.*\.webm$/)
  const path = await download.path()
  const bytes = readFileSync(path)
  expect(bytes.subarray(0, 4).toString('hex')).toBe('1a45dfa3')
  expect(bytes.length).toBeGreaterThan(50_000)

  const probe = await page.evaluate(async (base64) => {
    const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
    const video = document.createElement('video')
    video.muted = true
    video.src = URL.createObjectURL(new Blob([data], { type: 'video/webm' }))
    await new Promise((resolve, reject) => {
      video.onloadedmetadata = resolve
      video.onerror = () => reject(new Error('the recording does not load'))
    })
    // MediaRecorder writes no duration; seeking to the end makes the element measure it.
    if (!Number.isFinite(video.duration)) {
      await new Promise((resolve) => {
        video.ondurationchange = () => Number.isFinite(video.duration) && resolve(undefined)
        video.currentTime = 1e6
      })
    }
    return { width: video.videoWidth, height: video.videoHeight, duration: video.duration }
  }, bytes.toString('base64'))
  expect(probe.width).toBe(1280)
  expect(probe.height).toBe(720)
  expect(probe.duration).toBeGreaterThan(2)
  expect(probe.duration).toBeLessThan(10)

  await alice.context.close()
  await bob.context.close()
})

test('chat: messages arrive in order with the sender’s name, unread count shows, a late joiner does not break it', async ({ browser }) => {
  const { alice, bob, join } = await call(browser, 'chat')
  const errors: string[] = []
  for (const { page } of [alice, bob]) page.on('pageerror', (error) => errors.push(error.message))

  await alice.page.getByRole('button', { name: 'Chat' }).click()
  const aliceInput = alice.page.getByLabel('Message')
  await expect(aliceInput).toBeFocused()
  for (const text of ['Hello Bob', 'Second message', 'Third, with “quotes” & <tags>']) {
    await aliceInput.fill(text)
    await aliceInput.press('Enter')
  }
  // Bob's panel is closed: the button counts what he missed, its name stays "Chat".
  const bobChat = bob.page.getByRole('button', { name: 'Chat' })
  await expect(bobChat.locator('.badge')).toHaveText('3')
  await expect(bobChat).toHaveAccessibleDescription('3 unread messages')
  await bobChat.click()
  await expect(bobChat.locator('.badge')).toBeHidden()
  const bobLog = bob.page.getByRole('log')
  await expect(bobLog.locator('.chat-text')).toHaveText(['Hello Bob', 'Second message', 'Third, with “quotes” & <tags>'])
  await expect(bobLog.locator('.chat-sender')).toHaveText(['Alice', 'Alice', 'Alice'])
  await expect(alice.page.getByRole('log').locator('.chat-sender')).toHaveText(['You', 'You', 'You'])

  const carol = await join('Carol')
  carol.page.on('pageerror', (error) => errors.push(error.message))
  await expect(carol.page.locator('[data-peer-id]')).toHaveCount(2)
  await carol.page.getByRole('button', { name: 'Chat' }).click()
  // Wait until Carol's data channels are up with both, then talk.
  await expect.poll(() => carol.page.evaluate(() => window.__peerlane?.client.peers.size)).toBe(2)
  await expect(async () => {
    await carol.page.getByLabel('Message').fill('Hi, I am late')
    await carol.page.getByLabel('Message').press('Enter')
    await expect(bobLog.locator('.chat-text').last()).toHaveText('Hi, I am late', { timeout: 2000 })
  }).toPass({ timeout: 20_000 })
  await expect(bobLog.locator('.chat-sender').last()).toHaveText('Carol')
  await aliceInput.fill('Welcome Carol')
  await aliceInput.press('Enter')
  await expect(carol.page.getByRole('log').locator('.chat-text').last()).toHaveText('Welcome Carol')
  await expect(bobLog.locator('.chat-text').last()).toHaveText('Welcome Carol')

  mkdirSync('test-artifacts', { recursive: true })
  await bob.page.screenshot({ path: 'test-artifacts/room-chat.png' })
  expect(errors).toEqual([])
  for (const { context } of [alice, bob, carol]) await context.close()
})

test('file transfer: 20 MB arrives with the same SHA-256; cancelling mid-transfer stops both sides', async ({ browser }) => {
  // Three transfers (20 MB, then two 200 MB cancelled midway) take about two minutes on two cores.
  test.setTimeout(240_000)
  const { alice, bob } = await call(browser, 'files')
  const data = randomBytes(20 * 1024 * 1024)
  const dir = join(tmpdir(), `peerlane-e2e-${process.pid}`)
  mkdirSync(dir, { recursive: true })
  const source = join(dir, 'random-20mb.bin')
  writeFileSync(source, data)

  await alice.page.getByRole('button', { name: 'Files', exact: true }).click()
  const chooser = alice.page.waitForEvent('filechooser')
  await alice.page.getByRole('button', { name: 'Send file' }).click()
  await (await chooser).setFiles(source)
  const incoming = bob.page.locator('.file-item[data-direction="in"]')
  await expect(incoming).toHaveCount(1)
  await expect(incoming).toContainText('From Alice: random-20mb.bin')
  // Over 10 MiB: Bob is asked first.
  await incoming.getByRole('button', { name: 'Accept' }).click()
  const link = bob.page.getByRole('link', { name: 'Download random-20mb.bin' })
  await expect(link).toBeVisible({ timeout: 60_000 })
  await expect(incoming.getByRole('status')).toHaveText('Received and verified (SHA-256)')
  await expect(alice.page.locator('.file-item[data-direction="out"] [role="status"]')).toHaveText('Delivered')
  const downloading = bob.page.waitForEvent('download')
  await link.click()
  const received = readFileSync(await (await downloading).path())
  expect(received.length).toBe(data.length)
  expect(sha256(received)).toBe(sha256(data))

  // Receiver cancels: both sides say so and nothing is offered for download.
  const cancelMidway = async (who: Page, direction: 'in' | 'out') => {
    const chooserAgain = alice.page.waitForEvent('filechooser')
    await alice.page.getByRole('button', { name: 'Send file' }).click()
    // From a file on disk (handing Playwright a large buffer takes it most of a minute), and
    // large enough (200 MB) that it cannot finish before the click lands.
    const path = join(dir, `cancel-${direction}.bin`)
    writeFileSync(path, Buffer.alloc(200 * 1024 * 1024, direction))
    await (await chooserAgain).setFiles(path)
    await bob.page.locator('.file-item[data-direction="in"]', { hasText: `cancel-${direction}.bin` }).getByRole('button', { name: 'Accept' }).click()
    const item = who.locator(`.file-item[data-direction="${direction}"]`).first()
    await expect(item).toContainText(`cancel-${direction}.bin`)
    await expect.poll(() => item.locator('progress').evaluate((p: HTMLProgressElement) => p.value), { timeout: 60_000 }).toBeGreaterThan(0)
    // Progress in words: percentage and speed.
    await expect(item.getByRole('status')).toHaveText(/^(Sending|Receiving) \d{1,2} % · [\d.]+ (B|KB|MB)\/s$/)
    // Dispatched, not clicked: a receiving page hashes every chunk on its main thread and, on a
    // busy machine, renders too rarely for a pointer click's stability checks to settle.
    await item.getByRole('button', { name: 'Cancel' }).dispatchEvent('click')
    const sent = alice.page.locator('.file-item[data-direction="out"]').first()
    const got = bob.page.locator('.file-item[data-direction="in"]').first()
    for (const each of [sent, got]) await expect(each).toHaveAttribute('data-state', 'cancelled')
    await expect(got.getByRole('link')).toHaveCount(0)
    const by = direction === 'in' ? ['the other side', 'you'] : ['you', 'the other side']
    await expect(sent.getByRole('status')).toHaveText(`Cancelled by ${by[0]}`)
    await expect(got.getByRole('status')).toHaveText(`Cancelled by ${by[1]}`)
  }
  await cancelMidway(alice.page, 'out')
  await cancelMidway(bob.page, 'in')
  rmSync(dir, { recursive: true, force: true })

  await alice.context.close()
  await bob.context.close()
})

test('devices and presets: switching camera needs no renegotiation; the low preset lowers what is sent', async ({ browser }) => {
  const { alice, bob, aliceId, bobId } = await call(browser, 'devices')
  const page = alice.page
  const snapshot = () =>
    page.evaluate((id) => {
      const pc = window.__peerlane?.client.peers.get(id)?.rawConnection
      const sender = pc?.getSenders().find((s) => s.track?.kind === 'video')
      return { local: pc?.localDescription?.sdp, remote: pc?.remoteDescription?.sdp, track: sender?.track?.label, id: sender?.track?.id }
    }, bobId)
  await expect.poll(async () => (await snapshot()).track).toBe('fake_device_0')
  const before = await snapshot()

  await chooseMore(page, 'Devices')
  const camera = page.getByLabel('Camera', { exact: true })
  await expect(camera.locator('option')).toHaveCount(3)
  await camera.selectOption({ label: 'fake_device_2' })
  await expect(page.getByRole('status').filter({ hasText: 'Camera switched' })).toBeVisible()
  await expect.poll(async () => (await snapshot()).track).toBe('fake_device_2')
  const after = await snapshot()
  expect(after.id).not.toBe(before.id)
  // No new offer or answer: both descriptions are the very same SDP.
  expect(after.local).toBe(before.local)
  expect(after.remote).toBe(before.remote)
  await expectDecodingVideoFrom(bob.page, aliceId)

  const sent = async () => {
    return page.evaluate(async (id) => {
      let width = 0
      ;(await window.__peerlane?.client.peers.get(id)?.rawConnection.getStats())?.forEach((report: { type: string; kind?: string; frameWidth?: number }) => {
        if (report.type === 'outbound-rtp' && report.kind === 'video') width = Math.max(width, report.frameWidth ?? 0)
      })
      return width
    }, bobId)
  }
  await expect.poll(sent, { timeout: 20_000 }).toBe(640)
  await chooseMore(page, 'Statistics')
  const overlay = page.getByRole('region', { name: 'Call statistics' })
  await expect(overlay.getByRole('table')).toHaveCount(1)
  await expect(overlay).toContainText('Round trip')
  await page.getByLabel('Video quality').selectOption('low')
  await expect.poll(sent, { timeout: 20_000 }).toBe(320)
  await expect(overlay).toContainText('320×240')
  await expect(overlay).toContainText('host → host')

  mkdirSync('test-artifacts', { recursive: true })
  await page.screenshot({ path: 'test-artifacts/room-stats.png' })
  await alice.context.close()
  await bob.context.close()
})

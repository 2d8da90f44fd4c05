import { mkdirSync, readFileSync } from 'node:fs'
import { expect, test, type Browser } from '@playwright/test'
import { expectDecodingVideoFrom, openParticipant, ownPeerId, uniqueRoom, type Participant } from './helpers.js'

// What a peer can throw at the app: big, unwanted, hostile or stalled files and a chat flood.
// Alice drives her SDK client directly (`?debug`), as a peer running any client could.

async function call(browser: Browser, prefix: string, bobPath = '/?debug') {
  const room = uniqueRoom(prefix)
  const join = async (path: string, name: string): Promise<Participant> => {
    const participant = await openParticipant(browser, path)
    await participant.page.getByLabel('Room name').fill(room)
    await participant.page.getByLabel('Your name').fill(name)
    await participant.page.getByRole('button', { name: 'Join', exact: true }).click()
    return participant
  }
  const alice = await join('/?debug', 'Alice')
  const bob = await join(bobPath, 'Bob')
  const aliceId = await ownPeerId(alice.page)
  const bobId = await ownPeerId(bob.page)
  await expectDecodingVideoFrom(bob.page, aliceId)
  return { alice, bob, aliceId, bobId }
}

test('file offers: a big file asks first (size shown) and a declined one tells the sender; one over the limit never asks', async ({ browser }) => {
  const { alice, bob } = await call(browser, 'offers')
  const errors: string[] = []
  bob.page.on('pageerror', (error) => errors.push(error.message))

  // 11 MiB is over the 10 MiB the app takes without asking.
  const declined = alice.page.evaluate(async () => {
    const transfer = window.__peerlane!.files.send(new Blob([new Uint8Array(11 * 1024 * 1024)]), { name: 'holiday.mov' })
    const result = await transfer.finished
    return result.error?.code ?? result.state
  })
  const offer = bob.page.locator('.file-item[data-direction="in"]')
  await expect(offer).toHaveAttribute('data-state', 'offered')
  await expect(offer).toContainText('From Alice: holiday.mov')
  await expect(offer.getByRole('status')).toHaveText('Wants to send you 11.0 MB')
  const choice = offer.getByRole('group', { name: 'Receive holiday.mov?' })
  await expect(choice.getByRole('button', { name: 'Accept' })).toBeVisible()
  await expect(bob.page.locator('.notice')).toHaveText('Alice wants to send you holiday.mov (11.0 MB): accept or decline it in the file list')
  mkdirSync('test-artifacts', { recursive: true })
  await bob.page.setViewportSize({ width: 1366, height: 768 })
  await offer.scrollIntoViewIfNeeded()
  await bob.page.screenshot({ path: 'test-artifacts/file-offer-1366.png' })
  await bob.page.setViewportSize({ width: 390, height: 844 })
  await offer.scrollIntoViewIfNeeded()
  await bob.page.screenshot({ path: 'test-artifacts/file-offer-390.png' })
  await bob.page.setViewportSize({ width: 1280, height: 720 })
  // Nothing streams while the question is open.
  expect(await offer.locator('progress').evaluate((p: HTMLProgressElement) => p.value)).toBe(0)
  await choice.getByRole('button', { name: 'Decline' }).click()
  expect(await declined).toBe('transfer-declined')
  await expect(offer.getByRole('status')).toHaveText('Declined')
  await expect(offer.getByRole('link')).toHaveCount(0)

  // Accepting starts the transfer; it arrives whole.
  const accepted = alice.page.evaluate(async () => {
    const transfer = window.__peerlane!.files.send(new Blob([new Uint8Array(11 * 1024 * 1024).fill(7)]), { name: 'wanted.bin' })
    return (await transfer.finished).state
  })
  const wanted = bob.page.locator('.file-item[data-direction="in"]', { hasText: 'wanted.bin' })
  await wanted.getByRole('button', { name: 'Accept' }).click()
  await expect(wanted.getByRole('button', { name: 'Cancel' })).toBeFocused()
  await expect(wanted.getByRole('link', { name: 'Download wanted.bin' })).toBeVisible({ timeout: 60_000 })
  expect(await accepted).toBe('complete')

  // Over the SDK's 1 GiB default: declined before the app hears of it, and the sender learns so.
  const oversized = await alice.page.evaluate(async () => {
    class Huge extends Blob {
      override get size(): number {
        return 2 ** 40
      }
    }
    const result = await window.__peerlane!.files.send(new Huge(['x']), { name: 'huge.iso' }).finished
    return result.error?.code ?? result.state
  })
  expect(oversized).toBe('transfer-declined')
  await expect(bob.page.locator('.file-item', { hasText: 'huge.iso' })).toHaveCount(0)
  expect(errors).toEqual([])
  for (const { context } of [alice, bob]) await context.close()
})

test('a received HTML file is an octet-stream download, never a page of the app’s origin', async ({ browser }) => {
  const { alice, bob } = await call(browser, 'html')
  const html = '<!doctype html><script>localStorage.setItem("pwned", "1")</script><p>hi</p>'
  await alice.page.evaluate(async (text) => {
    await window.__peerlane!.files.send(new Blob([text], { type: 'text/html' }), { name: 'invoice.html' }).finished
  }, html)
  const link = bob.page.getByRole('link', { name: 'Download invoice.html' })
  await expect(link).toBeVisible()
  await expect(link).toHaveAttribute('download', 'invoice.html')
  // Opened in a new tab, as a victim would: the blob is an octet-stream, so the browser downloads
  // it instead of rendering HTML with the app's origin (where its script could read storage).
  const href = await link.getAttribute('href')
  expect(href).toMatch(/^blob:/)
  const tab = await bob.context.newPage()
  const downloading = tab.waitForEvent('download')
  await tab.goto(href!).catch(() => {})
  const download = await downloading
  expect(readFileSync(await download.path(), 'utf8')).toBe(html)
  expect(await bob.page.evaluate(() => localStorage.getItem('pwned'))).toBeNull()
  for (const { context } of [alice, bob]) await context.close()
})

test('a stalled transfer fails on both sides after the stall timeout and says so', async ({ browser }) => {
  const { alice, bob } = await call(browser, 'stall', '/?debug&fileStallMs=1500')
  // Alice's file never yields its bytes, as when a sender's tab freezes mid-transfer.
  const atAlice = alice.page.evaluate(async () => {
    class Frozen extends Blob {
      override slice(): Blob {
        return { arrayBuffer: () => new Promise<ArrayBuffer>(() => {}) } as unknown as Blob
      }
    }
    const result = await window.__peerlane!.files.send(new Frozen([new Uint8Array(5000)]), { name: 'frozen.bin' }).finished
    return result.error?.code ?? result.state
  })
  const item = bob.page.locator('.file-item[data-direction="in"]', { hasText: 'frozen.bin' })
  await expect(item).toHaveAttribute('data-state', 'failed', { timeout: 15_000 })
  await expect(item.getByRole('status')).toHaveText('Stalled: nothing arrived for too long. Ask for the file again.')
  await expect(item.getByRole('button', { name: 'Cancel' })).toHaveCount(0)
  expect(await atAlice).toBe('transfer-stalled')
  for (const { context } of [alice, bob]) await context.close()
})

test('chat history keeps the last 500 messages in the DOM', async ({ browser }) => {
  const { alice, bob } = await call(browser, 'history')
  // 600 messages, paced within the SDK's default per-peer chat rate (bursts of 200, 50 a second).
  await alice.page.evaluate(async () => {
    for (let batch = 0; batch < 3; batch++) {
      if (batch > 0) await new Promise((resolve) => setTimeout(resolve, 4500))
      for (let n = 1; n <= 200; n++) window.__peerlane!.chat.send(`message ${batch * 200 + n}`)
    }
  })
  const texts = bob.page.locator('.chat-log .chat-text')
  await expect(texts.last()).toHaveText('message 600')
  await expect(texts).toHaveCount(500)
  await expect(texts.first()).toHaveText('message 101')
  for (const { context } of [alice, bob]) await context.close()
})

test('the lobby offers an unguessable room name and says that the name is the key', async ({ browser }) => {
  const { context, page } = await openParticipant(browser, '/')
  const room = page.getByLabel('Room name')
  await expect(room).toHaveValue(/^[a-z]+-[a-z]+(-[0-9a-hjkmnp-tv-z]{5}){3}$/)
  await expect(room).toHaveAccessibleDescription(/The room name is the key: anyone who has it, or the invite link, can join\./)
  const first = await room.inputValue()
  await page.getByRole('button', { name: 'New room name' }).click()
  await expect(room).not.toHaveValue(first)
  mkdirSync('test-artifacts', { recursive: true })
  for (const [width, height] of [
    [1366, 768],
    [390, 844],
  ] as const) {
    await page.setViewportSize({ width, height })
    await page.screenshot({ path: `test-artifacts/lobby-${width}.png`, fullPage: true })
  }
  await context.close()
})

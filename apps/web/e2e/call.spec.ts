import { mkdirSync } from 'node:fs'
import { expect, test } from '@playwright/test'
import { expectDecodingVideoFrom, joinByInvite, openParticipant, ownPeerId, takePolicyReports, uniqueRoom } from './helpers.js'

// The app runs under the CSP the signaling server sends: any violation fails the test.
test.afterEach(() => expect(takePolicyReports()).toEqual([]))

test('two participants opening an invite link see each other, and a leave removes the tile', async ({ browser }) => {
  const room = uniqueRoom('call')
  const alice = await joinByInvite(browser, room)
  const bob = await joinByInvite(browser, room)

  const aliceId = await ownPeerId(alice.page)
  const bobId = await ownPeerId(bob.page)
  expect(aliceId).not.toBe(bobId)
  const headers = (await alice.served?.allHeaders()) ?? {}
  expect(headers['content-security-policy']).toMatch(/(^|; )script-src 'self';.*frame-ancestors 'none'/)
  expect(headers['x-frame-options']).toBe('DENY')

  const bobOnAlice = alice.page.locator(`[data-peer-id="${bobId}"]`)
  const aliceOnBob = bob.page.locator(`[data-peer-id="${aliceId}"]`)
  await expect(bobOnAlice).toHaveCount(1)
  await expect(aliceOnBob).toHaveCount(1)

  await expectDecodingVideoFrom(alice.page, bobId)
  await expectDecodingVideoFrom(bob.page, aliceId)
  for (const video of [bobOnAlice.locator('video'), aliceOnBob.locator('video')]) {
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0)
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.videoHeight)).toBeGreaterThan(0)
  }

  for (const { page } of [alice, bob]) {
    await expect(page).toHaveURL(new RegExp(`[?&]room=${room}(&|$)`))
    await expect(page.getByRole('status').first()).toContainText(`In room ${room}`)
  }

  mkdirSync('test-artifacts', { recursive: true })
  await alice.page.screenshot({ path: 'test-artifacts/room.png' })

  await bob.page.getByRole('button', { name: 'Leave' }).click()
  await expect(bobOnAlice).toHaveCount(0)
  await expect(alice.page.locator('[data-peer-id]')).toHaveCount(0)
  await expect(bob.page.getByRole('heading', { name: 'Join a video call' })).toBeVisible()
  await expect(bob.page).not.toHaveURL(/[?&]room=/)

  await alice.context.close()
  await bob.context.close()
})

test('mute and camera buttons say what they do and switch the tracks that are sent', async ({ browser }) => {
  const room = uniqueRoom('controls')
  const alice = await joinByInvite(browser, room)
  const bob = await joinByInvite(browser, room)
  const bobId = await ownPeerId(bob.page)
  await expect(alice.page.locator(`[data-peer-id="${bobId}"]`)).toHaveCount(1)

  const sentEnabled = (kind: 'audio' | 'video') =>
    alice.page.evaluate(
      ({ id, kind }) =>
        window.__peerlane?.client.peers
          .get(id)
          ?.rawConnection.getSenders()
          .filter((sender) => sender.track?.kind === kind)
          .map((sender) => sender.track?.enabled),
      { id: bobId, kind },
    )
  await expect.poll(() => sentEnabled('audio')).toEqual([true])
  await expect.poll(() => sentEnabled('video')).toEqual([true])

  const page = alice.page
  // Toggles keep their name and say their state with aria-pressed.
  const mute = page.getByRole('button', { name: 'Mute', exact: true })
  const camera = page.getByRole('button', { name: 'Camera off', exact: true })
  await expect(mute).toHaveAttribute('aria-pressed', 'false')
  await mute.click()
  await expect(mute).toHaveAttribute('aria-pressed', 'true')
  await expect(mute).toBeFocused()
  await expect.poll(() => sentEnabled('audio')).toEqual([false])
  // Bob sees the muted-microphone icon on Alice's tile.
  const aliceId = await ownPeerId(page)
  await expect(bob.page.locator(`[data-peer-id="${aliceId}"]`).getByRole('img', { name: 'Microphone muted' })).toBeVisible()
  // Keyboard: the focused toggle flips back with Enter.
  await page.keyboard.press('Enter')
  await expect(mute).toHaveAttribute('aria-pressed', 'false')
  await expect.poll(() => sentEnabled('audio')).toEqual([true])
  await expect(bob.page.locator(`[data-peer-id="${aliceId}"]`).getByRole('img', { name: 'Microphone muted' })).toBeHidden()

  await camera.click()
  await expect(camera).toHaveAttribute('aria-pressed', 'true')
  await expect.poll(() => sentEnabled('video')).toEqual([false])
  // Camera off: Bob sees Alice's initials instead of a frozen picture.
  await expect(bob.page.locator(`[data-peer-id="${aliceId}"] .tile-avatar`)).toBeVisible()
  await camera.click()
  await expect(camera).toHaveAttribute('aria-pressed', 'false')
  await expect.poll(() => sentEnabled('video')).toEqual([true])
  await expect(bob.page.locator(`[data-peer-id="${aliceId}"] .tile-avatar`)).toBeHidden()

  await page.getByRole('button', { name: 'More', exact: true }).click()
  await expect(page.getByRole('group', { name: 'More options' }).getByRole('button', { name: 'Copy invite link' })).toBeEnabled()
  await page.keyboard.press('Escape')
  await page.getByRole('button', { name: 'People', exact: true }).click()
  await expect(page.getByLabel('Invite link')).toHaveValue(new RegExp(`/\\?room=${room}$`))
  await expect(page.getByRole('list', { name: 'In this call' }).getByRole('listitem')).toHaveCount(2)

  await alice.context.close()
  await bob.context.close()
})

test('the lobby proposes a valid room name, refuses an invalid one and joins with a display name', async ({ browser }) => {
  const { page, context } = await openParticipant(browser, '/?debug')
  const roomInput = page.getByLabel('Room name')
  await expect(roomInput).toHaveValue(/^[a-z]+-[a-z]+(-[0-9a-hjkmnp-tv-z]{5}){3}$/)
  const proposed = await roomInput.inputValue()
  await page.getByRole('button', { name: 'New room name' }).click()
  await expect(roomInput).toHaveValue(/^[A-Za-z0-9_-]{1,64}$/)

  await roomInput.fill('not a room!')
  await page.getByRole('button', { name: 'Join' }).click()
  await expect(page.getByRole('alert')).toContainText('Room names are')
  await expect(roomInput).toHaveAttribute('aria-invalid', 'true')
  await expect(roomInput).toBeFocused()

  const room = uniqueRoom('lobby')
  await roomInput.fill(room)
  await page.getByLabel('Your name').fill('Ada')
  await page.getByLabel('Your name').press('Enter')
  await expect(page.getByRole('heading', { name: `Room ${room}` })).toBeVisible()
  await expect(page).toHaveURL(new RegExp(`[?&]room=${room}(&|$)`))
  await expect(page.locator('.tile-local figcaption')).toHaveText('Ada (you)')
  await expect(page.getByRole('status').first()).toContainText(`In room ${room}`)
  expect(proposed).not.toBe('')

  await context.close()
})

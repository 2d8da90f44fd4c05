import { expect, test } from '@playwright/test'
import { expectDecodingVideoFrom, joinByInvite, ownPeerId, uniqueRoom } from './helpers.js'

test('with camera access denied the lobby says so, and the participant still joins to watch', async ({ browser }) => {
  const room = uniqueRoom('no-media')
  const context = await browser.newContext()
  const viewer = await context.newPage()
  // The fake-UI flag accepts every prompt, so a refusal is simulated where the app meets it.
  await viewer.addInitScript(() => {
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'))
  })
  await viewer.goto('/?debug')
  await expect(viewer.getByText('Camera and microphone access is blocked')).toBeVisible()
  await expect(viewer.getByRole('button', { name: 'Try again' })).toBeVisible()
  await expect(viewer.getByRole('button', { name: 'Mute', exact: true })).toBeDisabled()

  await viewer.getByLabel('Room name').fill(room)
  await viewer.getByRole('button', { name: 'Join', exact: true }).click()
  await expect(viewer.getByRole('heading', { name: `Room ${room}` })).toBeVisible()
  await expect(viewer.getByRole('button', { name: 'Mute', exact: true })).toBeDisabled()
  await expect(viewer.getByRole('button', { name: 'Camera off', exact: true })).toBeDisabled()
  await expect(viewer.locator('.tile-local')).toContainText('No camera')
  // In the call too, the banner explains and offers to try again.
  await expect(viewer.getByText('Camera and microphone access is blocked')).toBeVisible()
  await expect(viewer.getByRole('button', { name: 'Try again' })).toBeVisible()

  const host = await joinByInvite(browser, room)
  const hostId = await ownPeerId(host.page)
  const viewerId = await ownPeerId(viewer)
  await expect(host.page.locator(`[data-peer-id="${viewerId}"]`)).toHaveCount(1)
  await expectDecodingVideoFrom(viewer, hostId)

  await host.context.close()
  await context.close()
})

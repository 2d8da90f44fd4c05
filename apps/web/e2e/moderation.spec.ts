import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import AxeBuilder from '@axe-core/playwright'
import { mintToken } from '@peerlane/signaling'
import { expect, test, type Browser, type Locator, type Page } from '@playwright/test'
import { Child, freePorts, untilListening } from './deployment/process.js'
import { chooseMore, expectDecodingVideoFrom, joinByInvite, openParticipant, ownPeerId, takePolicyReports, uniqueRoom, type Participant } from './helpers.js'

// Rooms people control, in the app: the host's lock, knocks with Admit/Deny, the waiting screen,
// removal, ask-to-mute, handing the host role on, and safety numbers with "Mark as verified".

test.afterEach(() => expect(takePolicyReports()).toEqual([]))

const WAITING = 'Waiting for the host to let you in'
const SAFETY_NUMBER = /^\d{5}( \d{5}){4}$/

/** Opens the invite link and types `name` into the pre-join (opening several at once saves minutes on two cores). */
async function prejoin(browser: Browser, room: string, name: string, origin = '', token?: string): Promise<Participant> {
  const participant = await openParticipant(browser, `${origin}/?room=${room}&debug${token === undefined ? '' : `#token=${token}`}`)
  await participant.page.getByLabel('Your name').fill(name)
  return participant
}

/** Presses Join; returns once the join is waiting at the lock. */
async function knock({ page }: Participant): Promise<void> {
  await page.getByRole('button', { name: 'Join', exact: true }).click()
  await expect(page.getByRole('heading', { name: WAITING })).toBeVisible()
  await expect(page.getByRole('heading', { name: WAITING })).toBeFocused()
}

/** axe over `selectors` (the new UI; the rest of the call screen has its own scan in call-screen.spec.ts). */
async function expectNoSeriousViolations(page: Page, label: string, selectors: readonly string[]): Promise<void> {
  let builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
  for (const selector of selectors) builder = builder.include(selector)
  const results = await builder.analyze()
  const bad = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${label}: ${violation.id} (${violation.impact}) ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)
  expect(bad).toEqual([])
}

/** Screenshots at 1366×768 and 390×844 into test-artifacts/ (the good ones go to docs/), then back to 1280×720. */
async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync('test-artifacts', { recursive: true })
  for (const [width, height] of [[1366, 768], [390, 844]] as const) {
    await page.setViewportSize({ width, height })
    // The stage re-lays its tiles out on resize: let it settle before the picture.
    await page.waitForTimeout(300)
    await page.screenshot({ path: `test-artifacts/${name}-${width}.png` })
  }
  await page.setViewportSize({ width: 1280, height: 720 })
}

const peopleButton = (page: Page) => page.getByRole('button', { name: 'People', exact: true })
const personRow = (page: Page, id: string): Locator => page.locator(`.people-list [data-person="${id}"]`)
const lockItem = (page: Page) => page.getByRole('group', { name: 'More options' }).getByRole('button', { name: 'Lock room', exact: true })

async function openPeople(page: Page): Promise<void> {
  if ((await peopleButton(page).getAttribute('aria-expanded')) !== 'true') await peopleButton(page).click()
  await expect(page.getByRole('region', { name: 'People' })).toBeVisible()
}

async function safetyNumberOn(page: Page, peerId: string): Promise<string> {
  const code = personRow(page, peerId).locator('.safety-number')
  await expect(code).toHaveText(SAFETY_NUMBER)
  return (await code.textContent()) ?? ''
}

/** Presses the row's host action and confirms it in the dialog. */
async function confirmHostAction(page: Page, peerId: string, action: 'Remove' | 'Make host'): Promise<void> {
  await personRow(page, peerId).getByRole('button', { name: action, exact: true }).click()
  const dialog = page.getByRole('dialog')
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused()
  await dialog.getByRole('button', { name: action, exact: true }).click()
  await expect(dialog).toBeHidden()
}

test('a locked room: knocks queue for the host, Cancel and Deny end a knock, Admit lets in, and a host asks to mute', async ({ browser }) => {
  test.setTimeout(150_000)
  const room = uniqueRoom('moderate')
  const [alice, bob, carol] = await Promise.all([joinByInvite(browser, room, 'Alice'), prejoin(browser, room, 'Bob'), prejoin(browser, room, 'Carol')])
  const aliceId = await ownPeerId(alice.page)

  // The first participant is the host: only hosts see the lock, a toggle.
  await chooseMore(alice.page, 'Lock room')
  await alice.page.getByRole('button', { name: 'More', exact: true }).click()
  await expect(lockItem(alice.page)).toHaveAttribute('aria-pressed', 'true')
  await alice.page.keyboard.press('Escape')
  await expect(alice.page.locator('.locked-pill')).toHaveText('Locked')

  await knock(bob)
  // Nothing of the room shows while waiting: no call screen, no names.
  await expect(bob.page.getByRole('heading', { name: `Room ${room}` })).toBeHidden()
  await expect(bob.page.getByText('Alice')).toHaveCount(0)
  const requests = alice.page.getByRole('alertdialog', { name: 'Someone wants to join' })
  await expect(requests).toContainText('Bob wants to join')

  await knock(carol)
  const queued = alice.page.getByRole('alertdialog', { name: '2 people want to join' })
  await expect(queued.locator('.knock')).toHaveText([/Bob wants to join/, /Carol wants to join/])

  await expectNoSeriousViolations(bob.page, 'waiting screen', ['.waiting'])
  await screenshots(bob.page, 'waiting-room')
  await openPeople(alice.page)
  await expectNoSeriousViolations(alice.page, 'people panel with knocks', ['.knock-requests', '.side'])
  await screenshots(alice.page, 'moderation-knock')

  // Carol gives up: her knock leaves the queue.
  await carol.page.getByRole('button', { name: 'Cancel' }).click()
  await expect(carol.page.getByRole('button', { name: 'Join', exact: true })).toBeVisible()
  await expect(carol.page.locator('.form-error')).toHaveText('')
  await expect(requests.locator('.knock')).toHaveText([/Bob wants to join/])
  await expect(alice.page.locator('.notice')).toHaveText('Carol stopped waiting')
  await carol.context.close()

  // Denied, Bob is back at the pre-join and told so; he knocks again and is admitted.
  await requests.getByRole('group', { name: 'Bob' }).getByRole('button', { name: 'Deny' }).click()
  await expect(bob.page.getByRole('alert')).toHaveText(`A host of “${room}” did not let you in.`)
  await expect(requests).toBeHidden()
  await bob.page.getByRole('button', { name: 'Join', exact: true }).click()
  await expect(bob.page.getByRole('heading', { name: WAITING })).toBeVisible()
  await requests.getByRole('group', { name: 'Bob' }).getByRole('button', { name: 'Admit' }).click()
  await expect(bob.page.getByRole('heading', { name: `Room ${room}` })).toBeVisible()
  await expect(alice.page.getByRole('alertdialog')).toBeHidden()
  const bobId = await ownPeerId(bob.page)
  await expectDecodingVideoFrom(bob.page, aliceId)
  await expectDecodingVideoFrom(alice.page, bobId)

  // Ask to mute: Bob's microphone goes off for real (the track sends silence), his button and everyone's view follow.
  const micEnabled = () => bob.page.evaluate(() => (document.querySelector<HTMLVideoElement>('.tile-local video')?.srcObject as MediaStream).getAudioTracks().map((track) => track.enabled))
  expect(await micEnabled()).toEqual([true])
  await personRow(alice.page, bobId).getByRole('button', { name: 'Ask to mute' }).click()
  await expect(bob.page.getByRole('button', { name: 'Mute', exact: true })).toHaveAttribute('aria-pressed', 'true')
  await expect(bob.page.locator('.notice')).toHaveText('Alice asked you to mute: your microphone is off')
  expect(await micEnabled()).toEqual([false])
  await expect(personRow(alice.page, bobId).getByRole('img', { name: 'Microphone muted' })).toBeVisible()
  await expect(personRow(alice.page, bobId).getByRole('button', { name: 'Ask to mute' })).toBeDisabled()

  for (const { context } of [alice, bob]) await context.close()
})

test('safety numbers match, a verified mark outlives a reload and a changed code warns; a new host removes the old one', async ({ browser }) => {
  test.setTimeout(150_000)
  const room = uniqueRoom('safety')
  const [alice, bob] = await Promise.all([joinByInvite(browser, room, 'Alice'), prejoin(browser, room, 'Bob')])
  const aliceId = await ownPeerId(alice.page)
  await bob.page.getByRole('button', { name: 'Join', exact: true }).click()
  const bobId = await ownPeerId(bob.page)
  await expectDecodingVideoFrom(alice.page, bobId)

  // Safety numbers: the same code on both ends, read from the negotiated certificates.
  await openPeople(alice.page)
  await openPeople(bob.page)
  const code = await safetyNumberOn(alice.page, bobId)
  expect(await safetyNumberOn(bob.page, aliceId)).toBe(code)
  await expect(personRow(alice.page, bobId).getByRole('img', { name: /^Safety number: / })).toHaveAttribute('aria-label', `Safety number: ${code.split(' ').map((group) => group.split('').join(' ')).join(', ')}`)
  await personRow(alice.page, bobId).getByRole('button', { name: 'Mark as verified' }).click()
  await expect(personRow(alice.page, bobId).locator('.verified-badge')).toBeVisible()
  await expect(personRow(alice.page, bobId).getByRole('button', { name: 'Mark as verified' })).toBeHidden()
  expect(await alice.page.evaluate(() => localStorage.getItem('peerlane.verified.Bob'))).toBe(code)
  await personRow(bob.page, aliceId).getByRole('button', { name: 'Mark as verified' }).click()
  await expect(personRow(bob.page, aliceId).locator('.verified-badge')).toBeVisible()
  // Only hosts get the host actions.
  await expect(personRow(bob.page, aliceId).getByRole('button', { name: 'Remove' })).toHaveCount(0)

  await expectNoSeriousViolations(alice.page, 'people panel with a safety number and host actions', ['.side'])
  await screenshots(alice.page, 'safety-number')

  // Bob comes back after a reload: a new connection, new certificates, so a new code, and both
  // verified names now warn (the marks outlived the reload).
  await bob.page.reload()
  await expect(bob.page.getByLabel('Your name')).toHaveValue('Bob')
  await bob.page.getByRole('button', { name: 'Join', exact: true }).click()
  await expect(bob.page.getByRole('heading', { name: `Room ${room}` })).toBeVisible()
  const rejoinedId = await ownPeerId(bob.page)
  expect(rejoinedId).not.toBe(bobId)
  await openPeople(bob.page)
  const newCode = await safetyNumberOn(alice.page, rejoinedId)
  expect(newCode).not.toBe(code)
  expect(await safetyNumberOn(bob.page, aliceId)).toBe(newCode)
  await expect(personRow(alice.page, rejoinedId).getByRole('alert')).toHaveText('Safety number changed since you verified Bob')
  await expect(personRow(bob.page, aliceId).getByRole('alert')).toHaveText('Safety number changed since you verified Alice')
  await expect(personRow(alice.page, rejoinedId).locator('.verified-badge')).toBeHidden()
  await alice.page.setViewportSize({ width: 1366, height: 768 })
  await alice.page.screenshot({ path: 'test-artifacts/safety-number-changed-1366.png' })
  await alice.page.setViewportSize({ width: 1280, height: 720 })

  // Alice hands the host role to Bob (a host by arrival gives it up), and Bob removes her.
  await confirmHostAction(alice.page, rejoinedId, 'Make host')
  await expect(personRow(bob.page, 'self').locator('.host-tag')).toBeVisible()
  await expect(personRow(alice.page, rejoinedId).getByRole('button', { name: 'Remove' })).toBeHidden()
  await confirmHostAction(bob.page, aliceId, 'Remove')
  await expect(alice.page.getByRole('alert')).toHaveText('You were removed from the room by a host.')
  await expect(alice.page.getByRole('button', { name: 'Join', exact: true })).toBeVisible()
  await expect(bob.page.locator('.people-panel > .hint')).toHaveText('1 in this call')
  // Removed is final: no reconnect brings Alice back.
  await bob.page.waitForTimeout(3000)
  await expect(bob.page.locator('.people-panel > .hint')).toHaveText('1 in this call')
  expect(await alice.page.evaluate(() => window.__peerlane === undefined)).toBe(true)

  for (const { context } of [alice, bob]) await context.close()
})

test('token mode with locked rooms: controls a token does not grant are off with the reason; a knock nobody answers times out', async ({ browser }) => {
  // A server of its own: room tokens (--auth-secret), rooms start locked (--lock-rooms) and a
  // knock waits 8 s. Alice's token makes her a host (room-admin) that may only send video.
  const secret = randomBytes(32).toString('base64url')
  const [port] = await freePorts(1)
  const bin = new URL('../../signaling/dist/main.js', import.meta.url).pathname
  const server = new Child('token node', process.execPath, [
    bin, '--host', '127.0.0.1', '--port', String(port), '--static-dir', 'dist', '--auth-secret', secret, '--lock-rooms', '--knock-timeout-ms', '8000',
  ])
  const origin = `http://127.0.0.1:${port}`
  const room = uniqueRoom('token')
  const token = (identity: string, capabilities?: Parameters<typeof mintToken>[0]['capabilities']) =>
    mintToken({ room, identity, secret, ttlSeconds: 600, ...(capabilities === undefined ? {} : { capabilities }) })
  const pages: Participant[] = []
  try {
    await untilListening(port!, server)
    const [alice, bob] = await Promise.all([
      token('alice', ['publish-video', 'room-admin']).then((grant) => prejoin(browser, room, 'Alice', origin, grant)),
      token('bob').then((grant) => prejoin(browser, room, 'Bob', origin, grant)),
    ])
    pages.push(alice, bob)
    await alice.page.getByRole('button', { name: 'Join', exact: true }).click()
    await expect(alice.page.getByRole('heading', { name: `Room ${room}` })).toBeVisible()
    await expect(alice.page.locator('.locked-pill')).toHaveText('Locked')

    const controls = alice.page.getByRole('group', { name: 'Call controls' })
    const mute = controls.getByRole('button', { name: 'Mute', exact: true })
    await expect(mute).toBeDisabled()
    await expect(mute).toHaveAccessibleDescription('Your invitation to this room does not allow sending sound.')
    await expect(controls.getByRole('button', { name: 'Share screen' })).toBeDisabled()
    await expect(controls.getByRole('button', { name: 'Share screen' })).toHaveAttribute('title', 'Your invitation to this room does not allow sharing your screen.')
    await expect(controls.getByRole('button', { name: 'Camera off', exact: true })).toBeEnabled()
    await controls.getByRole('button', { name: 'Files', exact: true }).click()
    await expect(alice.page.getByRole('button', { name: 'Send file' })).toBeDisabled()
    await expect(alice.page.getByRole('button', { name: 'Send file' })).toHaveAccessibleDescription('Your invitation to this room does not allow sending files.')

    const requests = alice.page.getByRole('alertdialog')
    await knock(bob)
    await expect(requests).toContainText('Bob wants to join')
    await expect(bob.page.getByRole('alert')).toHaveText(`Nobody let you in to “${room}” in time. Try joining again later.`)
    await expect(bob.page.getByRole('button', { name: 'Join', exact: true })).toBeVisible()
    await expect(requests).toBeHidden()
    await expect(alice.page.locator('.notice')).toHaveText('Bob stopped waiting: nobody answered in time')
  } finally {
    for (const { context } of pages) await context.close()
    await server.stop()
  }
})

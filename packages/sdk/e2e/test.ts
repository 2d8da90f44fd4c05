import { writeFile } from 'node:fs/promises'
import { test as base, expect, type TestInfo } from '@playwright/test'
import { PAGE_URL_ENV } from './global-setup.js'
import { Participant } from './participant.js'
import { SignalingProcess, type SignalingOptions } from './signaling-process.js'
import { TurnProcess, type TurnOptions } from './turn-process.js'

export { expect }

// Written to the test's output directory (the list reporter would print a body inline, truncated).
async function attachFile(testInfo: TestInfo, name: string, body: string): Promise<void> {
  const path = testInfo.outputPath(name)
  await writeFile(path, body)
  await testInfo.attach(name, { path })
}

/** The page's console (SDK debug log) and every connection's state, for a failed test. */
async function attachDiagnostics(testInfo: TestInfo, participant: Participant): Promise<void> {
  await attachFile(testInfo, `console-${participant.name}.log`, participant.consoleLines.join('\n'))
  if (participant.page.isClosed()) return
  const state = await participant.page.evaluate(() => {
    // Absent when the harness (or the SDK in it) failed to load.
    const harness = window.peerlane as typeof window.peerlane | undefined
    if (!harness) return { harness: 'not loaded', cspViolations: window.cspViolations }
    const connections = Object.fromEntries(harness.peerIds().map((id) => [id, harness.describe(id)]))
    return { connections, events: harness.events, cspViolations: window.cspViolations }
  })
  await attachFile(testInfo, `state-${participant.name}.json`, JSON.stringify(state, null, 1))
}

interface Fixtures {
  /** Starts a signaling server process; every one started is stopped after the test. */
  signaling: (options?: SignalingOptions) => Promise<SignalingProcess>
  /** Opens the harness page in a new browser context (own fake camera); closed after the test. */
  participant: (name: string) => Promise<Participant>
  /** Starts a coturn on a free loopback port; stopped after the test. */
  turn: (options: TurnOptions) => Promise<TurnProcess>
  /** A room name no other test uses. */
  room: string
}

export const test = base.extend<Fixtures>({
  signaling: async ({}, use, testInfo) => {
    const started: SignalingProcess[] = []
    await use(async (options) => {
      const server = await SignalingProcess.start(options)
      started.push(server)
      return server
    })
    await Promise.all(started.map((server) => server.stop()))
    if (testInfo.status !== testInfo.expectedStatus) {
      for (const [i, server] of started.entries()) await attachFile(testInfo, `signaling-${i}.log`, server.log)
    }
  },

  participant: async ({ browser }, use, testInfo) => {
    const url = process.env[PAGE_URL_ENV]
    if (!url) throw new Error(`${PAGE_URL_ENV} is unset: is global-setup configured?`)
    const opened: Participant[] = []
    await use(async (name) => {
      const context = await browser.newContext({ permissions: ['camera', 'microphone'] })
      const participant = new Participant(name, context, await context.newPage())
      opened.push(participant)
      await participant.page.goto(url)
      await expect(participant.page.locator('#status')).toHaveText('ready')
      return participant
    })
    try {
      if (testInfo.status !== testInfo.expectedStatus) for (const participant of opened) await attachDiagnostics(testInfo, participant)
      // Every test runs under the strict CSP: any violation, or any uncaught page error, fails it.
      // (The CSP test provokes one on purpose, and clears it.)
      for (const participant of opened) {
        if (!participant.page.isClosed()) expect(await participant.cspViolations(), `CSP violations on ${participant.name}`).toEqual([])
        expect(participant.pageErrors.map(String), `page errors on ${participant.name}`).toEqual([])
      }
    } finally {
      await Promise.all(opened.map((participant) => participant.context.close()))
    }
  },

  turn: async ({}, use, testInfo) => {
    const started: TurnProcess[] = []
    await use(async (options) => {
      const turn = await TurnProcess.start(options)
      started.push(turn)
      return turn
    })
    if (testInfo.status !== testInfo.expectedStatus) {
      for (const [i, turn] of started.entries()) await attachFile(testInfo, `coturn-${i}.log`, turn.log)
    }
    await Promise.all(started.map((turn) => turn.stop()))
  },

  room: async ({}, use, testInfo) => {
    await use(`${testInfo.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}-${Date.now().toString(36)}`.toLowerCase())
  },
})

import { expect, type BrowserContext, type Page } from '@playwright/test'
import type { IceSummary, JoinSettings, LogEntry } from './fixtures/harness.js'

type EventOf<T extends LogEntry['type']> = Extract<LogEntry, { type: T }>

/** One browser context with the harness page open: a participant driving the built SDK. */
export class Participant {
  private id: string | undefined
  /** Uncaught exceptions on the page. */
  readonly pageErrors: Error[] = []
  /** The page's console, SDK debug log included. */
  readonly consoleLines: string[] = []

  constructor(
    readonly name: string,
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on('pageerror', (error) => this.pageErrors.push(error))
    page.on('console', (message) => this.consoleLines.push(`${new Date().toISOString().slice(11, 23)} ${message.type()} ${message.text()}`))
  }

  get peerId(): string {
    if (this.id === undefined) throw new Error(`${this.name} has not joined`)
    return this.id
  }

  async join(url: string, room: string, settings: JoinSettings = {}): Promise<string> {
    this.id = await this.page.evaluate(([url, room, settings]) => window.peerlane.join(url, room, settings), [url, room, { name: this.name, ...settings }] as const)
    return this.id
  }

  leave(): Promise<void> {
    return this.page.evaluate(() => window.peerlane.leave())
  }

  async events<T extends LogEntry['type']>(type: T): Promise<Array<EventOf<T>>> {
    const all = await this.page.evaluate(() => window.peerlane.events)
    return all.filter((entry): entry is EventOf<T> => entry.type === type)
  }

  /** `code: message` of every SDK error event so far, for `toEqual([])`. */
  async errors(): Promise<string[]> {
    return (await this.events('error')).map((e) => `${e.code}: ${e.message}`)
  }

  state(): Promise<string> {
    return this.page.evaluate(() => window.peerlane.state())
  }

  /** Sends one more video track to every peer (see the harness). */
  addVideoTrack(): Promise<string> {
    return this.page.evaluate(() => window.peerlane.addVideoTrack())
  }

  peerIds(): Promise<string[]> {
    return this.page.evaluate(() => window.peerlane.peerIds())
  }

  framesDecoded(from: Participant | string): Promise<number> {
    return this.page.evaluate((id) => window.peerlane.framesDecoded(id), typeof from === 'string' ? from : from.peerId)
  }

  framesDecodedByMid(from: Participant): Promise<Record<string, number>> {
    return this.page.evaluate((id) => window.peerlane.framesDecodedByMid(id), from.peerId)
  }

  receivingVideoMids(from: Participant): Promise<string[]> {
    return this.page.evaluate((id) => window.peerlane.receivingVideoMids(id), from.peerId)
  }

  negotiated(with_: Participant): Promise<boolean> {
    return this.page.evaluate((id) => window.peerlane.negotiated(id), with_.peerId)
  }

  ice(peer: Participant): Promise<IceSummary> {
    return this.page.evaluate((id) => window.peerlane.ice(id), peer.peerId)
  }

  safetyNumber(peer: Participant): Promise<{ code: string } | { error: string }> {
    return this.page.evaluate((id) => window.peerlane.safetyNumber(id), peer.peerId)
  }

  describe(peer: Participant): Promise<unknown> {
    return this.page.evaluate((id) => window.peerlane.describe(id), peer.peerId)
  }

  cspViolations(): Promise<Window['cspViolations']> {
    return this.page.evaluate(() => window.cspViolations)
  }
}

/** Waits for video from `sender` to be decoded on `receiver`: frames > 0, then still rising. */
export async function expectDecoding(receiver: Participant, sender: Participant | string, timeout = 20_000): Promise<void> {
  const label = `${receiver.name} decodes video from ${typeof sender === 'string' ? sender : sender.name}`
  await expect.poll(() => receiver.framesDecoded(sender), { message: label, timeout }).toBeGreaterThan(0)
  const seen = await receiver.framesDecoded(sender)
  await expect.poll(() => receiver.framesDecoded(sender), { message: `${label}, still`, timeout }).toBeGreaterThan(seen)
}

/** Joins `first` then `second` to `room` and waits until each decodes the other's video. */
export async function joinCall(url: string, room: string, first: Participant, second: Participant): Promise<void> {
  await first.join(url, room)
  await second.join(url, room)
  await expectDecoding(first, second)
  await expectDecoding(second, first)
}

/**
 * Waits until every video mid on which `sender` is negotiated to send to `receiver` has decoded
 * more frames than in `before` (mids new since then count from 0).
 */
export async function expectEveryVideoMidDecoding(
  receiver: Participant,
  sender: Participant,
  before: Record<string, number>,
  timeout = 15_000,
): Promise<void> {
  await expect
    .poll(
      async () => {
        const mids = await receiver.receivingVideoMids(sender)
        const now = await receiver.framesDecodedByMid(sender)
        return mids.filter((mid) => (now[mid] ?? 0) <= (before[mid] ?? 0))
      },
      { message: `${receiver.name}: video mids from ${sender.name} not decoding`, timeout },
    )
    .toEqual([])
}

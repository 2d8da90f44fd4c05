import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { connectionLog } from './connection-log.js'

function capture() {
  const lines: Record<string, unknown>[] = []
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) })
  let children = 0
  const child = logger.child.bind(logger)
  logger.child = ((...args: Parameters<typeof child>) => {
    children++
    return child(...args)
  }) as typeof logger.child
  return { logger, lines, children: () => children }
}

describe('connectionLog', () => {
  it('makes no child logger for lines below the level', () => {
    const { logger, lines, children } = capture()
    const log = connectionLog(logger, () => ({ remote: '127.0.0.1' }))
    log.debug({ detail: 1 }, 'not written')
    log.debug('nor this')
    expect(children()).toBe(0)
    expect(lines).toEqual([])
  })

  it('writes with the current bindings, and rebinding takes effect on the next line', () => {
    const { logger, lines, children } = capture()
    let bindings: Record<string, string> = { remote: '127.0.0.1' }
    const log = connectionLog(logger, () => bindings)
    log.info('connected')
    bindings = { remote: '127.0.0.1', room: 'r', peerId: 'p1' }
    // Still the first child until told: bindings are read when a child is made.
    log.info('still connected')
    log.rebind()
    log.warn({ reason: 'x' }, 'joined')
    expect(lines.map(({ msg, remote, room, peerId, reason }) => ({ msg, remote, room, peerId, reason }))).toEqual([
      { msg: 'connected', remote: '127.0.0.1', room: undefined, peerId: undefined, reason: undefined },
      { msg: 'still connected', remote: '127.0.0.1', room: undefined, peerId: undefined, reason: undefined },
      { msg: 'joined', remote: '127.0.0.1', room: 'r', peerId: 'p1', reason: 'x' },
    ])
    expect(children()).toBe(2)
  })
})

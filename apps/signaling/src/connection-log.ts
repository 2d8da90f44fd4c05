import type { Bindings, Logger } from 'pino'

type Level = 'debug' | 'info' | 'warn' | 'error'
type LogFn = (objOrMessage: object | string, message?: string) => void

/** A connection's logger, whose bindings (peer id, room) change as the connection joins and leaves. */
export interface ConnectionLog extends Record<Level, LogFn> {
  rebind(bindings: Bindings): void
}

/**
 * Makes the pino child only when a line is actually written at an enabled level. A child costs
 * about 1.5 KiB, two of them per connection were most of a joined peer's idle memory, and most
 * connections never log a line.
 */
export function connectionLog(parent: Logger, bindings: Bindings): ConnectionLog {
  let current = bindings
  let child: Logger | undefined
  const at =
    (level: Level): LogFn =>
    (objOrMessage, message) => {
      if (!parent.isLevelEnabled(level)) return
      child ??= parent.child(current)
      if (typeof objOrMessage === 'string') child[level](objOrMessage)
      else child[level](objOrMessage, message)
    }
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    rebind(next) {
      current = next
      child = undefined
    },
  }
}

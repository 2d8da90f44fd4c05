import type { Bindings, Logger } from 'pino'

type Level = 'debug' | 'info' | 'warn' | 'error'

/**
 * A connection's logger, whose bindings (peer id, room) change as the connection joins and
 * leaves. The pino child is made only when a line is actually written at an enabled level, from
 * the bindings as they are then: a child costs about 1.5 KiB, and most connections never log a
 * line. Methods live on the prototype, so an idle connection's logger is one small object.
 */
export class ConnectionLog {
  readonly #parent: Logger
  readonly #bindings: () => Bindings
  #child: Logger | undefined

  constructor(parent: Logger, bindings: () => Bindings) {
    this.#parent = parent
    this.#bindings = bindings
  }

  debug(objOrMessage: object | string, message?: string): void {
    this.#write('debug', objOrMessage, message)
  }

  info(objOrMessage: object | string, message?: string): void {
    this.#write('info', objOrMessage, message)
  }

  warn(objOrMessage: object | string, message?: string): void {
    this.#write('warn', objOrMessage, message)
  }

  error(objOrMessage: object | string, message?: string): void {
    this.#write('error', objOrMessage, message)
  }

  /** The bindings changed: the next line is written with them. */
  rebind(): void {
    this.#child = undefined
  }

  #write(level: Level, objOrMessage: object | string, message: string | undefined): void {
    if (!this.#parent.isLevelEnabled(level)) return
    const child = (this.#child ??= this.#parent.child(this.#bindings()))
    if (typeof objOrMessage === 'string') child[level](objOrMessage)
    else child[level](objOrMessage, message)
  }
}

export function connectionLog(parent: Logger, bindings: () => Bindings): ConnectionLog {
  return new ConnectionLog(parent, bindings)
}

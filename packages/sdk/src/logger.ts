export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

export interface Logger {
  debug(message: string, ...details: unknown[]): void
  info(message: string, ...details: unknown[]): void
  warn(message: string, ...details: unknown[]): void
  error(message: string, ...details: unknown[]): void
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 }

/** A console logger prefixed with `[peerlane:<name>]` that drops messages below `level`. */
export function createLogger(name: string, level: LogLevel = 'warn'): Logger {
  const at = (wanted: Exclude<LogLevel, 'silent'>) =>
    ORDER[wanted] >= ORDER[level]
      ? (message: string, ...details: unknown[]) => console[wanted](`[peerlane:${name}] ${message}`, ...details)
      : () => {}
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

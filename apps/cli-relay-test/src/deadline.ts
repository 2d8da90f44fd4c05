import { RelayTestError, err, ok, type Result } from './errors.js'

/** Resolves with `promise`'s value, or a `timeout` error after `ms`; the timer never outlives the race. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<Result<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const expired = new Promise<Result<T>>((resolve) => {
    timer = setTimeout(() => resolve(err(RelayTestError.timeout(what, ms))), ms)
  })
  try {
    return await Promise.race([promise.then(ok), expired])
  } finally {
    clearTimeout(timer)
  }
}

/** Polls `condition` every `everyMs` until it holds (true), it reports failure (a string), or `ms` pass. */
export function until(condition: () => boolean | string, ms: number, what: string, everyMs = 5): Promise<Result<true>> {
  const start = performance.now()
  return new Promise((resolve) => {
    const tick = (): void => {
      const state = condition()
      if (state === true) return resolve(ok(true))
      if (typeof state === 'string') return resolve(err(new RelayTestError('webrtc-failed', `${what}: ${state}`)))
      if (performance.now() - start >= ms) return resolve(err(RelayTestError.timeout(what, ms)))
      setTimeout(tick, everyMs)
    }
    tick()
  })
}

import { CSP } from './global-setup.js'
import { joinCall } from './participant.js'
import { expect, test } from './test.js'

test('the SDK calls under a strict CSP (no unsafe-eval): no violation, and eval is really blocked', async ({ signaling, participant, room }) => {
  const server = await signaling()
  const alice = await participant('alice')
  const bob = await participant('bob')

  const response = await alice.page.request.get(alice.page.url())
  expect(response.headers()['content-security-policy']).toBe(CSP)
  const harness = await alice.page.request.get(new URL('/harness.js', alice.page.url()).toString())
  expect(harness.headers()['content-security-policy']).toBe(CSP)

  await joinCall(server.url, room, alice, bob)
  // Signaling frames were decoded and validated on both pages without generating code.
  expect(await alice.cspViolations()).toEqual([])
  expect(await bob.cspViolations()).toEqual([])
  expect(await alice.errors()).toEqual([])
  expect(await bob.errors()).toEqual([])

  // The policy is in force and the watcher sees what it blocks: what the SDK must never need.
  // (From a timer: code run by page.evaluate itself is exempt from the page's CSP.)
  const attempts = await alice.page.evaluate(
    () =>
      new Promise<Record<string, string>>((resolve) =>
        setTimeout(() => {
          const outcome = (run: () => unknown): string => {
            try {
              run()
              return 'allowed'
            } catch (error) {
              return error instanceof Error ? error.name : String(error)
            }
          }
          resolve({ eval: outcome(() => eval('1 + 1')), newFunction: outcome(() => new Function('return 1')) })
        }),
      ),
  )
  expect(attempts).toEqual({ eval: 'EvalError', newFunction: 'EvalError' })
  await expect.poll(async () => (await alice.cspViolations()).map((v) => `${v.directive} ${v.blockedURI}`)).toEqual(['script-src eval', 'script-src eval'])
  await alice.page.evaluate(() => window.cspViolations.splice(0))
})

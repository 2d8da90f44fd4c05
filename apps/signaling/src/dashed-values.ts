import type { ParseArgsConfig } from 'node:util'

type Options = NonNullable<ParseArgsConfig['options']>

/**
 * parseArgs refuses `--flag <value>` when the value starts with a dash: a PEM ("-----BEGIN…"),
 * a secret, or a negative number would get "ambiguous" instead of the flag's own message. For
 * flags that take a value, such a pair is rewritten to `--flag=<value>`. A following long flag is
 * left alone, so a forgotten value is still reported rather than swallowing that flag.
 */
export function joinDashedValues(argv: readonly string[], options: Options): string[] {
  const args: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    const value = argv[i + 1]
    const takesValue = arg.startsWith('--') && !arg.includes('=') && options[arg.slice(2)]?.type === 'string'
    if (takesValue && value !== undefined && value.startsWith('-') && !isLongFlag(value)) {
      args.push(`${arg}=${value}`)
      i++
    } else {
      args.push(arg)
    }
  }
  return args
}

function isLongFlag(arg: string): boolean {
  return /^--[a-z][a-z-]*(=|$)/.test(arg) || arg === '-h'
}

#!/usr/bin/env node
// `pnpm bench`: Peerlane's benchmark suite. Runs inside the loopback-only namespace (see
// scripts/run-isolated.mjs); prints a markdown table and writes bench/results/latest.{json,md}.
// The resolve hook must be registered before any module that imports a dependency is linked.
import './lib/register.mjs'

await import('./lib/suite.mjs')

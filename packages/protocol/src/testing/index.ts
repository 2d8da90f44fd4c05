// `@peerlane/protocol/testing`: the generator of hostile signaling traffic that the server's fuzz
// test and `peerlane-relay-test fuzz` share. It needs fast-check (an optional peer dependency):
// only this entry imports it.
export {
  FUZZ_CATEGORIES,
  ANSWERED_CATEGORIES,
  DOCUMENTED_CLOSE_CODES,
  RFC6455_INVALID_PAYLOAD,
  generateCases,
  fuzzCaseArbitrary,
  categoryArbitrary,
  type FuzzCategory,
  type FuzzFrame,
  type FuzzCase,
  type FuzzCaseOptions,
  type GeneratedCase,
  type Expectation,
} from './fuzz-cases.js'

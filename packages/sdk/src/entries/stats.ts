/**
 * `@peerlane/sdk/stats`: call-quality numbers per peer, and a connection-quality level.
 * @module stats
 */
export { useStats, PeerStatsReader } from '../peer-stats.js'
export { summarizeStats, type DirectionStats, type PeerStats, type StatsSample, type VideoStreamStats } from '../stats.js'
export {
  useConnectionQuality,
  ConnectionQuality,
  ConnectionQualityClassifier,
  CONNECTION_QUALITY_THRESHOLDS,
  readConnectionSample,
  type ConnectionQualityEvent,
  type ConnectionQualityEvents,
  type ConnectionQualityLevel,
  type ConnectionQualityOptions,
  type ConnectionSample,
} from '../connection-quality.js'

/**
 * `@peerlane/sdk/video-quality`: the camera's bitrate/resolution presets and codec preference.
 * @module video-quality
 */
export { useVideoQuality, VideoQuality, type VideoQualityEvents } from '../video-quality.js'
export { QUALITY_PRESETS, presetForRoomSize, type EncodingLimits, type QualityPreset, type VideoCodecMimeType } from '../quality.js'

// Official TRM checkpoints (`step_N`, torch.save zip + pickle), read lazily and safely.
//   readTorchCheckpoint(source)             → keys, prefix, info(name), tensor(name), rows(name, ids), bytesRead
//   inferTrmConfig(info, yamlText, task?)   → TrmConfig (+ needsConfirmation when all_config.yaml is absent)
//   loadOfficialBundle(source, options)     → ModelBundle with only the puzzle rows asked for
// Node-only file access lives in ./node-source (openFileSource), not re-exported here.
export { readTorchCheckpoint, OFFICIAL_PREFIXES, type TorchCheckpoint, type TensorInfo, type OfficialPrefix } from './checkpoint';
export { inferTrmConfig, MAX_CONFIG_YAML_CHARS, TASK_PRESETS, type InferredConfig, type TensorShapes } from './config-infer';
export { loadOfficialBundle, MAX_WHOLE_PUZZLE_TABLE_ROWS, type OfficialBundle, type OfficialBundleOptions } from './official-bundle';
export { bytesSource, blobSource, trackReads, toByteSource, type ByteSource, type SourceLike, type TrackedSource } from './byte-source';
export { CheckpointError, CheckpointContentError, ZipFormatError, PickleFormatError, ForbiddenGlobalError, boundedMessage } from './errors';
export type { TorchDType } from './dtypes';

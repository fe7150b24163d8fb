// Every failure while opening an official checkpoint is one of these, so callers (UI, CLI, tests) can tell
// "this file is not a usable checkpoint" apart from bugs, and show the message as is.

/** Base class: the file is not a checkpoint we can read. The message names the problem and, where there is one, the remedy. */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

/** The zip container is malformed, truncated, or uses a feature we do not read. */
export class ZipFormatError extends CheckpointError {
  constructor(message: string) {
    super(message);
    this.name = 'ZipFormatError';
  }
}

/** The pickle (`data.pkl`) is malformed, truncated or exceeds a safety bound. */
export class PickleFormatError extends CheckpointError {
  constructor(message: string) {
    super(message);
    this.name = 'PickleFormatError';
  }
}

/** The pickle asks for a Python global outside the small allow-list (code execution attempt or a foreign format). */
export class ForbiddenGlobalError extends PickleFormatError {
  constructor(
    readonly global: string,
    detail = '',
  ) {
    super(
      `The checkpoint's pickle asks for the Python global "${global}", which is not allowed: only ` +
        `collections.OrderedDict, torch._utils._rebuild_tensor_v2 / _rebuild_parameter and torch storage types are ` +
        `accepted in a state_dict checkpoint${detail ? ` (${detail})` : ''}. The file is not a plain torch.save(state_dict) ` +
        `and will not be executed.`,
    );
    this.name = 'ForbiddenGlobalError';
  }
}

/** The state_dict was read but its tensors are not what a TRM checkpoint holds (missing keys, wrong shapes, bad storage). */
export class CheckpointContentError extends CheckpointError {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointContentError';
  }
}


export { boundedMessage } from '../../untrusted';

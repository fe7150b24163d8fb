/** A puzzle the user typed, pasted or loaded cannot be read; the message names the problem and where it is. */
export class TaskInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TaskInputError';
  }
}

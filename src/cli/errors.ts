/** A problem with how the tool was called or with a rule file: exit code 2, message on stderr. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

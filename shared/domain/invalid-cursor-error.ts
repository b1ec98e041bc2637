import type { DescribedFailure, Failure } from './failure';
export class InvalidCursorError extends Error implements DescribedFailure {
  constructor() {
    super('the pagination cursor is not one this API issued');
    this.name = 'InvalidCursorError';
  }

  failure(): Failure {
    return { code: 'invalid_cursor', message: this.message };
  }
}

export class InvalidCursorError extends Error {
  constructor() {
    super('the pagination cursor is not one this API issued');
    this.name = 'InvalidCursorError';
  }
}

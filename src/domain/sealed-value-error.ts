/**
 * A sealed value could not be opened where it was found: it was moved from another row or
 * column, or its bytes were changed, or the key that sealed it is gone. The dashboard answers
 * 409 (`status`, `type` are read by the HTTP error handlers) and the chat a kind message.
 */
export class SealedValueError extends Error {
  readonly status = 409;
  readonly type = 'sealed.mismatch';
  constructor(
    readonly table: string,
    readonly column: string,
    readonly rowId: string,
    reason: string,
  ) {
    super(`${table}.${column} of ${rowId} cannot be opened: ${reason}`);
  }
}

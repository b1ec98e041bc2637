/**
 * The table actions each function may use: exactly what its code sends (no scan, no table-level action, no batch
 * write). The stack grants these, and an integration test runs the functions' table code on dynalite behind a fake
 * IAM that refuses anything else, as AWS would (dynalite itself checks no permission).
 */
export const TABLE_ACTIONS = {
  // BatchGetItem: a year of the logbook reads the chain entries its index points at, a hundred at a time.
  api: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'],
  // DeleteItem: the collector settles delivered notifications by deleting their queue entries.
  collector: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'],
  runner: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'],
  // Snapshots, the streamed state and the history, as the collector writes them (without its notifications).
  streamRecorder: ['GetItem', 'Query', 'PutItem', 'UpdateItem'],
} as const satisfies Record<string, readonly string[]>;

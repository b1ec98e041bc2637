import { describe, expect, it } from '@jest/globals';
import { sortableId } from '../../../shared/domain/sortable-id';

describe('sortableId', () => {
  it('sorts in creation order and never repeats', () => {
    const ids = Array.from({ length: 2000 }, () => sortableId());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

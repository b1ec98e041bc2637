import { describe, expect, it } from '@jest/globals';
import { HOURS_PER_MONTH, RECEIVER_PRICES, receiverMonthlyCost, totalUsd } from '../../../infra/bench/receiver-cost';

describe('the streaming receiver’s monthly AWS cost', () => {
  it('is mostly fixed: the instance, its public IPv4 address and its disk, whatever the cars stream', () => {
    const idle = receiverMonthlyCost(0);
    const fixed = idle.slice(0, 3).reduce((sum, l) => sum + l.usd, 0);
    expect(fixed).toBeCloseTo(HOURS_PER_MONTH * (RECEIVER_PRICES.instancePerHour + RECEIVER_PRICES.publicIpv4PerHour) + 8 * RECEIVER_PRICES.gp3PerGbMonth, 6);
    expect(fixed).toBeCloseTo(7.36, 2);
    // A busy month of two cars (~50,000 records) adds cents, not dollars.
    expect(totalUsd(receiverMonthlyCost(50_000)) - totalUsd(idle)).toBeLessThan(0.5);
  });

  it('counts a send per record and a receive and a delete per batch of ten', () => {
    const sqs = receiverMonthlyCost(1_000).find((l) => l.item.startsWith('SQS'))!;
    expect(sqs.item).toContain('1,200 requests');
  });
});

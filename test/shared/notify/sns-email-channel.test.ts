import { describe, expect, it } from '@jest/globals';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { SnsEmailChannel } from '../../../shared/notify/sns-email-channel';

describe('e-mail through SNS', () => {
  it('publishes the title as the subject and the message with its data, loading the SDK only when sending', async () => {
    const sns = mockClient(SNSClient);
    sns.on(PublishCommand).resolves({ MessageId: 'm1' });
    let made = 0;
    const channel = new SnsEmailChannel((m) => (made++, new m.SNSClient({})), 'arn:aws:sns:eu-west-1:1:notify');
    expect(made).toBe(0);
    await channel.send(
      { id: 'x', kind: 'charging_complete', vin: 'V', at: 0, title: 'Model 3: charging complete', message: 'Charged to 80 %.', data: { batteryLevel: 80 } },
      Date.now() + 4_000,
    );
    await channel.send({ id: 'y', kind: 'test', vin: null, at: 0, title: 't'.repeat(200), message: 'm', data: {} }, Date.now() + 4_000);
    expect(made).toBe(1);
    const [first, second] = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(first).toMatchObject({ TopicArn: 'arn:aws:sns:eu-west-1:1:notify', Subject: 'Model 3: charging complete' });
    expect(first!.Message).toContain('"batteryLevel": 80');
    expect(second!.Subject).toHaveLength(99); // SNS subjects are at most 100 characters
  });

  it('fails the delivery when SNS refuses, so it is retried later', async () => {
    mockClient(SNSClient).on(PublishCommand).rejects(new Error('throttled'));
    await expect(
      new SnsEmailChannel((m) => new m.SNSClient({}), 'arn').send(
        { id: 'x', kind: 'test', vin: null, at: 0, title: 't', message: 'm', data: {} },
        Date.now() + 1_000,
      ),
    ).rejects.toThrow('throttled');
  });
});

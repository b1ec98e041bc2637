import * as z from 'zod';
import { lazily } from '../../domain/lazily';
import { NOTIFICATION_KINDS, type NotificationConfig, type NotificationKind } from '../../domain/notifications/notification';
import { newWebhookSecret } from '../../notify/webhook-channel';
import { checkTargetUrl } from '../../notify/outbound-guard';
import { ApiError, badRequest } from '../api-error';
import { callerOf } from '../api-caller';
import type { ApiDeps } from '../api-deps';
import { jsonObjectBody, validate } from '../request-input';
import { json } from '../responses';
import type { Route } from '../router';

/** `PUT /notifications`: the whole setup; a channel left out (or null) is switched off. */
export const notificationConfigSchema = lazily(() => {
  const events = z
    .array(z.enum(NOTIFICATION_KINDS.filter((k) => k !== 'test') as [string, ...string[]]))
    .min(1)
    .max(NOTIFICATION_KINDS.length)
    .optional();
  const httpUrl = z.url({ protocol: /^https?$/ }).max(2048);
  return z.strictObject({
    webhook: z.strictObject({ url: httpUrl, events, rotateSecret: z.boolean().optional() }).nullable().optional(),
    ntfy: z
      .strictObject({
        server: httpUrl.default('https://ntfy.sh'),
        topic: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and -, at most 64'),
        token: z.string().min(1).max(256).optional(),
        events,
      })
      .nullable()
      .optional(),
    email: z.strictObject({ events }).nullable().optional(),
    unlockedMinutes: z
      .int()
      .min(1)
      .max(24 * 60)
      .optional(),
  });
});

/**
 * `/notifications`: where the owner says which events go to which channel (a signed webhook, an ntfy topic, e-mail),
 * tries them out, and sees what was delivered. The webhook's signing secret is shown once, when it is made.
 */
export function notificationRoutes(deps: ApiDeps): Route[] {
  return [
    getRoute(deps),
    putRoute(deps),
    {
      method: 'POST',
      path: '/notifications/test',
      handle: async () => json(200, { results: await notificationsOf(deps).notifier.test() }),
    },
  ];
}

/** GET /notifications */
function getRoute(deps: ApiDeps): Route {
  return {
    method: 'GET',
    path: '/notifications',
    handle: async ({ event }) => {
      // A webhook URL often carries its own secret (Home Assistant's webhook id), and knowing an ntfy topic is
      // enough to read it: only the owner's token sees them.
      const caller = callerOf(event);
      if (caller.role !== 'owner') throw new ApiError(403, 'forbidden_for_token', `the read-only token '${caller.name}' may not see the notification channels`);
      const { outbox, emailAvailable } = notificationsOf(deps);
      const deliveries = await outbox.recent(20);
      return json(200, {
        config: redacted(await outbox.getConfig()),
        emailAvailable,
        recent: deliveries.map((d) => ({
          id: d.notification.id,
          kind: d.notification.kind,
          title: d.notification.title,
          at: new Date(d.notification.at).toISOString(),
          channel: d.channel,
          status: d.status,
          attempts: d.attempts,
          lastError: d.lastError,
        })),
      });
    },
  };
}

/** PUT /notifications */
function putRoute(deps: ApiDeps): Route {
  return {
    method: 'PUT',
    path: '/notifications',
    handle: async ({ event }) => {
      const { outbox, emailAvailable } = notificationsOf(deps);
      const input = validate(notificationConfigSchema(), jsonObjectBody(event), 'invalid_notifications');
      // Refused here with the reason, and checked again at every send (a name may resolve elsewhere later).
      const target = (field: string, url: string): void => {
        try {
          checkTargetUrl(url, deps.notifications!.policy);
        } catch (error) {
          throw badRequest('invalid_notifications', `${field}: ${error instanceof Error ? error.message : 'not allowed'}`);
        }
      };
      if (input.webhook) target('webhook.url', input.webhook.url);
      if (input.ntfy) target('ntfy.server', input.ntfy.server);
      if (input.email && !emailAvailable)
        throw badRequest('invalid_notifications', 'email: e-mail needs the stack deployed with notifyEmail (see docs/automations-and-notifications.md)');
      const previous = (await outbox.getConfig()) ?? {};
      const config: NotificationConfig = {};
      let shownSecret: string | null = null;
      const kinds = (list: string[] | undefined) => (list ? { events: list as NotificationKind[] } : {});
      if (input.webhook) {
        const keep = !input.webhook.rotateSecret && previous.webhook?.url === input.webhook.url;
        const secret = keep ? previous.webhook!.secret : (shownSecret = newWebhookSecret());
        config.webhook = { url: input.webhook.url, secret, ...kinds(input.webhook.events) };
      }
      if (input.ntfy)
        config.ntfy = {
          server: input.ntfy.server,
          topic: input.ntfy.topic,
          ...(input.ntfy.token ? { token: input.ntfy.token } : {}),
          ...kinds(input.ntfy.events),
        };
      if (input.email) config.email = kinds(input.email.events);
      if (input.unlockedMinutes !== undefined) config.unlockedMinutes = input.unlockedMinutes;
      await outbox.putConfig(config);
      const view = redacted(config)!;
      if (shownSecret !== null) (view.webhook as Record<string, unknown>).secret = shownSecret;
      return json(200, {
        config: view,
        ...(shownSecret !== null ? { note: 'webhook.secret is shown only now: the receiver checks x-tesla-logger-signature with it' } : {}),
      });
    },
  };
}

/** The settings without secrets: the webhook's signing secret and the ntfy token are never shown again. */
function redacted(config: NotificationConfig | null): Record<string, unknown> | null {
  if (config === null) return null;
  return {
    ...config,
    ...(config.webhook ? { webhook: { ...config.webhook, secret: '(set; shown once when made)' } } : {}),
    ...(config.ntfy ? { ntfy: { ...config.ntfy, ...(config.ntfy.token ? { token: '(set)' } : {}) } } : {}),
  };
}

function notificationsOf(deps: ApiDeps): NonNullable<ApiDeps['notifications']> {
  if (!deps.notifications) throw new ApiError(501, 'notifications_unavailable', 'notifications are not set up in this deployment');
  return deps.notifications;
}

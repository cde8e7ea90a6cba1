// Delivers the bot's `send` and `card.update` effects to DingTalk (called by the outbox).
// Cards: the generic card-platform template when configured (clickable, updated in place), else the markdown
// fallback. Texts and fallback messages: the message's sessionWebhook while it is valid, else the OpenAPI.
import { createHash, randomUUID } from 'node:crypto';
import type { Card } from '../../cards/card.js';
import type { OutboundMessage, Target } from '../bot/effects.js';
import type { SessionWebhook } from '../bot/inbound.js';
import { ExternalError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../clock.js';
import type { OpenApiClient } from './openapi.js';
import { renderFallbackMarkdown, renderTemplateParams, webhookBody, type RobotMessage } from './render.js';

/** Dependencies of the messenger. */
export interface MessengerOptions {
  openapi: Pick<OpenApiClient, 'sendToUsers' | 'sendToGroup' | 'sendBySessionWebhook' | 'createAndDeliverCard' | 'updateCard'>;
  /** DINGTALK_CARD_TEMPLATE_ID; unset = markdown fallback. */
  templateId?: string;
  robotCode: string;
  clock: Pick<Clock, 'now'>;
  logger?: Logger;
  /** A sessionWebhook is not used this close to its expiry (clock skew, time in the outbox queue). */
  webhookMarginMs?: number;
}

/** A `send` effect (the outbox job payload), plus the job key. */
export interface SendInput {
  to: Target;
  message: OutboundMessage;
  sessionWebhook?: SessionWebhook;
  /** The outbox job key: makes the outTrackId of a card without a cardId stable across retries. */
  key?: string;
}

/** A `card.update` effect. */
export interface CardUpdateInput {
  cardId: string;
  card: Card;
  to: Target;
}

/** Creates the messenger; both methods throw ExternalError (retryable or not) for the outbox to judge. */
export function createMessenger(options: MessengerOptions) {
  const { openapi, templateId, clock } = options;
  const marginMs = options.webhookMarginMs ?? 2 * 60_000;

  async function sendRobot(to: Target, message: RobotMessage, webhook?: SessionWebhook, atUserIds: string[] = []): Promise<void> {
    if (webhook && webhook.expiresAt - marginMs > clock.now()) {
      try {
        await openapi.sendBySessionWebhook(webhook.url, webhookBody(message, to.kind === 'group' ? atUserIds : []));
        return;
      } catch (error) {
        // The expired-session answer is undocumented; any failure falls back to the OpenAPI.
        options.logger?.warn({ err: error }, 'sessionWebhook send failed; using the OpenAPI');
      }
    }
    if (to.kind === 'group') {
      await openapi.sendToGroup(to.conversationId, message.msgKey, message.msgParam);
      return;
    }
    const result = await openapi.sendToUsers([to.userId], message.msgKey, message.msgParam);
    if (result.flowControlled.includes(to.userId)) {
      // A 200 that skipped this user: DingTalk throttles per user; the outbox tries again later.
      throw new ExternalError('dingtalk', `DingTalk flow-controlled the message to ${to.userId}`, {
        code: 'flowControlled',
        retryable: true,
      });
    }
    if (result.invalid.includes(to.userId)) {
      throw new ExternalError('dingtalk', `DingTalk does not know user ${to.userId}`, { code: 'invalidStaffId', retryable: false });
    }
  }

  async function createCard(to: Target, card: Card, outTrackId: string, template: string): Promise<{ alreadyExisted: boolean }> {
    return openapi.createAndDeliverCard({
      outTrackId,
      templateId: template,
      cardParamMap: renderTemplateParams(card),
      openSpaceId: to.kind === 'user' ? `dtv1.card//IM_ROBOT.${to.userId}` : `dtv1.card//IM_GROUP.${to.conversationId}`,
      robotCode: options.robotCode,
      callbackType: 'STREAM',
    });
  }

  return {
    /** Sends the text (if any), then the card (if any). */
    async send(input: SendInput): Promise<void> {
      const { to, message, sessionWebhook } = input;
      const at = message.atUserIds ?? [];
      if (message.text !== undefined && message.text !== '') {
        const content =
          to.kind === 'group' && at.length > 0 && sessionWebhook ? `${at.map((id) => `@${id}`).join(' ')} ${message.text}` : message.text;
        await sendRobot(to, { msgKey: 'sampleText', msgParam: { content } }, sessionWebhook, at);
      }
      if (!message.card) return;
      if (templateId) {
        const outTrackId =
          message.cardId ?? (input.key ? `yc-${createHash('sha256').update(input.key).digest('hex').slice(0, 32)}` : `yc-${randomUUID()}`);
        await createCard(to, message.card, outTrackId, templateId);
      } else {
        await sendRobot(to, renderFallbackMarkdown(message.card), sessionWebhook, at);
      }
    },

    /** Updates a card in place; without a template (or if the card never arrived) it is sent anew. */
    async updateCard(input: CardUpdateInput): Promise<void> {
      if (!templateId) {
        await sendRobot(input.to, renderFallbackMarkdown(input.card));
        return;
      }
      try {
        await openapi.updateCard(input.cardId, renderTemplateParams(input.card));
      } catch (error) {
        if (!(error instanceof ExternalError && error.code === 'param.cardNotExist')) throw error;
        // E.g. the card was first sent as a fallback message before the template was configured, or its creation is
        // still queued (another instance, the rate limit) while this update came first: the card is created with the
        // update's content. If its creation got in between, the update is made again, so it is never lost.
        const created = await createCard(input.to, input.card, input.cardId, templateId);
        if (created.alreadyExisted) await openapi.updateCard(input.cardId, renderTemplateParams(input.card));
      }
    },
  };
}

/** The messenger's methods. */
export type Messenger = ReturnType<typeof createMessenger>;

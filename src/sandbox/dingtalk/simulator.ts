// startDingTalkSimulator: wires the HTTP routes, the Stream hub and the test/web-chat controls together.
import type { AddressInfo } from 'node:net';
import { clickCard } from './card-click.js';
import { cardRoutes } from './card-routes.js';
import { Faults } from './faults.js';
import { FileStore } from './files.js';
import { eventHeaders, TOPIC_ROBOT } from './frames.js';
import { gatewayRoutes, TicketBook } from './gateway.js';
import { singleConversationId } from './ids.js';
import { robotMessageData } from './inject.js';
import { SlidingWindowLimiter } from './limiter.js';
import { AuthCodes, oapiRoutes } from './oapi-routes.js';
import { WorkNotices, workNoticeRoutes } from './work-notice-routes.js';
import { createOrgIndex } from './org.js';
import { Recorder } from './recorder.js';
import { robotRoutes, type SentMessage } from './robot-routes.js';
import { createSimHttpServer } from './server.js';
import { SessionBook, sessionRoutes } from './session-webhooks.js';
import { resolveSimConfig } from './sim-config.js';
import { StreamHub } from './stream-hub.js';
import { TokenBook, tokenRoutes } from './tokens.js';
import type { DingTalkSimulator, SimCard, SimOptions } from './types.js';

/** Starts a DingTalk stand-in on 127.0.0.1 (api.dingtalk.com and oapi.dingtalk.com paths on one port). */
export async function startDingTalkSimulator(options: SimOptions = {}): Promise<DingTalkSimulator> {
  const config = resolveSimConfig(options);
  const recorder = new Recorder(config.recordLimit);
  const faults = new Faults();
  const limiter = new SlidingWindowLimiter(config.qps);
  const tokens = new TokenBook(config);
  const tickets = new TicketBook(config);
  const files = new FileStore();
  const sessions = new SessionBook(config);
  const codes = new AuthCodes(config);
  const org = createOrgIndex(config.org);
  const cards = new Map<string, SimCard>();
  const sent = new Map<string, SentMessage>();
  const groupsSeen = new Map<string, Set<string>>();
  const groupMembers = (id: string): string[] | undefined => {
    const known = org.group(id)?.members;
    const seen = groupsSeen.get(id);
    return known || seen ? [...new Set([...(known ?? []), ...(seen ?? [])])] : undefined;
  };
  let baseUrl = '';
  const hub = new StreamHub(config, recorder, tickets, faults);
  const server = createSimHttpServer({
    config,
    recorder,
    faults,
    limiter,
    tokens,
    files,
    routes: {
      ...gatewayRoutes(config, tickets, () => `${baseUrl.replace(/^http/, 'ws')}/connect`),
      ...tokenRoutes(config, tokens),
      ...robotRoutes({ config, recorder, faults, org, files, sent, groupMembers, baseUrl: () => baseUrl }),
      ...cardRoutes({ config, recorder, org, cards, groupMembers }),
      ...oapiRoutes(config, org, codes),
      ...workNoticeRoutes(config, org, new WorkNotices(config, org), recorder),
      ...sessionRoutes(config, sessions, recorder),
    },
  });
  server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  config.log(`DingTalk simulator listening on ${baseUrl}`);

  return {
    baseUrl,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    robotCode: config.robotCode,
    corpId: config.corpId,
    org: config.org,
    events: recorder.events,
    calls: recorder.calls,
    acks: recorder.acks,
    frames: recorder.frames,
    cards,

    injectMessage(input) {
      const { data, msgId, conversationId } = robotMessageData({ config, org, files, sessions, baseUrl }, input);
      if (input.conversation?.type === 'group') {
        groupsSeen.set(conversationId, (groupsSeen.get(conversationId) ?? new Set()).add(input.userId));
        // Groups deliver only messages that @ the robot.
        if (input.conversation.atBot === false) return { msgId, messageId: '', conversationId };
      }
      const delivery = hub.push({ type: 'CALLBACK', topic: TOPIC_ROBOT, data, redeliver: true, queueWhenOffline: true });
      return { msgId, messageId: delivery.messageIds[0] as string, conversationId };
    },
    clickCard: (input) => clickCard({ config, recorder, hub, cards, groupMembers }, input),
    pushEvent(eventType, data) {
      const extraHeaders = eventHeaders(eventType, config.corpId, config.appId, config.now());
      const delivery = hub.push({ type: 'EVENT', topic: '*', data, extraHeaders, redeliver: true, queueWhenOffline: true });
      return { messageId: delivery.messageIds[0] as string };
    },
    pushRaw: (text) => hub.sendRaw(text),
    redeliver(messageId, opts) {
      const delivery = hub.deliveries.find(messageId);
      if (!delivery) throw new Error(`no pushed frame with messageId ${messageId}`);
      hub.deliveries.repush(delivery, opts?.sameMessageId ?? false);
    },
    botOutput(filter = {}) {
      return recorder.outputs.filter((entry) => {
        if (filter.conversationId && entry.conversationId !== filter.conversationId) return false;
        if (filter.userId) {
          return (entry.userIds?.includes(filter.userId) ?? false) || entry.conversationId === singleConversationId(filter.userId);
        }
        return true;
      });
    },
    gatewayOpens: () => tickets.opens,
    connectionCount: () => hub.connectionCount(),
    registerFile: (bytes, fileName) => files.register(bytes, fileName),
    mintAuthCode: (userId) => codes.mint(userId),
    deliveryCounts(match = () => true, via = 'oToMessages') {
      const counts = new Map<string, number>();
      for (const output of recorder.outputs) {
        if (output.via !== via || !match(output.content)) continue;
        for (const userId of output.userIds ?? []) counts.set(userId, (counts.get(userId) ?? 0) + 1);
      }
      return counts;
    },
    sentKeys: () => [...sent].filter(([, m]) => m.kind === 'oto').map(([key]) => key),
    markRead(processQueryKey, userIds) {
      const message = sent.get(processQueryKey);
      if (!message) throw new Error(`no sent message with processQueryKey ${processQueryKey}`);
      for (const userId of userIds) message.readAt.set(userId, config.now());
    },
    cutSockets: () => hub.cutSockets(),
    sendDisconnect: (opts) => hub.sendDisconnect(opts?.closeAfterMs),
    silence: (on) => hub.silence(on),
    failNext: (n, failure) => faults.failNext(n, failure),
    flowControl: (userIds, times) => faults.flowControl(userIds, times),
    setQps: (qps) => limiter.setQps(qps),
    expireSessionWebhooks: () => sessions.expireAll(),
    expireTokens: () => tokens.expireAll(),
    async close() {
      hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      recorder.events.removeAllListeners();
    },
  };
}

// A user clicking a card button (§4b): the Stream callback frame, the 2-second wait, the response as an update.
import { applyCardUpdate, isError, parseOpenSpaceId, readParamMap, type OpenSpace } from './card-model.js';
import { emitCard } from './card-routes.js';
import { TOPIC_CARD } from './frames.js';
import { asRecord, parseJsonObject } from './http.js';
import { singleConversationId } from './ids.js';
import type { Recorder } from './recorder.js';
import type { SimConfig } from './sim-config.js';
import type { StreamHub } from './stream-hub.js';
import type { ClickInput, ClickResult, SimCard } from './types.js';

export interface ClickDeps {
  config: SimConfig;
  recorder: Recorder;
  hub: StreamHub;
  cards: Map<string, SimCard>;
  groupMembers: (openConversationId: string) => string[] | undefined;
}

/** Clicks a button; only cards created with callbackType "STREAM" call the bot back. */
export async function clickCard(deps: ClickDeps, input: ClickInput): Promise<ClickResult> {
  const card = deps.cards.get(input.outTrackId);
  if (!card) throw new Error(`no card with outTrackId ${input.outTrackId}`);
  const space = spaceOf(deps, card, input.userId);
  if (!space) throw new Error(`card ${input.outTrackId} was not delivered where ${input.userId} can see it`);
  if (card.callbackType !== 'STREAM') return { acked: false, timedOut: false, delivered: false };
  const content = JSON.stringify({ cardPrivateData: { actionIds: [input.actionId ?? 'sim_button'], params: input.params } });
  const data = {
    extension: '{}',
    corpId: deps.config.corpId,
    spaceType: 'im',
    userIdType: 1,
    type: 'actionCallback',
    userId: input.userId,
    content,
    spaceId: space.spaceType === 'IM_ROBOT' ? singleConversationId(space.spaceId) : space.spaceId,
    outTrackId: card.outTrackId,
    value: content,
  };
  // A click is not queued or re-pushed: without an answer in time DingTalk shows the user an error toast.
  const delivery = deps.hub.push({ type: 'CALLBACK', topic: TOPIC_CARD, data, redeliver: false, queueWhenOffline: false });
  const ack = await deps.hub.deliveries.waitForAck(delivery, deps.config.cardCallbackTimeoutMs);
  if (!ack) return { acked: false, timedOut: true, delivered: true };
  const response = readResponse(ack.data);
  if (response) applyResponse(deps, card, input.userId, response);
  return { acked: true, response, timedOut: false, delivered: true };
}

function spaceOf(deps: ClickDeps, card: SimCard, userId: string): OpenSpace | undefined {
  const spaces = card.openSpaceIds.map((id) => parseOpenSpaceId(id)?.[0]).filter((s): s is OpenSpace => !!s);
  return (
    spaces.find((s) => s.spaceType === 'IM_ROBOT' && s.spaceId === userId) ??
    spaces.find((s) => s.spaceType !== 'IM_ROBOT' && (deps.groupMembers(s.spaceId)?.includes(userId) ?? false))
  );
}

/** `{"response": …}` from the ACK; SDKs may pass the response as an object or as a JSON string. */
function readResponse(data: unknown): Record<string, unknown> | undefined {
  const response = asRecord(data).response;
  if (typeof response === 'string') return parseJsonObject(response);
  return response !== null && typeof response === 'object' ? (response as Record<string, unknown>) : undefined;
}

/** The callback response is a card update; `userPrivateData` belongs to the clicking user. */
function applyResponse(deps: ClickDeps, card: SimCard, userId: string, response: Record<string, unknown>): void {
  const cardData = readParamMap(response.cardData, deps.config.cardValueMaxBytes);
  const mine = readParamMap(response.userPrivateData, deps.config.cardValueMaxBytes);
  if (isError(cardData) || isError(mine)) {
    deps.config.log(`card callback response ignored: ${isError(cardData) ? cardData.error : (mine as { error: string }).error}`);
    return;
  }
  if (!cardData && !mine) return;
  const options = asRecord(response.cardUpdateOptions);
  applyCardUpdate(card, {
    cardData,
    privateData: mine ? { [userId]: mine } : undefined,
    byKey: options.updateCardDataByKey === true,
    privateByKey: options.updatePrivateDataByKey === true,
  });
  emitCard(deps, card, 'card.update');
}

// Card-platform OpenAPI (§4b): create, deliver, createAndDeliver, update, streaming.
import {
  applyCardUpdate,
  formatOpenSpace,
  isError,
  parseOpenSpaceId,
  readParamMap,
  readPrivateData,
  type OpenSpace,
} from './card-model.js';
import { apiError, asRecord, ok, str, type Route, type SimResponse } from './http.js';
import { processQueryKey, singleConversationId } from './ids.js';
import type { OrgIndex } from './org.js';
import type { Recorder } from './recorder.js';
import type { SimConfig } from './sim-config.js';
import type { BotOutputVia, SimCard } from './types.js';

export interface CardDeps {
  config: SimConfig;
  recorder: Recorder;
  org: OrgIndex;
  cards: Map<string, SimCard>;
  groupMembers: (openConversationId: string) => string[] | undefined;
}

const bad = (code: string, message: string) => apiError(400, code, message);

/** Validates a create body; the new card or an error response. */
function readCreate(deps: CardDeps, body: Record<string, unknown>): SimCard | SimResponse {
  const outTrackId = str(body.outTrackId);
  if (!outTrackId) return bad('param.outTrackIdEmpty', 'outTrackId 不能为空');
  const templateId = str(body.cardTemplateId);
  if (!templateId || !deps.config.cardTemplateIds.has(templateId))
    return bad('param.templateNotExist', `卡片模板不存在：${String(templateId)}`);
  if (deps.cards.has(outTrackId)) return bad('param.cardAlreadyExist', `卡片已存在：${outTrackId}`);
  const cardData = readParamMap(body.cardData, deps.config.cardValueMaxBytes);
  const privateData = readPrivateData(body.privateData, deps.config.cardValueMaxBytes);
  // Undocumented code for a malformed cardParamMap (non-string value, over 1 KB): a guess.
  if (isError(cardData)) return bad('param.cardParamMapInvalid', cardData.error);
  if (isError(privateData)) return bad('param.cardParamMapInvalid', privateData.error);
  if (!cardData && !privateData) return bad('param.cardDataAndPrivateDataBothEmpty', 'cardData 和 privateData 不能同时为空');
  return {
    outTrackId,
    templateId,
    cardData: cardData ?? {},
    privateData: privateData ?? {},
    openSpaceIds: [],
    // Only the exact upper-case "STREAM" gets Stream callbacks; anything else silently gets none.
    callbackType: str(body.callbackType),
    version: 1,
    history: [{ ...(cardData ?? {}) }],
  };
}

interface DeliverPlan {
  spaces: OpenSpace[];
  robotModel: Record<string, unknown>;
  groupModel: Record<string, unknown>;
}

function readDeliver(body: Record<string, unknown>): DeliverPlan | SimResponse {
  const spaces = parseOpenSpaceId(body.openSpaceId);
  if (!spaces) return bad('param.openSpaceIdInvalid', `openSpaceId 不合法：${String(body.openSpaceId)}`);
  const robotModel = asRecord(body.imRobotOpenDeliverModel);
  const groupModel = asRecord(body.imGroupOpenDeliverModel);
  if (spaces.some((s) => s.spaceType === 'IM_ROBOT') && body.imRobotOpenDeliverModel === undefined) {
    return bad('param.openDeliverModelEmpty', 'imRobotOpenDeliverModel 不能为空');
  }
  if (spaces.some((s) => s.spaceType === 'IM_GROUP') && body.imGroupOpenDeliverModel === undefined) {
    return bad('param.openDeliverModelEmpty', 'imGroupOpenDeliverModel 不能为空');
  }
  return { spaces, robotModel, groupModel };
}

/** Delivers to each space; a space that cannot receive the card fails alone (the call is still 200). */
function deliver(deps: CardDeps, card: SimCard, plan: DeliverPlan) {
  return plan.spaces.map((space) => {
    const problem = spaceProblem(deps, space, plan);
    const result = {
      spaceType: space.spaceType,
      spaceId: space.spaceId,
      success: !problem,
      carrierId: problem ? '' : processQueryKey(),
      errorMsg: problem ?? '',
    };
    if (!problem) {
      const openSpaceId = formatOpenSpace(space);
      if (!card.openSpaceIds.includes(openSpaceId)) card.openSpaceIds.push(openSpaceId);
      emitCard(deps, card, 'card.create', [space]);
    }
    return result;
  });
}

function spaceProblem(deps: CardDeps, space: OpenSpace, plan: DeliverPlan): string | undefined {
  if (space.spaceType === 'IM_ROBOT') {
    if (plan.robotModel.robotCode !== undefined && plan.robotModel.robotCode !== deps.config.robotCode) return 'robotCode 无效';
    // $:LWCP… ids are encrypted senderIds, never userIds.
    return deps.org.user(space.spaceId) ? undefined : `用户不存在：${space.spaceId}`;
  }
  if (space.spaceType === 'IM_GROUP') {
    if (plan.groupModel.robotCode !== deps.config.robotCode) return 'robotCode 无效';
    return deps.groupMembers(space.spaceId) ? undefined : '机器人不在该群或群不存在';
  }
  return undefined;
}

/** Emits one bot-output per space the card lives in. */
export function emitCard(deps: Pick<CardDeps, 'config' | 'recorder'>, card: SimCard, via: BotOutputVia, spaces?: OpenSpace[]): void {
  const targets = spaces ?? card.openSpaceIds.map((id) => parseOpenSpaceId(id)?.[0]).filter((s): s is OpenSpace => !!s);
  for (const space of targets) {
    const single = space.spaceType === 'IM_ROBOT';
    deps.recorder.output({
      at: deps.config.now(),
      via,
      outTrackId: card.outTrackId,
      conversationId: single ? singleConversationId(space.spaceId) : space.spaceId,
      userIds: single ? [space.spaceId] : undefined,
      content: {
        templateId: card.templateId,
        cardData: { ...card.cardData },
        privateData: structuredClone(card.privateData),
        version: card.version,
      },
    });
  }
}

/** The card routes. */
export function cardRoutes(deps: CardDeps): Record<string, Route> {
  const { cards, config } = deps;
  const isResponse = (value: object): value is SimResponse => 'status' in value && 'body' in value;
  const existing = (body: Record<string, unknown>): SimCard | SimResponse => {
    const outTrackId = str(body.outTrackId);
    if (!outTrackId) return bad('param.outTrackIdEmpty', 'outTrackId 不能为空');
    return cards.get(outTrackId) ?? bad('param.cardNotExist', `卡片不存在：${outTrackId}`);
  };
  return {
    'POST /v1.0/card/instances': {
      auth: 'header',
      handle: (req) => {
        const card = readCreate(deps, asRecord(req.body));
        if (isResponse(card)) return card;
        cards.set(card.outTrackId, card);
        return ok({ success: true, result: card.outTrackId });
      },
    },
    'POST /v1.0/card/instances/deliver': {
      auth: 'header',
      handle: (req) => {
        const body = asRecord(req.body);
        const card = existing(body);
        if (isResponse(card)) return card;
        const plan = readDeliver(body);
        if (isResponse(plan)) return plan;
        return ok({ success: true, result: deliver(deps, card, plan) });
      },
    },
    'POST /v1.0/card/instances/createAndDeliver': {
      auth: 'header',
      handle: (req) => {
        const body = asRecord(req.body);
        const card = readCreate(deps, body);
        if (isResponse(card)) return card;
        const plan = readDeliver(body);
        if (isResponse(plan)) return plan;
        cards.set(card.outTrackId, card);
        return ok({ success: true, result: { outTrackId: card.outTrackId, deliverResults: deliver(deps, card, plan) } });
      },
    },
    'PUT /v1.0/card/instances': {
      auth: 'header',
      handle: (req) => {
        const body = asRecord(req.body);
        const card = existing(body);
        if (isResponse(card)) return card;
        const cardData = readParamMap(body.cardData, config.cardValueMaxBytes);
        const privateData = readPrivateData(body.privateData, config.cardValueMaxBytes);
        if (isError(cardData)) return bad('param.cardParamMapInvalid', cardData.error);
        if (isError(privateData)) return bad('param.cardParamMapInvalid', privateData.error);
        if (!cardData && !privateData) return bad('param.cardDataAndPrivateDataBothEmpty', 'cardData 和 privateData 不能同时为空');
        for (const userId of Object.keys(privateData ?? {})) {
          if (!deps.org.user(userId)) return bad('param.userIdNotExist', `用户不存在：${userId}`);
        }
        const options = asRecord(body.cardUpdateOptions);
        applyCardUpdate(card, {
          cardData,
          privateData,
          byKey: options.updateCardDataByKey === true,
          privateByKey: options.updatePrivateDataByKey === true,
        });
        emitCard(deps, card, 'card.update');
        return ok({ success: true, result: true });
      },
    },
    'PUT /v1.0/card/streaming': {
      auth: 'header',
      handle: (req) => {
        const body = asRecord(req.body);
        const card = cards.get(str(body.outTrackId) ?? '');
        if (!card) return bad('param.cardNotExist', '卡片不存在');
        const key = str(body.key);
        if (!key || typeof body.content !== 'string' || !str(body.guid)) return bad('param.error', 'key、content、guid 不能为空');
        const value = body.isFull === true ? body.content : (card.cardData[key] ?? '') + body.content;
        applyCardUpdate(card, { cardData: { [key]: value }, byKey: true, privateByKey: true });
        emitCard(deps, card, 'card.update');
        return ok({ success: true, result: true });
      },
    },
  };
}

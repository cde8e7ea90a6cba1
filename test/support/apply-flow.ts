// Getting an application into the bot the way a person does it (typing and clicking through the DingTalk
// simulator, as in test/e2e/journey.test.ts), and talking back the way the back office does (signed webhooks).
import type { BackofficeEvent } from '../../src/backoffice/protocol.js';
import { signedHeaders } from '../../src/backoffice/signature.js';
import { BACKOFFICE_SECRET } from './harness.js';
import type { SimPlayer } from './sim-player.js';

/** citizen-zhang's 居民身份证号 in config/sandbox (the e-licence prefill and identity check accept it). */
export const ZHANG_ID_CARD = '330106198503122031';
/** citizen-li's 居民身份证号 in config/sandbox. */
export const LI_ID_CARD = '330102199007181533';

/** 住房公积金提取 (one department, gjj) up to the 核对信息 card, as citizen-zhang; nothing is submitted yet. */
export async function fillHousingFund(player: SimPlayer, amount = '12000'): Promise<void> {
  await player.say('我要办 公积金提取');
  await player.click('同意调取');
  await player.say(ZHANG_ID_CARD);
  await player.click('租赁自住住房');
  await player.say(amount);
  await player.say('6222021234567890128');
  await player.say('13800000001');
  for (let i = 0; i < 8 && !player.card().title.includes('核对信息'); i += 1) await player.click('不提供');
  if (!player.card().title.includes('核对信息')) throw new Error(`expected the review card, got "${player.card().title}"`);
}

/** Files a 住房公积金提取 application as citizen-zhang; returns its id (YC…), read from the application card. */
export async function fileHousingFund(player: SimPlayer, amount?: string): Promise<string> {
  await fillHousingFund(player, amount);
  await player.click('提交');
  return applicationIdOf(player);
}

/** Files a 个体工商户设立登记 application (two departments, scjg and sw) as citizen-li; returns its id. */
export async function fileIndividualBusiness(player: SimPlayer): Promise<string> {
  await player.say('我要办 个体工商户');
  await player.click('同意调取');
  await player.say(LI_ID_CARD);
  await player.click('跳过');
  await player.say('小吃服务；日用百货销售');
  await player.say('杭州市西湖区文三路100号');
  await player.say('13800000002');
  await player.click('承诺后补（容缺）');
  await player.click('提交');
  return applicationIdOf(player);
}

function applicationIdOf(player: SimPlayer): string {
  const title = player.card().title;
  const match = /^办件 (YC\d{8}-\d{4})$/.exec(title);
  if (!match) throw new Error(`expected the application card after 提交, got "${title}"`);
  return match[1]!;
}

/** A status event with defaults for what a test does not care about. */
export function statusEvent(
  input: Partial<BackofficeEvent> & Pick<BackofficeEvent, 'eventId' | 'applicationId' | 'status'>,
): BackofficeEvent {
  return { at: new Date().toISOString(), ...input } as BackofficeEvent;
}

export interface SignedPost {
  /** Raw body to send; an object is JSON-encoded. */
  body: string | object;
  secret?: string;
  /** Unix ms put in X-Yiciban-Timestamp (default now). */
  timestamp?: number;
  /** Replaces the computed signature header. */
  signature?: string;
}

/** POSTs `body` to the bot's webhook, signed like the back office does (or forged, per the options). */
export async function postWebhook(appUrl: string, post: SignedPost): Promise<{ status: number; body: unknown }> {
  const raw = typeof post.body === 'string' ? post.body : JSON.stringify(post.body);
  const headers = signedHeaders(post.secret ?? BACKOFFICE_SECRET, post.timestamp ?? Date.now(), raw);
  if (post.signature !== undefined) headers['X-Yiciban-Signature'] = post.signature;
  const response = await fetch(`${appUrl}/webhooks/backoffice`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: raw,
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body };
}

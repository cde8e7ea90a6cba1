// Shared by the apply conversation tests (apply-*.test.ts): the e-licence table where 张三 holds only an ID card, and
// the stored dialog of a user.
import type { DialogEnvelope } from '../../src/bot/dialog.js';
import type { ApplyDraft } from '../../handlers/apply/draft.js';
import { type BotHarness, SAMPLE_LICENCES, tableLicences, USERS } from '../support/bot-harness.js';

export const ZHAO_USCC = '91330106MA27WX5B3W';
export const onlyIdCard = () =>
  tableLicences({
    [USERS.zhang.idCard]: SAMPLE_LICENCES[USERS.zhang.idCard]!.filter((l) => l.type === '居民身份证'),
    [ZHAO_USCC]: SAMPLE_LICENCES[ZHAO_USCC]!,
    [USERS.zhao.idCard]: SAMPLE_LICENCES[USERS.zhao.idCard]!,
  });

/** The apply dialog stored for `user`: its step, draft and card. */
export async function readDialog(h: BotHarness, user: keyof typeof USERS) {
  const record = await h.store.getDialog(`user:${USERS[user].userId}`);
  return (
    record && {
      step: record.step,
      draft: (record.data as DialogEnvelope<ApplyDraft>).state,
      cardId: (record.data as DialogEnvelope<ApplyDraft>).cardId,
    }
  );
}

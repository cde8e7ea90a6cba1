// 我要办 / 立即申请: the apply dialog. A field at a time (第 2/6 项), then a material at a time, then the
// review, on one form card updated in place (with a card template; the markdown fallback posts each step);
// 上一步, 跳过 and 取消 at any step; e-licence prefill with one consent click; 提交 checks completeness and
// tells every missing item at once, in a message of its own (submit.ts).
import {
  APPLY_BACK,
  APPLY_CANCEL,
  APPLY_CHOOSE,
  APPLY_CONSENT,
  APPLY_DECLINE,
  APPLY_EDIT,
  APPLY_EDIT_MENU,
  APPLY_KEEP,
  APPLY_LATER,
  APPLY_PROMISE,
  APPLY_REVIEW,
  APPLY_SKIP,
  APPLY_SUBMIT,
} from '../../cards/apply-actions.js';
import { closedFormCard } from '../../cards/closed-form-card.js';
import { consentCard } from '../../cards/consent-card.js';
import { editMenuCard } from '../../cards/review-card.js';
import { reviewEntries } from '../../src/domain/review.js';
import {
  complete,
  defineDialog,
  show,
  skip,
  type DialogCommand,
  type DialogInput,
  type DialogTurn,
  type StepResult,
} from '../../src/bot/dialog.js';
import { validateAnswer } from '../../src/domain/answers.js';
import { chinaDay } from '../../src/domain/holiday-calendar.js';
import { decidingFields } from '../../src/domain/situations.js';
import type { Matter } from '../../src/domain/types.js';
import { showCurrent } from './cards.js';
import { followTemplate } from './migrate.js';
import {
  advance,
  answer,
  applyLicences,
  back,
  holderFields,
  jumpTo,
  needsConsent,
  newDraft,
  planFor,
  positionOf,
  supply,
  type ApplyDraft,
} from './draft.js';
import { submitDraft } from './submit.js';
import { isGlobalCommand } from '../commands.js';
import { companyAccess, isOwnIdCard, refusalText, rememberIdentity } from '../company-access.js';

type Step = (
  draft: ApplyDraft,
  input: DialogInput,
  turn: DialogTurn,
  matter: Matter,
) => StepResult<ApplyDraft> | Promise<StepResult<ApplyDraft>>;

export const applyDialog = defineDialog<ApplyDraft, [Matter]>({
  id: 'apply',
  version: 1,
  ttl: { hours: 24 },
  inPlace: true,
  subjectOf: (draft) => applySubject(draft.matterId),
  keyFor: (owner) => applyKey(owner),
  start: (turn, matter) => {
    const name = turn.event?.sender.name ?? '';
    const conversation = turn.event?.conversation.type === 'single' ? turn.event.conversation.id : undefined;
    const draft = newDraft(matter, { userId: turn.owner, name }, conversation);
    if (needsConsent(matter)) return show('consent', draft, consentCard(matter, holderFields(matter)[0]!.label));
    return showCurrent(draft, matter);
  },
  steps: {
    consent: {
      [APPLY_CONSENT]: withMatter((draft, _input, _turn, matter) => {
        const next = { ...draft, consent: true, plan: planFor(matter, true), cursor: 0 };
        return showCurrent(next, matter, { notice: `好的，请先填写${holderFields(matter)[0]!.label}，我会据此调取您的电子证照。` });
      }),
      [APPLY_DECLINE]: withMatter((draft, _input, _turn, matter) =>
        showCurrent({ ...draft, consent: false, plan: planFor(matter, false), cursor: 0 }, matter, {
          notice: '好的，请逐项填写，材料请拍照或以文件上传。',
        }),
      ),
      [APPLY_CANCEL]: cancel,
      answer: typed(
        withMatter((draft, _input, _turn, matter) => show('consent', draft, consentCard(matter, holderFields(matter)[0]!.label))),
      ),
    },
    field: {
      answer: typed(
        withMatter((draft, input, turn, matter) => {
          if (input.kind === 'text' && input.text.trim() === '' && input.attachments.length > 0) {
            return showCurrent(draft, matter, { error: '这一项请直接回复文字，材料会在填写完信息后再上传' });
          }
          return answerField(draft, input.kind === 'text' ? input.text : '', turn, matter);
        }),
      ),
      [APPLY_CHOOSE]: withMatter((draft, input, turn, matter) =>
        answerField(draft, input.kind === 'action' ? (input.params.value ?? '') : '', turn, matter),
      ),
      [APPLY_KEEP]: withMatter((draft, _input, _turn, matter) => {
        const position = positionOf(draft, matter);
        const kept = position.kind === 'field' && Boolean(draft.fields[position.field.key]);
        return kept ? showCurrent(advance(draft, matter), matter) : showCurrent(draft, matter, { error: '这一项还没有填写，请先填写' });
      }),
      [APPLY_SKIP]: withMatter((draft, _input, _turn, matter) => {
        const position = positionOf(draft, matter);
        if (position.kind !== 'field') return showCurrent(draft, matter);
        if (position.field.required) return showCurrent(draft, matter, { error: `「${position.field.label}」为必填项，不能跳过` });
        return showCurrent(advance(answer(draft, matter, position.field.key, ''), matter), matter);
      }),
      [APPLY_BACK]: withMatter(goBack),
      [APPLY_CANCEL]: cancel,
    },
    material: {
      answer: typed(withMatter((draft, input, _turn, matter) => answerMaterial(draft, input, matter))),
      [APPLY_PROMISE]: withMatter((draft, _input, turn, matter) => {
        const position = positionOf(draft, matter);
        if (position.kind !== 'material') return showCurrent(draft, matter);
        const { material } = position;
        if (!material.tolerance) return showCurrent(draft, matter, { error: `${material.name}不支持容缺受理，请上传` });
        const promise = { id: material.id, name: material.name, source: 'promised' as const, ref: `promise:${turn.ctx.seed}` };
        return showCurrent(advance(supply(draft, material.id, promise), matter), matter, {
          notice: `已记录您的承诺：受理后补交${material.name}。`,
        });
      }),
      [APPLY_LATER]: withMatter((draft, _input, _turn, matter) => {
        const position = positionOf(draft, matter);
        const next = position.kind === 'material' ? supply(draft, position.material.id, undefined) : draft;
        return showCurrent(advance(next, matter), matter);
      }),
      [APPLY_KEEP]: withMatter((draft, _input, _turn, matter) => showCurrent(advance(draft, matter), matter)),
      [APPLY_BACK]: withMatter(goBack),
      [APPLY_CANCEL]: cancel,
    },
    review: {
      [APPLY_SUBMIT]: withMatter((draft, _input, turn, matter) => submitDraft(draft, matter, turn)),
      [APPLY_EDIT_MENU]: withMatter((draft, input, _turn, matter) => {
        const page = input.kind === 'action' ? Number(input.params.page ?? '1') || 1 : 1;
        return show('review', draft, editMenuCard(reviewInput(draft, matter), page));
      }),
      [APPLY_EDIT]: withMatter((draft, input, _turn, matter) => {
        const params = input.kind === 'action' ? input.params : {};
        const items = reviewEntries(matter, draft.fields);
        const target = params.target ?? items.find((item) => String(item.index) === params.index)?.target;
        const next = target ? jumpTo(draft, target, matter) : undefined;
        if (!next)
          return showCurrent({ ...draft, cursor: draft.plan.length }, matter, {
            error: `没有这一项，请回复 1 到 ${items.length} 之间的序号`,
          });
        return showCurrent(next, matter);
      }),
      [APPLY_REVIEW]: withMatter((draft, _input, _turn, matter) =>
        showCurrent({ ...draft, cursor: draft.plan.length, editing: false }, matter),
      ),
      [APPLY_CANCEL]: cancel,
      answer: typed(
        withMatter((draft, _input, _turn, matter) =>
          showCurrent(draft, matter, { notice: '请点击“提交”确认；如需修改，点击“修改”或回复“修改 序号”。' }),
        ),
      ),
    },
  },
  commands: applyCommand,
});

/** The dialog's store key: one application at a time per person, always in the one-to-one chat. */
export function applyKey(userId: string): string {
  return `user:${userId}`;
}

/** What an apply dialog is about (DialogRecord.subject): its matter, so the drafts of a matter can be found. */
export function applySubject(matterId: string): string {
  return `matter:${matterId}`;
}

const COMMANDS: [RegExp, (match: RegExpExecArray) => DialogCommand][] = [
  [/^(取消|取消办理|退出)$/u, () => ({ action: APPLY_CANCEL })],
  [/^(上一步|返回上一步)$/u, () => ({ action: APPLY_BACK })],
  [/^跳过$/u, () => ({ action: APPLY_SKIP })],
  [/^(保持不变|保持)$/u, () => ({ action: APPLY_KEEP })],
  [/^(同意|同意调取)$/u, () => ({ action: APPLY_CONSENT })],
  [/^(不同意|不同意调取)$/u, () => ({ action: APPLY_DECLINE })],
  [/^(承诺后补|容缺)$/u, () => ({ action: APPLY_PROMISE })],
  [/^(暂不上传|稍后上传|不提供)$/u, () => ({ action: APPLY_LATER })],
  [/^(提交|确认提交)$/u, () => ({ action: APPLY_SUBMIT })],
  [/^修改$/u, () => ({ action: APPLY_EDIT_MENU, params: { page: '1' } })],
  [/^修改\s*第?(\d+)项?$/u, (m) => ({ action: APPLY_EDIT, params: { index: m[1] ?? '' } })],
  [/^返回核对$/u, () => ({ action: APPLY_REVIEW })],
];

function applyCommand(text: string): DialogCommand | undefined {
  for (const [pattern, command] of COMMANDS) {
    const match = pattern.exec(text);
    if (match) return command(match);
  }
  return undefined;
}

async function answerField(draft: ApplyDraft, raw: string, turn: DialogTurn, matter: Matter): Promise<StepResult<ApplyDraft>> {
  const position = positionOf(draft, matter);
  if (position.kind !== 'field') return showCurrent(draft, matter);
  const today = chinaDay(turn.ctx.now);
  const checked = validateAnswer(position.field, raw, { today });
  if (!checked.ok) return showCurrent(draft, matter, { error: checked.reason });
  let next = answer(draft, matter, position.field.key, checked.value);
  // A new situation (情形) while editing from the review: walk on through what it newly asks, then the review.
  const resume = draft.editing && decidingFields(matter).includes(position.field) && draft.fields[position.field.key] !== checked.value;
  if (resume) next = { ...next, editing: false };
  let notice: string | undefined;
  if (draft.consent && checked.value && holderFields(matter).includes(position.field)) {
    ({ draft: next, notice } = await prefill(next, checked.value, position.field.type === 'idcard', turn, matter));
  }
  // advance() also steps over whatever the lookup just filled.
  return showCurrent(advance(next, matter, { skipAnswered: resume }), matter, notice ? { notice } : {});
}

async function prefill(
  draft: ApplyDraft,
  holderId: string,
  isPerson: boolean,
  turn: DialogTurn,
  matter: Matter,
): Promise<{ draft: ApplyDraft; notice: string }> {
  // A company's licences only for its legal representative or an authorised agent (company-access.ts).
  let right: string | undefined;
  if (!isPerson) {
    const access = await companyAccess(turn.ctx, draft.applicant.userId, holderId);
    if (access.status === 'unavailable') return { draft, notice: '电子证照服务暂不可用，请上传相关材料，不影响继续办理。' };
    if (access.status === 'refused') return { draft, notice: refusalText(access.reason, draft.applicant.userId) };
    right = access.status === 'agent' ? `经授权经办人 ${draft.applicant.userId} 调取` : `法定代表人本人调取`;
  }
  const lookup = await turn.ctx.lookupLicences(holderId);
  if (lookup.status === 'unavailable') return { draft, notice: '电子证照服务暂不可用，请上传相关材料，不影响继续办理。' };
  const licences = lookup.status === 'found' ? lookup.licences : [];
  // A person may only fetch their own licences: the ID card under that number must carry the applicant's
  // DingTalk name (other licences of the holder, e.g. a child's birth certificate, then go with it).
  const name = draft.applicant.name;
  const idCard = licences.find((l) => l.type === '居民身份证');
  if (isPerson && name && licences.length > 0 && idCard?.holderName !== name) {
    return { draft, notice: '查到的证照持有人与您的钉钉实名不一致，未调取。请自行填写和上传。' };
  }
  // The check passed: this is the applicant's own ID number (what makes a legal representative known).
  if (isPerson && idCard && isOwnIdCard(licences, name)) rememberIdentity(turn.ctx, draft.applicant.userId, name, holderId);
  const { draft: filled, filled: names } = applyLicences(draft, matter, licences, chinaDay(turn.ctx.now), right);
  if (names.length === 0) return { draft: filled, notice: '未查到可用的电子证照，请自行填写和上传。' };
  return { draft: filled, notice: `已从电子证照库调取并填写：${names.join('、')}（每项注明来源，可在核对时修改）。` };
}

function answerMaterial(draft: ApplyDraft, input: DialogInput, matter: Matter): StepResult<ApplyDraft> {
  const position = positionOf(draft, matter);
  if (position.kind !== 'material') return showCurrent(draft, matter);
  const files = input.kind === 'text' ? input.attachments.filter((a) => a.kind === 'picture' || a.kind === 'file') : [];
  if (files.length === 0) {
    return showCurrent(draft, matter, { error: `请直接发送${position.material.name}的照片或文件；暂时没有可点击“暂不上传”` });
  }
  const { material } = position;
  // A photo has no file name in DingTalk: it is named after the material (居民身份证照片2).
  const names = files.map(
    (f, i) => f.fileName ?? `${material.name}${f.kind === 'picture' ? '照片' : '文件'}${files.length > 1 ? i + 1 : ''}`,
  );
  const submission = {
    id: material.id,
    name: material.name,
    source: 'upload' as const,
    ref: files.map((f) => f.downloadCode).join(','),
    fileName: names.join('、'),
  };
  return showCurrent(advance(supply(draft, material.id, submission), matter), matter, {
    notice: `已收到${material.name}（${files.length}个文件）。`,
  });
}

function goBack(draft: ApplyDraft, _input: DialogInput, _turn: DialogTurn, matter: Matter): StepResult<ApplyDraft> {
  return showCurrent(back(draft, matter), matter, draft.cursor === 0 ? { notice: '已经是第一项了。' } : {});
}

function cancel(draft: ApplyDraft, _input: DialogInput, turn: DialogTurn): StepResult<ApplyDraft> {
  const name = turn.ctx.services.catalogue.at(draft.matterId, draft.matterVersion)?.name ?? '本事项';
  const text = `已取消「${name}」的办理，填写的内容没有保存。需要时发送“我要办 ${name}”重新开始。`;
  turn.tell(text);
  return complete(closedFormCard(name, '已取消', text));
}

// Typed text that is a global command ("我的办件", "帮助" …) is not an answer: let the features have it.
function typed(
  step: (draft: ApplyDraft, input: DialogInput, turn: DialogTurn) => StepResult<ApplyDraft> | Promise<StepResult<ApplyDraft>>,
) {
  return (draft: ApplyDraft, input: DialogInput, turn: DialogTurn) => {
    if (input.kind === 'text' && input.attachments.length === 0 && isGlobalCommand(input.text)) return skip<ApplyDraft>();
    if (input.kind === 'text' && turn.event?.kind === 'message' && turn.event.conversation.type === 'single') {
      draft = {
        ...draft,
        conversationId: turn.event.conversation.id,
        applicant: { ...draft.applicant, name: draft.applicant.name || turn.event.sender.name },
      };
    }
    return step(draft, input, turn);
  };
}

// Every step needs the matter. A retired matter ends the draft; a newly published version moves it (the person
// is told once, on the card of the first thing to answer again, and this input is not applied). Both are
// normally done at once when the admin publishes or retires (template-change.ts); this covers an input that
// came first.
function withMatter(step: Step) {
  return (draft: ApplyDraft, input: DialogInput, turn: DialogTurn) => {
    const matter = turn.ctx.matter(draft.matterId);
    if (!matter || matter.version !== draft.matterVersion) return followTemplate(draft, turn, { tellMoves: false });
    return step(draft, input, turn, matter);
  };
}

function reviewInput(draft: ApplyDraft, matter: Matter) {
  return { matter, fields: draft.fields, sources: draft.sources, materials: draft.materials };
}

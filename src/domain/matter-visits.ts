// The 最多跑一次 visit count of a matter, per situation (情形): on-site steps that apply, and a paper result
// that can only be picked up at the window.
import { applicableOnSiteSteps, situationsOf, type Answers } from './situations.js';
import type { Matter, VisitCount } from './types.js';

/** Every trip the applicant must make in person in the situation of `answers` (more than one: refused at load/publish). */
export function visitReasons(matter: Matter, answers: Answers = {}): string[] {
  // Materials are always uploadable or fetched as e-licences in this model; paper originals are onSiteSteps.
  const reasons = applicableOnSiteSteps(matter, answers).map((step) => `需到现场一次：${step}`);
  const remoteDelivery = matter.delivery.includes('elicence') || matter.delivery.includes('mail');
  if (!remoteDelivery) reasons.push('领取纸质证照需到窗口一次');
  return reasons;
}

/**
 * 零上门 (0) or 最多跑一次 (1) with the reason: for the situation of `answers`, or without answers the most
 * of any situation. Throws for a template needing more (the loader and publishing refuse those).
 */
export function visitCount(matter: Matter, answers?: Answers): VisitCount {
  const reasons = answers ? visitReasons(matter, answers) : worstReasons(matter);
  const [first] = reasons;
  if (first === undefined) return { visits: 0, reason: '全程网上办理，材料在线提交或调取电子证照，结果电子送达或邮寄，零上门' };
  if (reasons.length === 1) return { visits: 1, reason: first };
  throw new Error(`事项 ${matter.id} 需跑动 ${reasons.length} 次，不符合“最多跑一次”`);
}

/** The visit count of each situation, with its label ('' when the matter has no situations). */
export function visitsBySituation(matter: Matter): { label: string; visit: VisitCount }[] {
  return situationsOf(matter).map((s) => ({ label: s.label, visit: visitCount(matter, s.answers) }));
}

function worstReasons(matter: Matter): string[] {
  return situationsOf(matter)
    .map((s) => visitReasons(matter, s.answers))
    .reduce((worst, reasons) => (reasons.length > worst.length ? reasons : worst), [] as string[]);
}

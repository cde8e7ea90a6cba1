// An admin published a new version of a matter, or retired it, while people were filling in its form: each of them
// is told at once, not at their next step. The publish commits a `matter.changed` timer with the template records
// (src/templates/matter-admin.ts), due at once; it is one event per matter and version, so a redelivered publish or a
// job run twice tells nobody twice, and a draft already on the current version is passed over.
import { stepDialog } from '../../src/bot/dialog-engine.js';
import { onTimer } from '../../src/bot/router.js';
import { MATTER_CHANGED_TIMER } from '../../src/templates/matter-admin.js';
import { applyDialog, applySubject } from './apply.js';
import { followTemplate } from './migrate.js';

/** Moves (or closes) every open draft of the matter named in the timer, telling each applicant once. */
export const templateChange = onTimer(MATTER_CHANGED_TIMER, async (ctx, payload) => {
  const matterId = (payload as { matterId?: unknown } | undefined)?.matterId;
  if (typeof matterId !== 'string') return void ctx.log.warn({ payload }, 'matter.changed timer without a matter id');
  for (const record of await ctx.findDialogs(applySubject(matterId))) {
    await stepDialog(ctx, applyDialog, record.key, (draft, turn) => followTemplate(draft, turn, { tellMoves: true }));
  }
});

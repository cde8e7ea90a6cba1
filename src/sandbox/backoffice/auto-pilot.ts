// The simulated back office working on its own (sandbox mode): it accepts each submission after a pause,
// lets every department approve one after another, then completes and delivers an e-licence.
import type { CaseChange, CaseBook } from './case-book.js';

export interface AutoTiming {
  acceptAfterMs: number;
  decideAfterMs: number;
}

export interface AutoPilotDeps {
  book: CaseBook;
  /** Records the decision at once and queues its webhook (with retries), in order per application. */
  act: (applicationId: string, change: CaseChange) => Promise<unknown>;
  /** Runs `task` after `ms` unless the simulator closes first. */
  later: (ms: number, task: () => Promise<unknown>) => void;
  licence: (applicationId: string) => CaseChange['result'];
}

/** Reacts to submissions and supplements; every step re-checks the case, so manual decisions take precedence. */
export function createAutoPilot(timing: AutoTiming, deps: AutoPilotDeps) {
  const { book, act, later } = deps;

  async function accept(id: string): Promise<void> {
    if (book.get(id)?.status !== 'received') return;
    await act(id, { status: 'accepted', comment: '材料齐全，予以受理' });
    scheduleDecisions(id);
  }

  function scheduleDecisions(id: string): void {
    const waiting = book.get(id)?.departments.filter((d) => d.status === 'pending') ?? [];
    waiting.forEach((department, index) => later(timing.decideAfterMs * (index + 1), () => decide(id, department.id)));
  }

  async function decide(id: string, departmentId: string): Promise<void> {
    const c = book.get(id);
    const department = c?.departments.find((d) => d.id === departmentId);
    if (!c || !department || department.status !== 'pending' || !['accepted', 'in_review'].includes(c.status)) return;
    // `act` records at once and queues the webhook, so the last approval is seen here exactly once.
    const steps = [act(id, { status: 'department_approved', department: departmentId, comment: '审查通过' })];
    if (book.get(id)?.status === 'approved') {
      steps.push(act(id, { status: 'completed', comment: '准予许可' }), act(id, { status: 'delivered', result: deps.licence(id) }));
    }
    await Promise.all(steps);
  }

  return {
    submitted(id: string): void {
      later(timing.acceptAfterMs, () => accept(id));
    },
    supplemented(id: string): void {
      if (book.get(id)?.accepted) later(timing.decideAfterMs, async () => scheduleDecisions(id));
      else later(timing.acceptAfterMs, () => accept(id));
    },
  };
}

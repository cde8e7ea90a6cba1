// The simulated back office's own record of each application (its 办件 ledger): what it received and
// what it decided, department by department. Independent of the bot's state, as a real back office is.
import type { BackofficeStatus, SubmissionBody } from '../../backoffice/protocol.js';
import type { DeliveryResult, MissingItem } from '../../domain/types.js';

export type CaseStatus =
  | 'received'
  | 'accepted'
  | 'not_accepted'
  | 'supplement_required'
  | 'in_review'
  | 'approved'
  | 'rejected'
  | 'delivered'
  | 'withdrawn';

export interface SimDepartment {
  id: string;
  status: 'pending' | 'approved' | 'rejected';
  comment?: string;
}

/** One application as the simulated back office sees it. */
export interface SimCase {
  applicationId: string;
  matter: { id: string; name: string };
  applicant: { userId: string; name: string };
  status: CaseStatus;
  accepted: boolean;
  departments: SimDepartment[];
  missing?: MissingItem[];
  result?: DeliveryResult;
  receivedAt: number;
  updatedAt: number;
}

/** Statuses after which nothing more happens to a case. */
export const FINAL_STATUSES: readonly CaseStatus[] = ['not_accepted', 'rejected', 'delivered', 'withdrawn'];

/** A status event as it changes a case (the fields of BackofficeEvent that matter here). */
export interface CaseChange {
  status: BackofficeStatus;
  department?: string;
  comment?: string;
  missing?: MissingItem[];
  result?: DeliveryResult;
}

/** The ledger: opens cases on submission and records every decision sent about them. */
export class CaseBook {
  readonly #cases = new Map<string, SimCase>();

  open(body: SubmissionBody, now: number): SimCase {
    const record: SimCase = {
      applicationId: body.applicationId,
      matter: { id: body.matter.id, name: body.matter.name },
      applicant: { ...body.applicant },
      status: 'received',
      accepted: false,
      departments: body.departments.map((id) => ({ id, status: 'pending' })),
      receivedAt: now,
      updatedAt: now,
    };
    this.#cases.set(record.applicationId, record);
    return record;
  }

  get(id: string): SimCase | undefined {
    return this.#cases.get(id);
  }

  /** Every case, newest first (copies). */
  list(): SimCase[] {
    return [...this.#cases.values()].sort((a, b) => b.receivedAt - a.receivedAt).map((c) => structuredClone(c));
  }

  /** Records a decision the back office sends; unknown cases are left alone (the bot answers 404). */
  record(id: string, change: CaseChange, now: number): void {
    const c = this.#cases.get(id);
    if (!c) return;
    c.updatedAt = now;
    const department = c.departments.find((d) => d.id === change.department);
    switch (change.status) {
      case 'accepted':
        Object.assign(c, { status: 'accepted', accepted: true });
        break;
      case 'not_accepted':
        c.status = 'not_accepted';
        break;
      case 'supplement_required':
        Object.assign(c, { status: 'supplement_required', missing: change.missing ?? [] });
        break;
      case 'reviewing':
        if (c.accepted) c.status = 'in_review';
        break;
      case 'department_approved':
      case 'department_rejected':
        if (department)
          Object.assign(department, { status: change.status === 'department_approved' ? 'approved' : 'rejected', comment: change.comment });
        c.status =
          change.status === 'department_rejected'
            ? 'rejected'
            : c.departments.every((d) => d.status === 'approved')
              ? 'approved'
              : 'in_review';
        break;
      case 'completed':
        for (const d of c.departments) if (d.status === 'pending') d.status = 'approved';
        c.status = 'approved';
        break;
      case 'delivered':
        Object.assign(c, { status: 'delivered', result: change.result });
        break;
    }
  }

  /** The applicant supplied what was missing: review resumes where it stopped. */
  supplemented(id: string, now: number): void {
    const c = this.#cases.get(id);
    if (!c) return;
    Object.assign(c, { status: c.accepted ? 'in_review' : 'received', missing: undefined, updatedAt: now });
  }

  withdrawn(id: string, now: number): void {
    const c = this.#cases.get(id);
    if (c) Object.assign(c, { status: 'withdrawn', updatedAt: now });
  }
}

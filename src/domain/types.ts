// Shared domain vocabulary: matter templates (事项) and applications (办件).
// Plain data only; behaviour lives in the sibling modules (matter.ts, application.ts, deadline.ts).

/** 个人 (citizen) or 法人 (enterprise / legal person) matter. */
export type MatterCategory = '个人' | '法人';

/**
 * When a field, material, department, on-site step or time limit applies (情形): a condition over the answers
 * to earlier choice (enum) fields. JSON only, no code: equals, one of, and, or, not.
 */
export type Condition =
  | { field: string; equals: string }
  | { field: string; oneOf: string[] }
  | { and: Condition[] }
  | { or: Condition[] }
  | { not: Condition };

export type FieldType = 'text' | 'number' | 'date' | 'enum' | 'idcard' | 'phone' | 'bankcard' | 'uscc' | 'address';

/** One question the apply dialog asks. */
export interface MatterField {
  key: string;
  label: string;
  type: FieldType;
  required: boolean;
  options?: string[];
  /** Extra regular expression the answer must match (on top of the type's own validator). */
  pattern?: string;
  help?: string;
  maxLength?: number;
  /** Where shared data can pre-fill the answer, e.g. `applicant.name`, `licence:营业执照.holderName`. */
  prefill?: string;
  /** Personal data to encrypt at rest even though its type does not say so (idcard, phone and bankcard always are). */
  sensitive?: boolean;
  /** Asked only in the situations where this holds (absent = always). */
  when?: Condition;
}

/** One document the applicant provides. */
export interface MaterialSpec {
  id: string;
  name: string;
  required: boolean;
  /** Licence type the e-licence service can supply (数据多跑路), or absent. */
  elicence?: string;
  /** 容缺受理: may be promised now and supplied later. */
  tolerance: boolean;
  /** 容缺: working days after acceptance by which a promised material is due (default DEFAULT_PROMISE_DAYS). */
  promiseDays?: number;
  copies?: number;
  notes?: string;
  /** Needed only in the situations where this holds (absent = always). */
  when?: Condition;
}

export interface DepartmentSpec {
  id: string;
  name: string;
  contactUserIds: string[];
  /** true = reviews in parallel with the other parallel departments (后台分类审批). */
  parallel: boolean;
  /** Reviews only in the situations where this holds (absent = always). */
  when?: Condition;
}

/** A promised (and legal) time limit that replaces the default in the situations where `when` holds. */
export interface TimeLimitCase {
  when: Condition;
  legalDays: number;
  promisedDays: number;
}

/** Working days; the first matching case wins over the default. */
export interface TimeLimit {
  legalDays: number;
  promisedDays: number;
  cases?: TimeLimitCase[];
}

/** A step needing the applicant in person: always (plain text) or only where `when` holds. */
export type OnSiteStep = string | { step: string; when: Condition };

export type DeliveryMode = 'elicence' | 'mail' | 'window';

export interface Matter {
  id: string;
  version: number;
  name: string;
  aliases: string[];
  keywords: string[];
  category: MatterCategory;
  summary?: string;
  conditions: string[];
  steps: string[];
  departments: DepartmentSpec[];
  fields: MatterField[];
  materials: MaterialSpec[];
  timeLimit: TimeLimit;
  fee: { amount: number; note?: string };
  delivery: DeliveryMode[];
  /** Where the one allowed visit happens (window pickup / on-site check). */
  window?: { address: string; hours: string; bring?: string[] };
  /** Steps that need the applicant in person (e.g. 现场核验); each counts as a visit. */
  onSiteSteps?: OnSiteStep[];
}

/** 零上门 (0) or 最多跑一次 (1), with the reason shown in the guide. */
export interface VisitCount {
  visits: 0 | 1;
  reason: string;
}

/** Every status an application can be in, in the order of its life. */
export const APPLICATION_STATUSES = [
  'draft',
  'submitted',
  'accepted',
  'not_accepted',
  'supplement_required',
  'in_review',
  'approved',
  'rejected',
  'delivered',
  'evaluated',
  'withdrawn',
] as const;

export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export type DepartmentStatus = 'pending' | 'reviewing' | 'approved' | 'rejected';

export interface DepartmentReview {
  id: string;
  name: string;
  status: DepartmentStatus;
  comment?: string;
  at?: string;
}

export type MaterialSource = 'upload' | 'elicence' | 'promised';

/** A material as supplied with an application. */
export interface MaterialSubmission {
  id: string;
  name: string;
  source: MaterialSource;
  /** Download code, licence number, or the commitment id for 容缺. */
  ref: string;
  /** Where the data came from, shown to the user (e.g. 浙江省电子证照库). */
  origin?: string;
  fileName?: string;
}

export interface MissingItem {
  name: string;
  reason: string;
}

export interface DeliveryResult {
  type: DeliveryMode;
  licenseNo?: string;
  url?: string;
  pickupAddress?: string;
  trackingNo?: string;
}

export type ActorType = 'applicant' | 'department' | 'backoffice' | 'system' | 'admin';

export interface Actor {
  type: ActorType;
  id: string;
  name?: string;
}

export interface HistoryEntry {
  at: string;
  actor: Actor;
  action: string;
  from?: ApplicationStatus;
  to?: ApplicationStatus;
  department?: string;
  note?: string;
}

/** Where the application lives in DingTalk: to push status and update its card. */
export interface ApplicationChannel {
  conversationId: string;
  conversationType: 'single' | 'group';
  /** outTrackId of the application card, once sent. */
  cardId?: string;
  /** outTrackId of the form card it was filled in on: a second tap on that card's 提交 names this application. */
  formCardId?: string;
}

export interface Evaluation {
  /** 1 非常不满意 … 5 非常满意 (好差评). */
  level: 1 | 2 | 3 | 4 | 5;
  comment?: string;
  at: string;
}

export interface Application {
  /** Human-friendly unique number, e.g. YC20261128-0001. */
  id: string;
  /** Optimistic-concurrency revision, +1 on every stored change. */
  rev: number;
  matter: { id: string; version: number; name: string };
  applicant: { userId: string; name: string };
  channel: ApplicationChannel;
  fields: Record<string, string>;
  materials: MaterialSubmission[];
  departments: DepartmentReview[];
  status: ApplicationStatus;
  createdAt: string;
  submittedAt?: string;
  acceptedAt?: string;
  /** Promised deadline, ISO date (YYYY-MM-DD), set on acceptance. */
  deadline?: string;
  decidedAt?: string;
  /** Open 一次性告知 list while status is supplement_required. */
  missing?: MissingItem[];
  /** Why it was not accepted / rejected / withdrawn. */
  reason?: string;
  result?: DeliveryResult;
  evaluation?: Evaluation;
  history: HistoryEntry[];
}

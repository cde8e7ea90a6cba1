// Card action ids of the apply dialog, declared once; the field, material, consent, review and
// missing-items cards put them on buttons and handlers/apply/apply.ts answers them.

export const APPLY_CONSENT = 'apply.consent';
export const APPLY_DECLINE = 'apply.decline';
export const APPLY_CHOOSE = 'apply.choose';
export const APPLY_KEEP = 'apply.keep';
export const APPLY_SKIP = 'apply.skip';
export const APPLY_BACK = 'apply.back';
export const APPLY_CANCEL = 'apply.cancel';
export const APPLY_PROMISE = 'apply.promise';
export const APPLY_LATER = 'apply.later';
export const APPLY_SUBMIT = 'apply.submit';
export const APPLY_EDIT = 'apply.edit';
export const APPLY_EDIT_MENU = 'apply.edit-menu';
export const APPLY_REVIEW = 'apply.review';

// The card for wherever an apply draft's cursor is: a field, a material or the review.
import { fieldCard } from '../../cards/field-card.js';
import { escapeMarkdown } from '../../cards/markdown.js';
import { materialCard } from '../../cards/material-card.js';
import { reviewCard } from '../../cards/review-card.js';
import { show, type StepResult } from '../../src/bot/dialog.js';
import type { Matter, MatterField } from '../../src/domain/types.js';
import { positionOf, settle, type ApplyDraft } from './draft.js';

/** A note above the question, or the reason the last answer was refused. */
export interface CardNotes {
  notice?: string;
  error?: string;
}

// The applicant's DingTalk real name is offered for a name field (prefill applicant.name, or the holder's
// name on their own 居民身份证), so it is clicked rather than retyped; typing another name still works.
function knownName(field: MatterField, draft: ApplyDraft): { value: string; source: string } | undefined {
  const isName = field.prefill === 'applicant.name' || field.prefill === 'licence:居民身份证.holderName';
  return isName && draft.applicant.name ? { value: draft.applicant.name, source: '钉钉实名' } : undefined;
}

/** Shows the card of the draft's current item; the dialog step is named after its kind. */
export function showCurrent(unsettled: ApplyDraft, matter: Matter, notes: CardNotes = {}): StepResult<ApplyDraft> {
  const draft = settle(unsettled, matter);
  const position = positionOf(draft, matter);
  switch (position.kind) {
    case 'field': {
      const key = position.field.key;
      const value = draft.fields[key];
      const source = draft.sources[key];
      const offer = knownName(position.field, draft);
      return show(
        'field',
        draft,
        fieldCard({
          matterName: matter.name,
          ...position,
          ...(value ? { value } : {}),
          ...(source ? { source } : {}),
          ...(offer ? { offer } : {}),
          ...notes,
        }),
      );
    }
    case 'material': {
      const current = draft.materials.find((m) => m.id === position.material.id);
      return show('material', draft, materialCard({ matterName: matter.name, ...position, ...(current ? { current } : {}), ...notes }));
    }
    case 'review': {
      const card = reviewCard({ matter, fields: draft.fields, sources: draft.sources, materials: draft.materials });
      const intro = notes.notice ?? notes.error;
      return show(
        'review',
        draft,
        intro ? { ...card, sections: [{ kind: 'markdown', text: escapeMarkdown(intro) }, ...card.sections] } : card,
      );
    }
  }
}

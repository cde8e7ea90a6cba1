// The last state of an application form that ended without being submitted (取消, or the matter was retired):
// no buttons, so nothing on it can be clicked any more, and why it ended.
import type { Card } from './card.js';
import { escapeMarkdown } from './markdown.js';

/** The form card of `matterName` once it is closed, saying `reason`. */
export function closedFormCard(matterName: string, status: string, reason: string): Card {
  return {
    title: `${matterName} · ${status}`,
    status: { text: status, tone: 'neutral' },
    sections: [{ kind: 'markdown', text: escapeMarkdown(reason) }],
  };
}

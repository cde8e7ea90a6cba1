// Button factory: every button carries its action id in params.action (what the card template posts
// back) and the text command that does the same (for the markdown fallback without a template).
import type { CardButton } from './card.js';

export interface ButtonOptions {
  params?: Record<string, string>;
  command?: string;
  style?: CardButton['style'];
}

/** A card button for `action`, with `params.action` set and the optional text command. */
export function button(text: string, action: string, options: ButtonOptions = {}): CardButton {
  return {
    text,
    action,
    params: { action, ...options.params },
    ...(options.command ? { command: options.command } : {}),
    ...(options.style ? { style: options.style } : {}),
  };
}

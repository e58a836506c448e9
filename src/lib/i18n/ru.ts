import type { MessageKey } from './en.ts';
import { en } from './en.ts';

// TEMPORARY: replaced by the translation below.
export const ru: Record<MessageKey, string> = { ...en };

// Transitional: the stored-line encoder moved to stored/family-text.ts; persist/go-import.ts still imports it from here.
export { encodeFamilyText } from '../stored/family-text.ts';

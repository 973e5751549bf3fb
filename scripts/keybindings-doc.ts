/** Prints docs/keybindings.md: `npx tsx scripts/keybindings-doc.ts > docs/keybindings.md`. */
import { keybindingsMarkdown } from '../screens/keys/keybindings-doc.js';

process.stdout.write(keybindingsMarkdown());

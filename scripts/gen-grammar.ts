// Regenerates the statement patterns of syntaxes/dmabuf.tmLanguage.json from the statement table.
// Usage: node <bundled gen-grammar.js> [grammar.json]   (run by scripts/build.mjs)
import fs from 'node:fs';
import { generateGrammar } from './grammar';

const file = process.argv[2] ?? 'syntaxes/dmabuf.tmLanguage.json';
const current = fs.readFileSync(file, 'utf8');
const next = generateGrammar(current);
if (next !== current) fs.writeFileSync(file, next);

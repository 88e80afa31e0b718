import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { templatesMarkdown } from './templates-doc';

const DOC = path.resolve(__dirname, '../../../docs/pathways.md');
const BEGIN =
  '<!-- templates:begin (generated from libs/pathways: UPDATE_DOCS=1 npx jest -c libs/pathways/jest.config.cjs templates-doc) -->';
const END = '<!-- templates:end -->';

describe('docs/pathways.md', () => {
  it('shows every template exactly as the code defines it (clinical review reads the real defaults)', () => {
    const doc = readFileSync(DOC, 'utf8');
    const start = doc.indexOf(BEGIN);
    const end = doc.indexOf(END);
    expect(start).toBeGreaterThanOrEqual(0);
    const generated = `${BEGIN}\n\n${templatesMarkdown()}\n${END}`;
    if (process.env['UPDATE_DOCS'] === '1') {
      writeFileSync(DOC, doc.slice(0, start) + generated + doc.slice(end + END.length));
      return;
    }
    expect(doc.slice(start, end + END.length)).toBe(generated);
  });
});

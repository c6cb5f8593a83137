import { describe, expect, it } from 'vitest';
import { matchLegacyCategory } from './legacy-category';

const tags = [
  { id: 't1', name: 'data-science', title: 'Data Science', isCategory: true },
  { id: 't2', name: 'finance', title: 'Finance', isCategory: true },
  { id: 't3', name: 'Healthcare', title: 'Health care', isCategory: true },
  { id: 'b1', name: 'retail', title: 'Retail', isCategory: false },
];
const anyone = () => true;

describe('matchLegacyCategory', () => {
  it('assigns the category tag whose title matches, with a note', () => {
    const m = matchLegacyCategory('Data Science', tags, anyone);
    expect(m.tagId).toBe('t1');
    expect(m.warning).toEqual({
      path: 'App.Category',
      message: expect.stringContaining('the category tag data-science ("Data Science") was assigned'),
    });
  });

  it('matches the name too, ignoring case, spaces and punctuation', () => {
    expect(matchLegacyCategory('FINANCE', tags, anyone).tagId).toBe('t2');
    expect(matchLegacyCategory('data_science', tags, anyone).tagId).toBe('t1');
    expect(matchLegacyCategory('health care', tags, anyone).tagId).toBe('t3');
  });

  it('never assigns a badge, and names the category tags that exist', () => {
    const m = matchLegacyCategory('Retail', tags, anyone);
    expect(m.tagId).toBeNull();
    expect(m.warning.message).toContain('matches no category tag');
    expect(m.warning.message).toContain('data-science ("Data Science"), finance ("Finance"), Healthcare ("Health care")');
    expect(m.warning.message).not.toContain('retail');
  });

  it('says so when the portal has no category tags', () => {
    expect(matchLegacyCategory('Other', [], anyone).warning.message).toContain('This portal has no category tags yet.');
  });

  it('does not assign a tag the importer may not assign', () => {
    const m = matchLegacyCategory('Finance', tags, (t) => t.id !== 't2');
    expect(m.tagId).toBeNull();
    expect(m.warning.message).toContain('which you may not assign');
  });
});

import { describe, expect, it } from 'vitest';
import { queryTerms } from '../src/hybridSearch.ts';

describe('queryTerms', () => {
  it('takes out the words and phrases a query excludes, as web search reads them', () => {
    expect(queryTerms('investors burn -runway')).toEqual({ wanted: 'investors burn', excluded: ['runway'] });
    expect(queryTerms('-"next round" board update')).toEqual({ wanted: 'board update', excluded: ['next round'] });
    expect(queryTerms('"burn rate" -tacos OR (runway')).toEqual({ wanted: '"burn rate" OR (runway', excluded: ['tacos'] });
  });

  it('leaves hyphens inside words and a lone dash alone', () => {
    expect(queryTerms('pre-seed round')).toEqual({ wanted: 'pre-seed round', excluded: [] });
    expect(queryTerms('revenue - costs')).toEqual({ wanted: 'revenue - costs', excluded: [] });
    expect(queryTerms('-"unclosed phrase')).toEqual({ wanted: '', excluded: ['unclosed phrase'] });
    // A dash inside a quoted phrase is part of the phrase.
    expect(queryTerms('"pre -seed round" -tacos')).toEqual({ wanted: '"pre -seed round"', excluded: ['tacos'] });
    expect(queryTerms('-- - -')).toEqual({ wanted: '- -', excluded: ['-'] });
  });
});

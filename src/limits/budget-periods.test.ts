import { describe, expect, it } from 'vitest';
import { periodWindow } from './budget-periods.js';

const at = (iso: string) => Date.parse(iso);

describe('budget periods (UTC)', () => {
  it('a day runs midnight to midnight', () => {
    expect(periodWindow('day', at('2025-03-15T17:20:00Z'))).toEqual({
      start: at('2025-03-15T00:00:00Z'),
      end: at('2025-03-16T00:00:00Z'),
    });
  });

  it('a week starts on Monday, also when today is Sunday', () => {
    expect(periodWindow('week', at('2025-03-16T23:59:59Z'))).toEqual({
      start: at('2025-03-10T00:00:00Z'),
      end: at('2025-03-17T00:00:00Z'),
    });
    expect(periodWindow('week', at('2025-03-17T00:00:00Z')).start).toBe(at('2025-03-17T00:00:00Z'));
  });

  it('a month is a calendar month, across a year end', () => {
    expect(periodWindow('month', at('2024-12-31T12:00:00Z'))).toEqual({
      start: at('2024-12-01T00:00:00Z'),
      end: at('2025-01-01T00:00:00Z'),
    });
  });

  it('total never resets', () => {
    expect(periodWindow('total', Date.now())).toEqual({ start: 0, end: null });
  });
});

import { describe, expect, it } from 'vitest';
import { followsInPlace } from './in-place-click';

const plain = { defaultPrevented: false, button: 0, metaKey: false, ctrlKey: false, shiftKey: false, altKey: false };
const anchor = (attrs: { target?: string; origin?: string; pathname?: string; download?: boolean } = {}) => ({
  pathname: attrs.pathname ?? '/',
  target: attrs.target ?? '',
  origin: attrs.origin ?? 'http://portal.test',
  hasAttribute: (name: string) => name === 'download' && !!attrs.download,
});

describe('which clicks on a catalog link are followed in place', () => {
  it('a plain click on a link of this origin to the catalog or an app page', () => {
    expect(followsInPlace(plain, anchor(), 'http://portal.test')).toBe(true);
    expect(followsInPlace(plain, anchor({ pathname: '/apps/churn-model' }), 'http://portal.test')).toBe(true);
    expect(followsInPlace(plain, anchor({ target: '_self' }), 'http://portal.test')).toBe(true);
  });

  it('never a modified, middle or already handled click: the browser opens a tab or a window', () => {
    for (const key of ['metaKey', 'ctrlKey', 'shiftKey', 'altKey'] as const) expect(followsInPlace({ ...plain, [key]: true }, anchor(), 'http://portal.test')).toBe(false);
    expect(followsInPlace({ ...plain, button: 1 }, anchor(), 'http://portal.test')).toBe(false);
    expect(followsInPlace({ ...plain, defaultPrevented: true }, anchor(), 'http://portal.test')).toBe(false);
  });

  it('never a link to another window, a download or another origin', () => {
    expect(followsInPlace(plain, anchor({ target: '_blank' }), 'http://portal.test')).toBe(false);
    expect(followsInPlace(plain, anchor({ download: true }), 'http://portal.test')).toBe(false);
    expect(followsInPlace(plain, anchor({ origin: 'http://other.test' }), 'http://portal.test')).toBe(false);
  });

  it('never a link outside the pages the App Router renders: a running app (a MANAGED card opens it) is a document', () => {
    expect(followsInPlace(plain, anchor({ pathname: '/instance/0b6c7c1e-5a8f-4f55-9d38-111111111111/' }), 'http://portal.test')).toBe(false);
    expect(followsInPlace(plain, anchor({ pathname: '/api/v1/apps' }), 'http://portal.test')).toBe(false);
  });
});

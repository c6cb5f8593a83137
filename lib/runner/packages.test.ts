import { describe, expect, it } from 'vitest';
import { missingPackages, parsePackagesTxt } from './packages';

describe('packages.txt', () => {
  it('reads one name per line, without comments, blanks, versions or duplicates', () => {
    expect(parsePackagesTxt('# OS deps\nlibgomp1\n\n  ffmpeg=7:5.1  # video\nlibc6:amd64\nffmpeg\r\n')).toEqual(['libgomp1', 'ffmpeg', 'libc6:amd64']);
  });

  it('names exactly the packages dpkg does not have installed', async () => {
    expect(await missingPackages(['coreutils', 'libc6:amd64', 'surely-not-a-package-1', 'bash'])).toEqual(['surely-not-a-package-1']);
    expect(await missingPackages([])).toEqual([]);
  });
});

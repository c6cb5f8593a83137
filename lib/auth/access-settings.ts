// The two settings every visibility decision depends on, from the configuration (no Auth.js here, so the
// instance router's gateway and start-up code can use it outside Next's request handling).
import { fullAccessRole, publicMode } from '@/lib/config';
import type { AccessSettings } from './policy';

export function accessSettings(): AccessSettings {
  return { publicMode: publicMode(), fullAccessRole: fullAccessRole() };
}

// Real app.toml files (shared corpus, read in place): what the platform accepted must pass, and the broken
// ones must fail on the attribute that is actually wrong.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { DEFAULT_ALLOWED_CORE_ENV_REGEXES } from '@/lib/config';
import { describeCorpus } from '@/lib/testing/corpus';
import { validateManifest } from './index';

const DIRS = ['app-toml', 'app-toml-docs'];

type Expectation =
  | { kind: 'wave' | 'python' | 'container' | 'link'; warnings?: string[] }
  | { errors: string[]; warnings?: string[] };

const VERSION_PLACEHOLDER = { errors: ['App.Version'] };
const LEGACY = ['App.Category', 'App.Keywords'];

const EXPECTED: Record<string, Expectation> = {
  'JH1816__Group_ALT-W_DSA4213-Project__app.toml': { kind: 'wave', warnings: [] },
  'Jessie-ZhaoXi__dsa4213-ppt-generator__app.toml': { errors: ['Runtime.Module', 'Env[0].Secret', 'Env[1].Secret'] },
  'WildMeOrg__sage-identification-pipeline__app.toml': { kind: 'wave', warnings: LEGACY },
  'WildMeOrg__sage-identification-pipeline__app__at-c270273.toml': { kind: 'wave', warnings: LEGACY },
  'a-ghorbani__h2o-wave-apps__credit-card-default-app__app.toml': { kind: 'wave', warnings: ['App.Category'] },
  'aniketwattamwar__Wildfire-Challenge__app.toml': { errors: ['App.Version'] },
  'gbethardy-h2oai__wave-topic-view__app.toml': { kind: 'wave', warnings: [] },
  'gbethardy-h2oai__wave-topic-view__app__at-c27b165.toml': { kind: 'wave', warnings: LEGACY },
  'h2oai__ai-h2o-wave-stable-diffusion__app.toml': { kind: 'wave', warnings: ['App.MemoryReservation'] },
  'h2oai__ai-h2o-wave-stable-diffusion__wave_app__app__at-8adfe50.toml': { kind: 'wave', warnings: [] },
  'h2oai__challenge-wildfires__wave-app__app.toml': { errors: ['App.Name', 'App.Version'] },
  'h2oai__sql-sidekick__app.toml': { kind: 'wave', warnings: ['Runtime.Module'] },
  'h2oai__sql-sidekick__ui__app__at-a86dc19.toml': {
    kind: 'wave',
    warnings: ['App.Name', 'App.Title', 'App.Description', 'App.Category', 'Runtime.Module'],
  },
  'h2oai__wave-apps__churn-risk__app.toml': { kind: 'wave', warnings: LEGACY },
  'h2oai__wave-apps__credit-risk__app.toml': { kind: 'wave', warnings: LEGACY },
  'h2oai__wave-apps__emp-churn-step-by-step__app.toml': { kind: 'wave', warnings: [] },
  'h2oai__wave-apps__explaining-ratings__app.toml': { kind: 'wave', warnings: LEGACY },
  'h2oai__wave-apps__guess-the-number__app.toml': { kind: 'wave', warnings: LEGACY },
  'h2oai__wave-apps__insurance-churn-risk__app.toml': { kind: 'wave', warnings: LEGACY },
  'h2oai__wave-apps__sales-forecasting__app.toml': { kind: 'wave', warnings: LEGACY },
  'h2oai__wave-apps__shopping-cart-recommendations__app.toml': { kind: 'wave', warnings: LEGACY },
  'h2oai__wave-apps__template-explore-binary-classification__app.toml': { kind: 'wave', warnings: ['Brand', 'Data'] },
  'h2oai__wave-apps__template-mlops-single-prediction__app.toml': { kind: 'wave', warnings: ['Brand', 'Model'] },
  'h2oai__wave-apps__twitter-sentiment__app.toml': { kind: 'wave', warnings: LEGACY },
  'h2oai__wave-h2o-automl__app.toml': { kind: 'wave', warnings: ['App.Category', 'App.Tags'] },
  'h2oai__wave-h2o-automl__app__at-518a42b.toml': { kind: 'wave', warnings: ['App.Category'] },
  'h2oai__wave-h2o-automl__app__at-65cbddf.toml': { kind: 'wave', warnings: ['App.Category'] },
  'h2oai__wave-h2o-automl__app__at-b3b3da4.toml': { kind: 'wave', warnings: LEGACY },
  'h2oai__wave-image-styling-playground__app.toml': {
    kind: 'wave',
    warnings: ['App.Name', 'App.Title', 'App.Description', 'App.Category', 'Runtime.Module'],
  },
  'h2oai__wave__py__apps__dashboard__app.toml': VERSION_PLACEHOLDER,
  'h2oai__wave__py__apps__dashboards__app__at-d71796c.toml': VERSION_PLACEHOLDER,
  'h2oai__wave__py__apps__theme-generator__app.toml': VERSION_PLACEHOLDER,
  'h2oai__wave__py__apps__tour__app.toml': VERSION_PLACEHOLDER,
  'h2oai__wave__py__apps__tour__app__at-2a990f2.toml': VERSION_PLACEHOLDER,
  // Container app that still names a Module: only the placeholder is wrong; the Module is merely ignored.
  'h2oai__wave__py__apps__tour__app__at-9809dc7.toml': { errors: ['App.Version'], warnings: ['Runtime.Module'] },
  'h2oai__wave__studio__app.toml': VERSION_PLACEHOLDER,
  'h2oai__wave__studio__app__at-84e9aaf.toml': VERSION_PLACEHOLDER,
  'h2oai__wave__studio__app__at-8ab7c7f.toml': VERSION_PLACEHOLDER,
  'h2oai__wave__university__app.toml': VERSION_PLACEHOLDER,
  'mtanco__conifer-counter__app.toml': { kind: 'wave', warnings: LEGACY },
  'mtanco__conifer-counter__app__at-c5fa30f.toml': { errors: ['Runtime.Module'] },
  'mtanco__wave-grad-cam__app.toml': { kind: 'wave', warnings: ['App.Name'] },
  'mtanco__wave-template__app.toml': { kind: 'wave', warnings: [] },
  'mtanco__wave-template__app__at-0df4e0a.toml': { errors: ['App.Name', 'App.Version', 'Runtime.Module'] },
  'sulhicader__test_wave_template__app.toml': { kind: 'wave', warnings: LEGACY },

  'docs__cli__app-meta-output-lorem.toml': { kind: 'wave', warnings: ['App.SetupGuide'] },
  'docs__developer-guide__container-app.toml': { kind: 'container', warnings: [] },
  // The guide's illustration uses "SecretName"/"FileSecretName", which no Kubernetes secret can be called.
  'docs__developer-guide__full-example.toml': { errors: ['Env[0].Secret', 'File[0].Secret'] },
  'docs__developer-guide__link-app.toml': { kind: 'link', warnings: [] },
  'docs__importing-apps__python-streamlit-app.toml': { kind: 'python', warnings: ['App.InstanceLifecycle'] },
  'docs__importing-apps__wave-hello-world.toml': { kind: 'wave', warnings: [] },
  // A snippet of [[Env]]/[[File]] only, not a whole app.toml.
  'docs__secrets-howto-snippet.toml': { errors: ['App.Name', 'App.Version', 'Runtime.Module'] },
  'wave-2020__enterprise-developer-guide__example.toml': { errors: ['Env[0].Secret', 'File[0].Secret'] },
};

const paths = (problems: { path: string }[]) => [...new Set(problems.map((p) => p.path))].sort();

describeCorpus('', 'app.toml corpus', (CORPUS) => {
  const files = DIRS.flatMap((dir) =>
    readdirSync(path.join(CORPUS, dir)).map((name) => ({ name, file: path.join(CORPUS, dir, name) })),
  );

  test('every corpus file has an expectation, and every expectation a file', () => {
    expect(files.map((f) => f.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  test.each(files)('$name', ({ name, file }) => {
    const expected = EXPECTED[name];
    const result = validateManifest(readFileSync(file), {
      allowedCoreEnvRegexes: DEFAULT_ALLOWED_CORE_ENV_REGEXES.map((s) => new RegExp(s)),
    });
    if ('kind' in expected) {
      expect(result.errors).toEqual([]);
      expect(result.manifest?.kind).toBe(expected.kind);
    } else {
      expect(result.manifest).toBeNull();
      expect(paths(result.errors)).toEqual([...expected.errors].sort());
    }
    if (expected.warnings) expect(paths(result.warnings)).toEqual([...expected.warnings].sort());
    for (const problem of [...result.errors, ...result.warnings]) expect(problem.message.length).toBeGreaterThan(10);
  });

  test('accepted files keep what the platform would read', () => {
    const read = (name: string) => validateManifest(readFileSync(path.join(CORPUS, 'app-toml', name))).manifest;
    const sidekick = read('h2oai__sql-sidekick__app.toml');
    expect(sidekick?.runtime).toMatchObject({ module: 'start', gpuCount: 2, routingMode: 'BASE_URL', volumeSize: '100Gi' });
    expect(sidekick?.env[0]).toEqual({ name: 'H2O_WAVE_MAX_REQUEST_SIZE', value: '20M', optional: false });
    const styling = read('h2oai__wave-image-styling-playground__app.toml');
    expect(styling).toMatchObject({ name: 'ai.h2o.wave.imagestyler', title: 'H2O Image Styling Art Studio' });
    const automl = read('h2oai__wave-h2o-automl__app.toml');
    expect(automl?.tags).toEqual(['MACHINE_LEARNING']);
  });
});

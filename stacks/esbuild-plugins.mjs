/**
 * The esbuild plugins every Redial function is bundled with: by SST (stacks/bundle.ts passes this
 * file as `nodejs.plugins`) and by `npm run build:functions` alike. Plain JavaScript with no imports,
 * because SST loads it as it is.
 *
 * embeddedPlaybookOnly: a bundle carries its playbook and templates in its banner (stacks/bundle.ts),
 * so packages/functions/src/playbook-files.ts, which reads them from disk and parses YAML, is
 * replaced by a stub with the same exports whose functions say so. That leaves the YAML parser
 * (115 KB, a quarter of a bundle) out of every function. test/bundles checks the exports match.
 */
const STUB = `
const fromSource = (name) => () => {
  throw new Error(name + ": a Redial bundle embeds its playbook and templates and reads no files; REDIAL_PLAYBOOK and REDIAL_TEMPLATES are for running from source");
};
export const DEFAULT_PLAYBOOK_PATH = "playbook/playbook.yaml";
export const DEFAULT_TEMPLATES_DIR = "playbook/templates";
export const readPlaybookFile = fromSource("readPlaybookFile");
export const readTemplateFiles = fromSource("readTemplateFiles");
export const readTemplateSources = fromSource("readTemplateSources");
`;

export const PLAYBOOK_FILES_MODULE = /[\\/]packages[\\/]functions[\\/]src[\\/]playbook-files\.ts$/;

export const embeddedPlaybookOnly = {
  name: "redial-embedded-playbook-only",
  setup(build) {
    build.onLoad({ filter: PLAYBOOK_FILES_MODULE }, () => ({ contents: STUB, loader: "js" }));
  },
};

export const PLAYBOOK_FILES_STUB = STUB;

export default [embeddedPlaybookOnly];

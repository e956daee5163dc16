import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_TEMPLATES_DIR } from "../../packages/functions/src/playbook-files.ts";
import { loadTemplates } from "../../packages/functions/src/templates.ts";

describe("loadTemplates", () => {
  it("loads the real playbook/templates folder with every template the playbook uses", () => {
    const templates = loadTemplates();
    expect(templates.names).toEqual([
      "bad-time-note",
      "keep-warm",
      "nurture-1",
      "nurture-2",
      "nurture-3",
      "nurture-4",
      "voicemail-followup",
    ]);
    const email = templates.render("nurture-4", {
      prospect: { firstName: "Dana" },
      owner: { name: "Sam Carter" },
    });
    expect(email.text).toMatch(/^Hi Dana,[\s\S]*Sam Carter$/);
  });

  it("names the file a playbook step needs and the folder lacks", () => {
    const dir = mkdtempSync(join(tmpdir(), "redial-templates-"));
    try {
      for (const name of [
        "bad-time-note",
        "voicemail-followup",
        "nurture-1",
        "nurture-3",
        "nurture-4",
        "keep-warm",
      ]) {
        writeFileSync(
          join(dir, `${name}.liquid`),
          readFileSync(join(DEFAULT_TEMPLATES_DIR, `${name}.liquid`)),
        );
      }
      expect(() => loadTemplates(dir)).toThrow(
        /sequences\.nurture\.steps\[1\]\.template: no file nurture-2\.liquid/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("says which folder it could not read", () => {
    expect(() => loadTemplates("/nonexistent/templates")).toThrow(
      /Cannot read the templates folder \/nonexistent/,
    );
  });
});

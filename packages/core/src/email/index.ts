export {
  type PartSource,
  parseTemplate,
  parseTemplates,
  splitTemplate,
  splitTemplates,
  type TemplateParts,
} from "./template-file.ts";
export {
  type CompiledPart,
  checkPlaybookTemplates,
  compileTemplate,
  compileTemplates,
  escapeHtml,
  type Footer,
  footer,
  htmlFromText,
  type MissingTemplate,
  type ParsedTemplate,
  type RenderedEmail,
  TemplateSet,
  type TemplateVars,
  withFooter,
} from "./templates.ts";

export { azureCliScript } from "./azure-cli";
export { powerShellScript } from "./powershell";
export { portalSteps, KEY_URI_FORMS, type PortalStep } from "./portal";
export { explainKeyUriForms, type KeyUriFormExplanation } from "./key-uri-forms";
export {
  scriptInputSchema,
  suggestNames,
  validateScriptInput,
  type ScriptInput,
  type ValidScriptInput,
} from "./input";

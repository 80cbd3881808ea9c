// Templating and conditions: what the engine and modules use. See docs/templating.md.
export { Scope, type Layer, type Definition } from './scope.js';
export { renderValue, renderString, renderText, containsTemplate, checkTemplateFile, isTemplateText, type FileRenderOptions, type Loader } from './render.js';
export { evaluateExpression, compileExpression } from './expression.js';
export { evaluateCondition, type Condition } from './condition.js';
export { TemplateError, AnsibleRunTimeError, ExpressionError, UndefinedVariableError, CycleError } from './errors.js';
export { truthy, MISSING, type Names } from './values.js';
export { FILTERS, TESTS, HELPERS } from './registry.js';
export { runLoopLookup, LOOKUP_NAMES } from './lookups.js';
export { LookupFailure } from './lookup-types.js';

// The inventory, read the way Ansible reads it, so existing inventories work
// unchanged. Library API; the CLI and the engine import from here only.

export { loadInventory, envInventoryPath, type LoadOptions } from './load.js';
export { Inventory, LOCALHOST_NAMES, type GroupInfo, type VarLayer, type VarsRootKind } from './inventory.js';
export { selectHosts, splitHostPattern, type Selection, type SelectOptions } from './patterns.js';
export { connectionTarget, becomeSettings, toBoolean, type BecomeSettings, type ConnectionTarget } from './connection.js';
export { InventoryError, type SourcePos } from './errors.js';
export { defaultReadVarsFile, type ReadVarsFile } from './varsfiles.js';

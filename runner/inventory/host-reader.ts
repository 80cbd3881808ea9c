// The shape of an inventory plugin that adds hosts (drover.libvirt, drover.terraform_state),
// apart from plugins.ts so that the plugins and their table import it, not each other.
import type { InventoryData } from './data.js';
import type { SourceFile } from './ini.js';

/** What a plugin that adds hosts returns: the hosts, in order, with their groups and vars already in `data`. */
export type HostReader = (config: Record<string, unknown>, ctx: { file: SourceFile; data: InventoryData }) => Promise<string[]>;

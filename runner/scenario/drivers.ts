// The closed list of host drivers `drover test` can use, by the name a
// scenario.yml gives in `driver:`. Adding a driver is one entry here.
import type { HostDriver } from '../testground/driver.js';
import { namespaceDriver } from '../testground/namespace-hosts.js';
import { qemuDriver } from '../testground/qemu-hosts.js';

export type DriverRegistry = ReadonlyMap<string, HostDriver>;

export const DEFAULT_DRIVER = 'namespace';

export const defaultDrivers: DriverRegistry = new Map([namespaceDriver, qemuDriver].map((driver) => [driver.name, driver]));

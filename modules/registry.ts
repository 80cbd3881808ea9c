// The closed list of modules. Adding a module means adding it here; the
// playbook schema, `drover doc` and name suggestions all derive from this list.
// Only the CLI (runner/cli.ts, runner/commands/, runner/demo.ts) imports it and hands it on.
import { createRegistry, type AnyModule } from '../runner/module-api.js';
import assert from './assert.js';
import copy from './copy.js';
import debug from './debug.js';
import fail from './fail.js';
import setFact from './set_fact.js';
import authorizedKey from './authorized_key.js';
import command from './command.js';
import group from './group.js';
import packageModule, { apt, dnf } from './package.js';
import service, { systemd } from './service.js';
import shell from './shell.js';
import asyncStatus from './async_status.js';
import user from './user.js';
import waitFor from './wait_for.js';
import blockinfile from './blockinfile.js';
import file from './file.js';
import lineinfile from './lineinfile.js';
import stat from './stat.js';
import backup from './backup.js';
import template from './template.js';
import certbot from './certbot.js';
import jupyterhub from './jupyterhub.js';
import quota from './quota.js';
import bridge from './bridge.js';
import vlan from './vlan.js';
import nfsExport from './nfs_export.js';
import hostsEntry from './hosts_entry.js';
import sysctl from './sysctl.js';
import mount from './mount.js';
import cron from './cron.js';
import iniFile from './ini_file.js';
import modprobe from './modprobe.js';
import libvirtDomain from './libvirt_domain.js';
import libvirtNetwork from './libvirt_network.js';
import libvirtPool from './libvirt_pool.js';
import ping from './ping.js';
import slurp from './slurp.js';
import rawModule from './raw.js';
import replace from './replace.js';
import getent from './getent.js';
import tempfile from './tempfile.js';
import pause from './pause.js';
import find from './find.js';
import includeVars from './include_vars.js';
import getUrl from './get_url.js';
import uri from './uri.js';
import unarchive from './unarchive.js';

// One module per line: add new modules at the end of their group.
export const MODULES: readonly AnyModule[] = [
  assert,
  copy,
  debug,
  fail,
  setFact,
  command,
  shell,
  asyncStatus,
  packageModule,
  apt,
  dnf,
  service,
  systemd,
  user,
  group,
  authorizedKey,
  waitFor,
  file,
  template,
  lineinfile,
  blockinfile,
  stat,
  libvirtDomain,
  libvirtNetwork,
  libvirtPool,
  backup,
  certbot,
  jupyterhub,
  quota,
  bridge,
  vlan,
  nfsExport,
  hostsEntry,
  sysctl,
  mount,
  cron,
  iniFile,
  modprobe,
  ping,
  slurp,
  rawModule,
  replace,
  getent,
  tempfile,
  find,
  pause,
  includeVars,
  getUrl,
  uri,
  unarchive,
];

export const defaultRegistry = createRegistry(MODULES);

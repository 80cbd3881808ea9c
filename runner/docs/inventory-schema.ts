// The JSON Schema (draft-07) of a YAML inventory (inventories/ENV/hosts.yml)
// and of a group_vars / host_vars file, for editors. Connection variables get
// their types and meanings from the table the inventory code reads them with.
import { CONNECTION_VAR_NAMES } from '../inventory/connection.js';

type Json = Record<string, unknown>;
type ConnectionOption = keyof typeof CONNECTION_VAR_NAMES;

const TEMPLATE = { type: 'string', pattern: '\\{\\{' };

const OPTIONS: Record<ConnectionOption, { schema: Json; description: string }> = {
  address: { schema: { type: 'string' }, description: 'Address (name or IP) to connect to; default: the inventory name.' },
  port: { schema: { anyOf: [{ type: 'integer', minimum: 1, maximum: 65535 }, { type: 'string', pattern: '^\\s*[0-9]+\\s*$' }, TEMPLATE] }, description: 'SSH port (default: ssh_config Port, else 22).' },
  user: { schema: { type: 'string' }, description: 'SSH login user (default: ssh_config User, else the user running drover).' },
  key: { schema: { type: 'string' }, description: 'Private key file for SSH.' },
  password: { schema: { type: 'string' }, description: 'SSH password: keep it in a vault file, never in plain text.' },
  connection: { schema: { anyOf: [{ enum: ['ssh', 'smart', 'paramiko', 'paramiko_ssh', 'local'] }, TEMPLATE] }, description: "How to reach the host: 'ssh' (default) or 'local'." },
  sshArgs: { schema: { type: 'string' }, description: 'ssh options read before ssh_common_args (ansible.cfg\'s ssh_args for this host; the same options are accepted).' },
  sshCommonArgs: { schema: { type: 'string' }, description: 'ssh options for this host (-o KEYWORD=VALUE, -J JUMP, -F FILE): they win over ssh_config.' },
  sshExtraArgs: { schema: { type: 'string' }, description: 'More ssh options, read after ssh_common_args.' },
  timeout: { schema: { anyOf: [{ type: 'number', exclusiveMinimum: 0 }, { type: 'string', pattern: '^\\s*[0-9.]+\\s*$' }, TEMPLATE] }, description: 'Seconds to wait for the SSH connection (default 15).' },
  become: { schema: { anyOf: [{ type: 'boolean' }, { enum: ['yes', 'no', 'true', 'false', 'True', 'False', 'on', 'off'] }, TEMPLATE] }, description: 'Run tasks as another user (become_user) by default.' },
  becomeUser: { schema: { type: 'string' }, description: "The user to become (default 'root')." },
  becomeMethod: { schema: { anyOf: [{ enum: ['sudo'] }, TEMPLATE] }, description: "How to become another user (default 'sudo')." },
  becomePassword: { schema: { type: 'string' }, description: 'The password sudo or su asks for, answered on stdin (never on a command line): keep it in a vault file.' },
};

/** A mapping of variables: free-form, with the connection variables typed. */
export function varsSchema(): Json {
  const properties: Record<string, Json> = {};
  for (const [option, names] of Object.entries(CONNECTION_VAR_NAMES) as [ConnectionOption, readonly string[]][]) {
    for (const name of names) properties[name] = { ...OPTIONS[option].schema, description: OPTIONS[option].description };
  }
  return { type: 'object', properties, additionalProperties: true };
}

export function inventorySchema(): Json {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'drover inventory (YAML)',
    description: 'Groups at the top level (usually just `all`), each with hosts, vars and children.',
    type: 'object',
    additionalProperties: { $ref: '#/definitions/group' },
    definitions: {
      group: {
        description: 'A group: its hosts (with their variables), its variables, and its child groups.',
        // Type lists rather than anyOf, so an editor names the misspelt key instead of "expected null".
        type: ['object', 'null'],
        additionalProperties: false,
        properties: {
          hosts: {
            description: "Hosts of the group: name (or range such as 'node[01:16]') -> variables or nothing; a single name alone is accepted too.",
            type: ['object', 'string', 'null'],
            additionalProperties: { type: ['object', 'null'], properties: varsSchema().properties },
          },
          vars: { description: 'Variables of every host in the group.', type: ['object', 'null'], properties: varsSchema().properties },
          children: { description: 'Child groups: name -> group (or a single group name).', type: ['object', 'string', 'null'], additionalProperties: { $ref: '#/definitions/group' } },
        },
      },
    },
  };
}

export function varsFileSchema(): Json {
  return { $schema: 'http://json-schema.org/draft-07/schema#', title: 'drover group_vars / host_vars file', ...varsSchema() };
}

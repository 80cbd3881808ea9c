// What an editor would underline in a YAML file: the real yaml-language-server
// (the one VS Code's YAML extension, Neovim's yamlls and Helix run), spoken to
// over stdio like an editor does, with the file's own `$schema` modeline.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface Diagnostic {
  message: string;
  /** 1-based, as editors show them. */
  line: number;
  column: number;
  severity: 'error' | 'warning' | 'info' | 'hint';
}

const SEVERITY = ['error', 'error', 'warning', 'info', 'hint'] as const;
const serverBin = join(dirname(createRequire(import.meta.url).resolve('yaml-language-server/package.json')), 'bin', 'yaml-language-server');

/** Opens `text` as the document at `path` and returns the diagnostics the server publishes for it. */
export async function editorDiagnostics(path: string, text: string, timeoutMs = 30_000): Promise<Diagnostic[]> {
  const server = spawn(process.execPath, [serverBin, '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const uri = pathToFileURL(path).href;
  let nextId = 1;
  const send = (message: Record<string, unknown>) => {
    const body = JSON.stringify({ jsonrpc: '2.0', ...message });
    server.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  };
  const request = (method: string, params: unknown) => send({ id: nextId++, method, params });
  const notify = (method: string, params: unknown) => send({ method, params });

  try {
    return await new Promise<Diagnostic[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`yaml-language-server published no diagnostics for ${path} within ${timeoutMs} ms`)), timeoutMs);
      let buffer = Buffer.alloc(0);
      server.on('error', reject);
      server.stdout.on('data', (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        for (;;) {
          const headerEnd = buffer.indexOf('\r\n\r\n');
          if (headerEnd < 0) return;
          const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, headerEnd).toString())?.[1]);
          if (buffer.length < headerEnd + 4 + length) return;
          const message = JSON.parse(buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString()) as { id?: number; method?: string; params?: any };
          buffer = buffer.subarray(headerEnd + 4 + length);
          // The server asks for settings: validation on, no schema store (this machine is offline).
          if (message.method === 'workspace/configuration') send({ id: message.id, result: message.params.items.map(() => ({ validate: true, schemaStore: { enable: false } })) });
          else if (message.method && message.id !== undefined) send({ id: message.id, result: null });
          else if (message.method === 'textDocument/publishDiagnostics' && message.params.uri === uri) {
            clearTimeout(timer);
            resolve(
              (message.params.diagnostics as Array<{ message: string; severity?: number; range: { start: { line: number; character: number } } }>).map((d) => ({
                message: d.message,
                line: d.range.start.line + 1,
                column: d.range.start.character + 1,
                severity: SEVERITY[d.severity ?? 1]!,
              })),
            );
          }
        }
      });
      request('initialize', { processId: process.pid, rootUri: pathToFileURL(dirname(path)).href, capabilities: { workspace: { configuration: true }, textDocument: { publishDiagnostics: {} } } });
      notify('initialized', {});
      notify('workspace/didChangeConfiguration', { settings: { yaml: { validate: true, schemaStore: { enable: false } } } });
      notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    });
  } finally {
    server.kill();
  }
}

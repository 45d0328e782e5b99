/**
 * MCP client configurations (JSONC: comments and trailing commas; a commented-out server does not
 * exist): VS Code's `.vscode/mcp.json` (`servers`, `inputs`) and settings (`mcp.servers`);
 * `.mcp.json` (Claude Code), `claude_desktop_config.json` and `.cursor/mcp.json` (`mcpServers`).
 * The application hosting the clients is an `mcp_client`; each server an `mcp_server` — local
 * (a stdio `command`) in a drafted local-machine zone, or remote (a `url`) in the external zone.
 * - `npx -y pkg` / `uvx pkg` without an exact version, or a docker image without a digest, is
 *   reported (MLTM504); an exact version or digest is `dependency_pinning`.
 * - A literal credential in `env` or `headers` is reported (MLTM503) and never copied; values are
 *   never copied at all.
 * - `${input:id}` is secret handling (`secrets_management`) only when that input has
 *   `password: true`.
 */
import { pointer } from '../parse/pointer';
import { problem } from '../problems';
import type { DraftBuilder } from './draft';
import { asArray, asRecord, asString, isRecord, type EvidenceDoc } from './evidence';
import { externalBoundary, uriHost, uriScheme, type FormatImporter } from './importer';

const CREDENTIAL_NAME =
  /(pass(word)?|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential|authorization|auth)/i;
const REFERENCE = /^\s*(Bearer\s+)?\$\{(input|env|VAR|[A-Za-z_][A-Za-z0-9_]*)(:[^}]*)?\}\s*$/;

function servers(doc: EvidenceDoc): { servers: Record<string, unknown>; at: string } | undefined {
  const root = asRecord(doc.value);
  if (isRecord(root['mcpServers'])) return { servers: root['mcpServers'], at: '/mcpServers' };
  if (isRecord(root['servers'])) return { servers: root['servers'], at: '/servers' };
  const nested = asRecord(root['mcp']);
  if (isRecord(nested['servers'])) return { servers: nested['servers'], at: '/mcp/servers' };
  return undefined;
}

function clientName(path: string): string {
  if (/(^|\/)\.vscode\//.test(path)) return 'VS Code';
  if (/(^|\/)\.cursor\//.test(path)) return 'Cursor';
  if (/claude_desktop_config\.json$/.test(path)) return 'Claude Desktop';
  if (/(^|\/)\.mcp\.json$/.test(path)) return 'Claude Code';
  return 'MCP client';
}

/** Whether a package argument names an exact version (`pkg@1.2.3`, `@scope/pkg@1.2.3`, `pkg==1.2.3`). */
export function packagePinned(spec: string): boolean {
  return /^(@[^/@\s]+\/)?[^@=\s]+(@|==)v?\d+\.\d+\.\d+([-+][\w.]+)?$/.test(spec);
}

export const mcpImporter: FormatImporter = {
  format: 'MCP',
  looksLike: (path, text) =>
    /(^|\/)(\.vscode\/mcp\.json|\.mcp\.json|mcp\.json|claude_desktop_config\.json)$/.test(path) ||
    /"mcpServers"/.test(text) ||
    (/(^|\/)settings\.json$/.test(path) && /"mcp"/.test(text)),
  recognise(doc) {
    const found = servers(doc);
    return (
      found !== undefined &&
      Object.values(found.servers).every(
        (s) => isRecord(s) && (s['command'] !== undefined || s['url'] !== undefined),
      )
    );
  },
  read(doc, draft) {
    const found = servers(doc) as { servers: Record<string, unknown>; at: string };
    const file = doc.file.path;
    const inputs = new Map<string, string>();
    asArray(asRecord(doc.value)['inputs']).forEach((input, i) => {
      const id = asString(asRecord(input)['id']);
      if (id !== undefined && asRecord(input)['password'] === true)
        inputs.set(id, pointer('inputs', i, 'password'));
    });
    const name = clientName(file);
    const client = draft.component(`mcp-client:${file}`, toClientId(name), {
      kind: 'mcp_client',
      name,
      description: `${name}, hosting the MCP clients configured in \`${file}\`.`,
      source: doc.ref(found.at),
    });
    for (const [serverName, value] of Object.entries(found.servers)) {
      const s = asRecord(value);
      const at = `${found.at}/${serverName.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      const url = asString(s['url']);
      const command = asString(s['command']);
      const remote = url !== undefined;
      const boundary = remote
        ? externalBoundary(draft, doc.ref(`${at}/url`)).id
        : localBoundary(draft, doc);
      const server = draft.component(`mcp-server:${file}:${serverName}`, serverName, {
        kind: 'mcp_server',
        name: serverName,
        description: remote
          ? `Remote MCP server at ${uriHost(url) ?? url}.`
          : `Local MCP server started with \`${command ?? '?'}\` (stdio).`,
        boundary,
        ...(command !== undefined && { tech: command.split(/[\\/]/).pop() ?? command }),
        source: doc.ref(at),
      });
      draft.flow(client, server, {
        source: doc.ref(at),
        protocol: remote ? (uriScheme(url) ?? 'https') : 'stdio',
      });
      // Package pinning of what the command runs.
      const args = asArray(s['args']).map((a) => asString(a) ?? '');
      const runner = command?.split(/[\\/]/).pop();
      if (runner === 'npx' || runner === 'uvx' || runner === 'pipx' || runner === 'bunx') {
        const index = args.findIndex((a) => !a.startsWith('-') && a !== 'run');
        const spec = index >= 0 ? (args[index] as string) : undefined;
        if (spec !== undefined) {
          const argAt = `${at}/args/${index}`;
          if (packagePinned(spec)) draft.claim(server, 'dependency_pinning', doc.ref(argAt));
          else
            draft.report(
              file,
              problem(
                'MLTM504',
                `Server \`${serverName}\` runs \`${runner} ${args.includes('-y') ? '-y ' : ''}${spec}\` without an exact version: each start may fetch a different package. Pin it (\`${spec.replace(/@[^@/]*$/, '')}@1.2.3\`).`,
                doc.valueRange(argAt),
              ),
            );
        }
      } else if (runner === 'docker') {
        const index = args.findIndex(
          (a, i) =>
            i > 0 &&
            !a.startsWith('-') &&
            /[/:]|^[a-z0-9._-]+$/.test(a) &&
            args[i - 1] !== '-e' &&
            args[i - 1] !== '--env' &&
            args[i - 1] !== '-v' &&
            args[i - 1] !== '--name',
        );
        const image = index >= 0 ? args[index] : undefined;
        if (image !== undefined) {
          if (/@sha256:[0-9a-f]{64}$/.test(image))
            draft.claim(server, 'dependency_pinning', doc.ref(`${at}/args/${index}`));
          else
            draft.report(
              file,
              problem(
                'MLTM504',
                `Server \`${serverName}\` runs the image \`${image}\` without a digest (@sha256:…).`,
                doc.valueRange(`${at}/args/${index}`),
              ),
            );
        }
      }
      // Secrets: literal values reported (never copied); password inputs are secret handling.
      for (const section of ['env', 'headers'] as const) {
        for (const [key, raw] of Object.entries(asRecord(s[section]))) {
          const v = asString(raw);
          if (v === undefined) continue;
          const valueAt = `${at}/${section}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
          const input = /\$\{input:([^}]+)\}/.exec(v)?.[1];
          if (input !== undefined && inputs.has(input)) {
            draft.claim(server, 'secrets_management', doc.ref(inputs.get(input) as string));
            continue;
          }
          if (REFERENCE.test(v) || v.trim() === '') continue;
          const looksSecret =
            CREDENTIAL_NAME.test(key) ||
            /^(Bearer\s+\S{8,}|sk-[A-Za-z0-9_-]{8,}|ghp_[A-Za-z0-9]{20,}|xox[abp]-)/.test(v) ||
            /^[a-z][a-z0-9+.-]*:\/\/[^/:@\s]+:[^/@\s]+@/i.test(v);
          if (looksSecret)
            draft.report(
              file,
              problem(
                'MLTM503',
                `Server \`${serverName}\` has a literal value in ${section} \`${key}\`; use a \`\${input:…}\` prompt with \`password: true\` or an environment reference (the value is not copied into the draft).`,
                doc.valueRange(valueAt),
              ),
            );
        }
      }
    }
    draft.usedFormat('MCP');
  },
};

function toClientId(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

function localBoundary(draft: DraftBuilder, doc: EvidenceDoc): string {
  return draft.boundary('local-machine', 'local-machine', {
    name: 'Developer machine',
    trust: 'semi_trusted',
    description:
      "Drafted: the machine local MCP servers run on, with the user's rights. Review its trust.",
    source: doc.ref(''),
  }).id;
}

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** The layering the README describes, checked on the imports themselves. */
const root = path.resolve(import.meta.dirname, '../..');

function sourceFiles(folder: string): string[] {
  return readdirSync(path.join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => path.join(folder, file));
}

/** Every module a file imports (static and dynamic), resolved to a repository path where relative. */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((match) => match[1] as string);
  return specifiers.map((specifier) =>
    specifier.startsWith('.') ? path.join(path.dirname(file), specifier) : specifier,
  );
}

describe('dependency direction', () => {
  it('nothing under lambdas/core imports an AWS SDK, Powertools, middy, Lambda types or an adapter', () => {
    const offending = sourceFiles('lambdas/core').flatMap((file) =>
      importsOf(file)
        .filter(
          (target) =>
            /^(@aws-sdk\/|@aws-lambda-powertools\/|@middy\/|aws-lambda$|aws-cdk-lib)/.test(target) ||
            target.startsWith('lambdas/adapters') ||
            /^lambdas\/(webhook|worker|full-sync)\//.test(target),
        )
        .map((target) => `${file} imports ${target}`),
    );
    expect(offending).toEqual([]);
  });

  it('adapters import the domain, never a handler', () => {
    const offending = sourceFiles('lambdas/adapters').flatMap((file) =>
      importsOf(file)
        .filter((target) => /^lambdas\/(webhook|worker|full-sync)\//.test(target))
        .map((target) => `${file} imports ${target}`),
    );
    expect(offending).toEqual([]);
  });

  it('the stack (lib/) loads no function code: only the shared contracts and configuration parsing', () => {
    const allowed = new Set(['lambdas/contracts', 'lambdas/core/config', 'lambdas/core/table-keys']);
    const offending = sourceFiles('lib').flatMap((file) =>
      importsOf(file)
        .filter((target) => target.startsWith('lambdas/') && !allowed.has(target))
        .map((target) => `${file} imports ${target}`),
    );
    expect(offending).toEqual([]);
  });

  it('the operator CLI (cli/) reuses adapters and core, never a handler; of local/ only the runtime file', () => {
    const offending = sourceFiles('cli').flatMap((file) =>
      importsOf(file)
        .filter(
          (target) =>
            /^lambdas\/(webhook|worker|full-sync)\//.test(target) ||
            (target.startsWith('local/') && target !== 'local/runtime/runtime-file'),
        )
        .map((target) => `${file} imports ${target}`),
    );
    expect(offending).toEqual([]);
  });

  it('nothing the stack or the functions load imports the CLI', () => {
    const offending = [...sourceFiles('lambdas'), ...sourceFiles('lib')].flatMap((file) =>
      importsOf(file)
        .filter((target) => target.startsWith('cli/'))
        .map((target) => `${file} imports ${target}`),
    );
    expect(offending).toEqual([]);
  });

  it('the ports live in one folder', () => {
    const declaresPort = sourceFiles('lambdas/core')
      .filter((file) => !file.startsWith('lambdas/core/ports/'))
      .filter((file) =>
        /export interface (\w+(Store|Queue|PageSource|Registry)|Telemetry)\b/.test(
          readFileSync(path.join(root, file), 'utf8'),
        ),
      );
    expect(declaresPort).toEqual([]);
  });
});

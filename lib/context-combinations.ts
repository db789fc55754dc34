/** The context keys whose meaning depends on another key (lib/app-context.ts validates each one alone). */
export interface CombinedContext {
  readonly secretArn?: string | undefined;
  readonly secretKeyArn?: string | undefined;
  readonly webhookSecretArn?: string | undefined;
  readonly webhookSecretKeyArn?: string | undefined;
  readonly apiKeySecretArn?: string | undefined;
  readonly apiKeySecretKeyArn?: string | undefined;
  readonly retainTables?: boolean | undefined;
  readonly deletionProtection?: boolean | undefined;
  readonly tableEncryption?: 'aws-owned' | 'customer-managed' | undefined;
  readonly tableKeyArn?: string | undefined;
}

/**
 * Combinations that would deploy something other than what the user meant, each named by its key: a key ARN
 * without its secret (a created secret uses aws/secretsmanager), the legacy single secret mixed with the two
 * secrets, one secret given for both roles under the two-secret keys (which would silently undo the split), a
 * table key with AWS-owned encryption, and tables deleted with the stack while deletion protection refuses it.
 */
export function combinationProblems(context: CombinedContext): string[] {
  const problems: string[] = [];
  const keyNeedsSecret = [
    ['secretKeyArn', context.secretKeyArn, 'secretArn', context.secretArn],
    ['webhookSecretKeyArn', context.webhookSecretKeyArn, 'webhookSecretArn', context.webhookSecretArn],
    ['apiKeySecretKeyArn', context.apiKeySecretKeyArn, 'apiKeySecretArn', context.apiKeySecretArn],
  ] as const;
  for (const [keyName, key, secretName, secret] of keyNeedsSecret) {
    if (key && !secret)
      problems.push(`context ${keyName}: only applies with ${secretName} (a created secret uses aws/secretsmanager)`);
  }
  if (context.secretArn && (context.webhookSecretArn || context.apiKeySecretArn))
    problems.push(
      'context secretArn: is one secret for both roles (the legacy layout); give webhookSecretArn and ' +
        'apiKeySecretArn without it',
    );
  if (context.webhookSecretArn && context.webhookSecretArn === context.apiKeySecretArn)
    problems.push(
      'context apiKeySecretArn: must be another secret than webhookSecretArn, or the webhook function could read ' +
        'the API key (one secret for both is secretArn, the legacy layout)',
    );
  if (context.tableKeyArn && context.tableEncryption === 'aws-owned')
    problems.push('context tableKeyArn: only applies with tableEncryption=customer-managed');
  if (context.retainTables === false && context.deletionProtection !== false)
    problems.push(
      'context retainTables: false deletes the tables with the stack, which deletion protection (on by default) ' +
        'refuses: add deletionProtection=false',
    );
  return problems;
}

/** Reads the secret's current string value (Secrets Manager in AWS). */
export type SecretLoader = () => Promise<string>;

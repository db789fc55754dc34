/**
 * Validators from Kombo's OpenAPI spec (kept outside the project, in ../shared), to check the
 * fake's answers against the real contract. Nothing of the spec is copied into the project.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

export const SPEC_PATH = fileURLToPath(new URL('../../../shared/kombo/kombo-openapi-2026-05.json', import.meta.url));
export const specPresent = existsSync(SPEC_PATH);

const SPEC_ID = 'kombo-openapi';

/** The parts of the spec document the validators use. */
interface OpenApiDocument {
  readonly paths: Record<
    string,
    { get?: { responses: Record<string, { $ref?: string; content?: Record<string, { schema: unknown }> }> } }
  >;
  readonly components: Record<string, unknown>;
}

export interface SpecValidators {
  /** The 200 response schema of `GET /<resource>`. */
  success(resource: string): ValidateFunction;
  /** The error (`default`) response schema of `GET /<resource>`. */
  error(resource: string): ValidateFunction;
  /** The 200 response schema of `GET <path>`, the spec's path template, e.g. `/integrations/{integration_id}`. */
  successOf(path: string): ValidateFunction;
  /** The error (`default`) response schema of `GET <path>`, the spec's path template. */
  errorOf(path: string): ValidateFunction;
}

export function loadSpecValidators(): SpecValidators {
  const spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as OpenApiDocument;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  // OpenAPI's numeric formats carry no constraint that JSON Schema would check.
  for (const format of ['int32', 'int64', 'float', 'double']) ajv.addFormat(format, true);
  // `$ref`s in the spec point at `#/components/...`; registering the components under an id
  // resolves them without copying anything.
  ajv.addSchema({ $id: SPEC_ID, components: allowNullInNullableEnums(spec.components) });

  const operation = (path: string) => {
    const get = spec.paths[path]?.get;
    if (!get) throw new Error(`the spec has no GET ${path}`);
    return get;
  };
  const compile = (pointer: string) =>
    ajv.getSchema(`${SPEC_ID}#${pointer}`) ?? ajv.compile({ $ref: `${SPEC_ID}#${pointer}` });
  const mediaSchemaPointer = (responsePointer: string) => `${responsePointer}/content/application~1json/schema`;

  const successOf = (path: string) => {
    const response = operation(path).responses['200'];
    const schema = response.content?.['application/json']?.schema as { $ref?: string } | undefined;
    if (!schema?.$ref) throw new Error(`GET ${path}: 200 schema is not a $ref`);
    return compile(schema.$ref.slice(1));
  };
  const errorOf = (path: string) => {
    const response = operation(path).responses.default;
    if (!response.$ref) throw new Error(`GET ${path}: default response is not a $ref`);
    return compile(mediaSchemaPointer(response.$ref.slice(1)));
  };

  return {
    success: (resource) => successOf(`/${resource}`),
    error: (resource) => errorOf(`/${resource}`),
    successOf,
    errorOf,
  };
}

/**
 * The spec writes nullable enums as `type: [..., "null"]` with `null` missing from `enum`
 * (95 times, e.g. `outcome` of applications and the error `code`). Read literally, JSON Schema
 * then rejects `null`, although the type says nullable, Kombo sends null and the official SDK
 * accepts it. The validators follow the evident intent: such enums also allow null.
 */
function allowNullInNullableEnums<T>(node: T): T {
  // A structural copy of a JSON value has the value's type; the casts below only restate that.
  if (Array.isArray(node)) return node.map((item: unknown) => allowNullInNullableEnums(item)) as T;
  if (typeof node !== 'object' || node === null) return node;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) copy[key] = allowNullInNullableEnums(value);
  const { type, enum: values } = copy;
  if (Array.isArray(type) && type.includes('null') && Array.isArray(values) && !values.includes(null)) {
    copy.enum = [...values, null];
  }
  return copy as T;
}

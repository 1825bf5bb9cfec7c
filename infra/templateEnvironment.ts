import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Template {
  Resources: Record<string, { Type: string; Properties?: { Environment?: { Variables?: Record<string, unknown> } } }>;
}

/**
 * The environment a packaged function's template gives it, as Lambda would: each CloudFormation reference (a table's
 * name, a queue's URL) stands for the value filled in at deploy. Reads `npm run package`'s output.
 */
export const templateEnvironment = (service: string, functionName: string): Record<string, string> => {
  const template = JSON.parse(
    readFileSync(join(ROOT, 'services', service, '.serverless', 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as Template;
  const logicalId = `${functionName.charAt(0).toUpperCase()}${functionName.slice(1)}LambdaFunction`;
  const variables = template.Resources[logicalId]?.Properties?.Environment?.Variables ?? {};
  return Object.fromEntries(
    Object.entries(variables).map(([key, value]) => [key, typeof value === 'string' ? value : `deployed-${key}`]),
  );
};

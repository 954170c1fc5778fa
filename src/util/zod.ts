import type { z } from 'zod';

/** One line per problem, each naming the dotted path of the offending field. */
export function formatZodError(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((issue) => {
      const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
      if (issue.code === 'unrecognized_keys') {
        const keys = issue.keys.map((k) => [path, k].filter(Boolean).join('.'));
        return `unknown key${keys.length > 1 ? 's' : ''} ${keys.map((k) => `'${k}'`).join(', ')}`;
      }
      return `${path || '(root)'}: ${issue.message}`;
    })
    .join('\n');
}

import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'build/**', 'coverage/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name=/^(only)$/][callee.object.name=/^(it|test|describe)$/]",
          message: 'A focused test hides the rest of the suite.',
        },
      ],
    },
  },
  {
    // The single file's main script: Node 20 runs it as CommonJS (bin/strata-sea.cjs says why).
    files: ['**/*.cjs'],
    languageOptions: { globals: { ...globals.node, ...globals.commonjs }, sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);

// Lint gate run by `npm test`: the recommended JavaScript and TypeScript rules, React's hook
// rules for the views, and nothing that argues with the formatter (Prettier checks layout).
import js from '@eslint/js';
import globals from 'globals';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{ignores: ['dist/', 'dist-bench/', 'coverage/', '.tmp/', 'node_modules/', 'test/fixtures/']},
	js.configs.recommended,
	...tseslint.configs.recommended,
	{
		files: ['**/*.tsx', 'source/ui/**/*.ts'],
		plugins: {'react-hooks': reactHooks},
		rules: {
			'react-hooks/rules-of-hooks': 'error',
			'react-hooks/exhaustive-deps': 'warn',
		},
	},
	{
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none'}],
			'@typescript-eslint/consistent-type-imports': ['error', {fixStyle: 'inline-type-imports'}],
		},
	},
	{files: ['**/*.js'], languageOptions: {globals: globals.node}},
	prettier,
);

// Lint rules: the recommended sets for JavaScript, TypeScript, React hooks and accessibility
// (jsx-a11y), plus the few rules that catch real bugs in this codebase.
import js from "@eslint/js";
import jsxA11y from "eslint-plugin-jsx-a11y";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "build/",
      "public/build/",
      "public/embed/v1.js",
      "app/db/generated/",
      "node_modules/",
      "data/",
      ".cache/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  jsxA11y.flatConfigs.recommended,
  {
    plugins: { "react-hooks": reactHooks },
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-console": ["error", { allow: ["error"] }],
      eqeqeq: ["error", "smart"],
      // Scrollable regions must be focusable (axe: scrollable-region-focusable).
      "jsx-a11y/no-noninteractive-tabindex": ["error", { roles: ["tabpanel", "region"] }],
    },
  },
  {
    // Command-line tools and tests talk on standard output by design.
    files: ["app/cli/**", "prisma/tools/**", "test/**", "bench/**"],
    rules: { "no-console": "off" },
  },
);

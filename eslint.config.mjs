/**
 * Lint: typescript-eslint's recommended rules, plus the repository's structure as rules
 * (docs/architecture.md §Layout): imports flow one way, `scripts → local → infra → lambdas`
 * (test/ may import anything, nothing outside test/ imports test/), web/ imports only
 * web/, no import cycles, and Lambda code uses `zod/mini`, never classic `zod`.
 * No type-aware rules: lint stays a few seconds, tsc does the type checking.
 */
import js from "@eslint/js";
import { createNodeResolver, importX } from "eslint-plugin-import-x";
import globals from "globals";
import tseslint from "typescript-eslint";

/** One-way arrows: files under `target` may not import from `from`. */
const arrow = (target, from, why) => ({ target, from, message: why });
const NOT_TEST = "Nothing outside test/ imports test/: move what both need into the source tree.";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", ".local/", "test-output/", "coverage/"] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    plugins: { "import-x": importX },
    settings: {
      // Without these, import-x follows only .js files and no-cycle never sees a .ts import.
      "import-x/extensions": [".ts", ".js", ".cjs", ".mjs"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
      "import-x/resolver-next": [createNodeResolver({ extensions: [".ts", ".js", ".cjs", ".mjs", ".json"] })],
    },
    rules: {
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "import-x/no-restricted-paths": [
        "error",
        {
          zones: [
            arrow("./lambdas", "./infra", "lambdas/ may not import infra/ (imports flow scripts → local → infra → lambdas): define the contract in lambdas/ and let infra import it."),
            arrow("./lambdas", "./local", "lambdas/ may not import local/ (imports flow scripts → local → infra → lambdas)."),
            arrow("./lambdas", "./scripts", "lambdas/ may not import scripts/ (imports flow scripts → local → infra → lambdas)."),
            arrow("./lambdas", "./test", NOT_TEST),
            arrow("./infra", "./local", "infra/ may not import local/ (imports flow scripts → local → infra → lambdas)."),
            arrow("./infra", "./scripts", "infra/ may not import scripts/ (imports flow scripts → local → infra → lambdas)."),
            arrow("./infra", "./test", NOT_TEST),
            arrow("./local", "./scripts", "local/ may not import scripts/ (imports flow scripts → local → infra → lambdas): move the shared code into local/ or below."),
            arrow("./local", "./test", NOT_TEST),
            arrow("./scripts", "./test", NOT_TEST),
            arrow("./web", ["./infra", "./lambdas", "./local", "./scripts", "./test"], "web/ is served as is: it imports only web/."),
          ],
        },
      ],
      // Unused arguments named _x document a callback's shape.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    files: ["lambdas/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [{ name: "zod", message: "Lambda code imports \"zod/mini\": classic zod's chained schemas cannot be tree-shaken and cost ~85 KB minified in every bundle." }],
          patterns: [
            {
              regex: "^zod/(v3|v4|v4/classic|classic)(/.*)?$",
              message: "Lambda code imports \"zod/mini\": classic zod's chained schemas cannot be tree-shaken and cost ~85 KB minified in every bundle.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["web/**/*.js"],
    languageOptions: { sourceType: "module", globals: globals.browser },
    rules: {
      // No build step: a bare specifier would not load in the browser.
      "no-restricted-imports": ["error", { patterns: [{ regex: "^(?!\\.{1,2}/)", message: "web/ imports only relative paths inside web/ (no build step)." }] }],
      // The browser loads exactly the path written: one that does not resolve is a 404.
      // web/vendor/ is the exception: the page server maps exactly those two URLs to the
      // pinned npm packages (local/hosting/page-server.ts VENDOR_MODULES, unit-tested there).
      "import-x/no-unresolved": ["error", { ignore: ["^\\.\\./vendor/(marked|purify)\\.js$"] }],
      "import-x/extensions": ["error", "always"],
    },
  },
  {
    files: ["**/*.cjs", "jest.config.js"],
    languageOptions: { sourceType: "commonjs", globals: globals.node },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["**/*.ts", "**/*.mjs"],
    languageOptions: { globals: globals.node },
  },
);

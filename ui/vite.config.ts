import { defineConfig } from "vite";

// React without @vitejs/plugin-react: esbuild's automatic JSX is enough for
// a desktop app (no fast refresh needed in the shipped build).
export default defineConfig({
  esbuild: { jsx: "automatic" },
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: { target: "es2022", outDir: "dist", emptyOutDir: true },
  test: { environment: "jsdom", include: ["src/**/*.test.ts", "src/**/*.test.tsx"] },
} as never);

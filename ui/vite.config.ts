// Vite build for the Luring desktop UI: Preact TSX through esbuild's automatic JSX,
// relative asset paths so the Tauri shell can load dist/ from disk, no network at runtime.
import { defineConfig } from "vite";

export default defineConfig({
  base: "./",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  server: { port: 5173, strictPort: true },
  clearScreen: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2021",
    sourcemap: false,
  },
});

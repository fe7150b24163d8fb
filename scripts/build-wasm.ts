// `npm run build:wasm`: compiles the wasm engine's kernels (src/wasm/assembly/) into src/wasm/kernels-wasm.ts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KERNELS_MODULE, kernelsModuleText } from './lib/wasm-build';

const root = join(import.meta.dirname, '..');
writeFileSync(join(root, KERNELS_MODULE), await kernelsModuleText(root));
console.log(`wrote ${KERNELS_MODULE}`);

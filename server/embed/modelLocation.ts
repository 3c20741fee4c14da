/**
 * Where an embedding model lives on disk and what identifies it. Kept apart from the
 * loader so the resolution rules (shipped default, local folder, hub id) can be read
 * and tested without starting onnxruntime.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { ConexusError, ErrorCode } from '../../protocol/errors';

/** The model shipped with the extension, under `models/`. */
export const SHIPPED_MODEL = 'conexus-code-v1';

/** What `loadEmbedder` is asked to load. */
export const ModelSpecSchema = z.object({
  /** '' = shipped default, 'none' = semantic search off, a Hugging Face model id, or a local folder path. */
  model: z.string(),
  /** Let transformers.js fetch a hub model that is not on this machine. */
  allowDownload: z.boolean(),
  /** Folder holding shipped models; default `defaultModelsDir()`. */
  modelsDir: z.string().optional(),
  /** Folder transformers.js caches downloaded models in. */
  cacheDir: z.string().optional(),
});

/** A model resolved to the two things transformers.js needs: a parent folder and a name inside it. */
export interface ModelLocation {
  /** The parent folder, given to transformers.js as `env.localModelPath`. */
  localModelPath: string;
  /** The name passed to `pipeline()`: a folder name or a hub id such as `Xenova/all-MiniLM-L6-v2`. */
  name: string;
  /** The model's folder when it is on disk, else null (a hub id that must be downloaded). */
  folder: string | null;
  /** How the user named the model, for messages. */
  label: string;
}

/**
 * The folder holding shipped models. The package root is found by walking up from this
 * file's folder to the nearest `package.json`, which works both from the TypeScript
 * source (`server/embed/`) and from the esbuild bundle (`dist/`).
 */
export function defaultModelsDir(): string {
  const start = typeof __dirname === 'string' ? __dirname : process.cwd();
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'models'))) return join(dir, 'models');
    const parent = dirname(dir);
    if (parent === dir) return join(start, '..', '..', 'models');
    dir = parent;
  }
}

/** True when a model string names a path rather than a hub id. */
function looksLikePath(model: string): boolean {
  return isAbsolute(model) || model.startsWith('.') || model.startsWith('~') || /[\\]/.test(model) || existsSync(model);
}

/**
 * Resolves a spec to a location, throwing `ModelUnavailable` with a next step when the
 * model is switched off, missing locally, or would need a download that is not allowed.
 */
export function resolveModel(spec: z.infer<typeof ModelSpecSchema>): ModelLocation {
  const model = spec.model.trim();
  const modelsDir = resolve(spec.modelsDir ?? defaultModelsDir());
  if (model.toLowerCase() === 'none') {
    throw new ConexusError(ErrorCode.ModelUnavailable,
      'Semantic search is off (conexus.embedding.model is "none"); keyword search still works. Set it to "" for the shipped model to turn semantic search on.');
  }
  if (model === '') {
    const folder = join(modelsDir, SHIPPED_MODEL);
    if (!existsSync(join(folder, 'config.json'))) {
      throw new ConexusError(ErrorCode.ModelUnavailable,
        `The shipped embedding model is missing from ${folder}; reinstall the extension or set conexus.embedding.model to a local model folder. Keyword search still works.`);
    }
    return { localModelPath: modelsDir, name: SHIPPED_MODEL, folder, label: SHIPPED_MODEL };
  }
  if (looksLikePath(model)) {
    const folder = resolve(model.startsWith('~') ? join(process.env.HOME ?? '', model.slice(1)) : model);
    if (!existsSync(join(folder, 'config.json'))) {
      throw new ConexusError(ErrorCode.ModelUnavailable,
        `No model at ${folder} (expected config.json, tokenizer.json and onnx/model.onnx in the Hugging Face layout); fix conexus.embedding.model. Keyword search still works.`);
    }
    return { localModelPath: dirname(folder), name: basename(folder), folder, label: model };
  }
  // A hub id: look in the models folder and the download cache before the network.
  for (const base of [modelsDir, spec.cacheDir].filter((d): d is string => !!d)) {
    const folder = join(resolve(base), model);
    if (existsSync(join(folder, 'config.json'))) return { localModelPath: resolve(base), name: model, folder, label: model };
  }
  if (!spec.allowDownload) {
    throw new ConexusError(ErrorCode.ModelUnavailable,
      `Model ${model} is not on this machine; put it in ${join(modelsDir, model)} or enable conexus.embedding.allowDownload. Keyword search still works.`);
  }
  return { localModelPath: modelsDir, name: model, folder: null, label: model };
}

/** Which ONNX weights to load: fp32 when `onnx/model.onnx` exists, else the quantised file. */
export function chooseDtype(folder: string | null): 'fp32' | 'q8' {
  if (!folder) return 'fp32';
  if (existsSync(join(folder, 'onnx', 'model.onnx'))) return 'fp32';
  if (existsSync(join(folder, 'onnx', 'model_quantized.onnx'))) return 'q8';
  throw new ConexusError(ErrorCode.ModelUnavailable,
    `Model folder ${folder} has no onnx/model.onnx or onnx/model_quantized.onnx; re-export the model or choose another one.`);
}

/**
 * A short identity for a model's files: its name plus a hash of config.json,
 * tokenizer.json and the ONNX file's size and content (its first and last MiB, which
 * any retraining changes), so vectors stored under one id are never mixed with vectors
 * from a changed model — and a reinstall or fresh checkout of the same model, which
 * changes only file times, does not re-embed the workspace.
 */
export function modelId(loc: ModelLocation, dtype: string): string {
  const h = createHash('sha256');
  h.update(`${loc.name}\0${dtype}\0`);
  if (loc.folder) {
    for (const file of ['config.json', 'tokenizer.json']) {
      const p = join(loc.folder, file);
      if (existsSync(p)) h.update(readFileSync(p));
    }
    const onnx = join(loc.folder, 'onnx', dtype === 'q8' ? 'model_quantized.onnx' : 'model.onnx');
    if (existsSync(onnx)) {
      const size = statSync(onnx).size;
      h.update(`${size}:`);
      const fd = openSync(onnx, 'r');
      try {
        const span = Math.min(size, 1 << 20);
        const buf = Buffer.alloc(span);
        readSync(fd, buf, 0, span, 0);
        h.update(buf);
        readSync(fd, buf, 0, span, size - span);
        h.update(buf);
      } finally {
        closeSync(fd);
      }
    }
  }
  return `${loc.name.replace(/[^A-Za-z0-9._-]+/g, '_')}@${h.digest('hex').slice(0, 12)}`;
}

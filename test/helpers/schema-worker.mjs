// Runs in a plain Node worker thread: the @kubernetes-models packages are ESM-only, which
// Jest's module loader cannot load. Returns null when valid, else the schema error text.
import { pathToFileURL } from 'node:url';
import { runAsWorker } from 'synckit';

runAsWorker(async (file, kind, manifest) => {
  const module = await import(pathToFileURL(file).href);
  try {
    new module[kind](manifest).validate();
    return null;
  } catch (e) {
    return e.message;
  }
});

// Validates every object of the given Kubernetes YAML files with kubernetes-models' typed classes (their OpenAPI
// schemas), and refuses what those schemas alone let through: an unknown apiVersion/kind, and fields the schema does
// not know (the generated validators ignore extra properties, so the fields each validator reads are recorded and any
// other one is an error).
// usage: node validate-manifests.mjs [--json] <node_modules dir holding kubernetes-models and yaml> <file.yaml>...
// Prints one "ok" line per object (with --json: instead, once all are valid, [{file, object}] for the tests to read);
// on any problem prints "<file>: <Kind>/<name>: <problem>" lines to stderr and exits 1.
import { createRequire } from "node:module";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const json = args[0] === "--json";
const [modulesArg, ...files] = json ? args.slice(1) : args;
const modules = modulesArg && resolve(modulesArg);
if (!modules || files.length === 0) {
  console.error("usage: node validate-manifests.mjs <node_modules dir> <file.yaml>...");
  process.exit(2);
}

const YAML = createRequire(join(modules, "_resolve.js"))("yaml");

// apiVersion "apps/v1" -> kubernetes-models/apps/v1/<Kind>.js; "v1" (the core group) -> kubernetes-models/v1/<Kind>.js.
async function modelClass(apiVersion, kind) {
  if (typeof apiVersion !== "string" || typeof kind !== "string" || !/^[A-Za-z0-9]+$/.test(kind) ||
      !/^([a-z0-9.-]+\/)?v[0-9a-z]+$/.test(apiVersion)) {
    return null;
  }
  const file = join(modules, "kubernetes-models", ...apiVersion.split("/"), `${kind}.js`);
  if (!existsSync(file)) {
    return null;
  }
  const module = await import(pathToFileURL(file).href);
  return module[kind] ?? null;
}

// A view of obj that records the path of every own property read through it (at any depth).
function tracked(obj, path, read, cache) {
  if (obj === null || typeof obj !== "object") {
    return obj;
  }
  if (cache.has(obj)) {
    return cache.get(obj);
  }
  const proxy = new Proxy(obj, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof key === "string" && Object.prototype.hasOwnProperty.call(target, key)) {
        const at = `${path}/${key}`;
        read.add(at);
        return tracked(value, at, read, cache);
      }
      return value;
    },
  });
  cache.set(obj, proxy);
  return proxy;
}

function unknownFields(obj, path, read, found) {
  if (obj === null || typeof obj !== "object") {
    return found;
  }
  for (const key of Object.keys(obj)) {
    const at = `${path}/${key}`;
    if (!read.has(at)) {
      found.push(at || "/");
    } else {
      unknownFields(obj[key], at, read, found);
    }
  }
  return found;
}

const problems = [];
const valid = [];
for (const file of files) {
  let documents;
  try {
    documents = YAML.parseAllDocuments(readFileSync(file, "utf8"));
  } catch (e) {
    problems.push(`${file}: cannot be read: ${e.message}`);
    continue;
  }
  for (const document of documents) {
    if (document.errors.length > 0) {
      problems.push(`${file}: not valid YAML: ${document.errors.map((e) => e.message).join("; ")}`);
      continue;
    }
    const object = document.toJS();
    if (object === null || object === undefined) {
      continue;
    }
    const name = `${object.kind}/${object.metadata?.name ?? "(no name)"}`;
    const Model = await modelClass(object.apiVersion, object.kind);
    if (!Model) {
      problems.push(`${file}: ${name}: unknown apiVersion/kind ${object.apiVersion}/${object.kind}`);
      continue;
    }
    const model = new Model(object);
    const read = new Set();
    try {
      model.validate.call(tracked(model, "", read, new WeakMap()));
    } catch (e) {
      problems.push(`${file}: ${name}: ${e.message}`);
      continue;
    }
    const unknown = unknownFields(model, "", read, []);
    if (unknown.length > 0) {
      problems.push(`${file}: ${name}: unknown field(s) ${unknown.join(", ")}`);
      continue;
    }
    valid.push({ file, object });
    if (!json) {
      console.log(`ok ${file}: ${name}`);
    }
  }
}

for (const problem of problems) {
  console.error(problem);
}
if (json && problems.length === 0) {
  console.log(JSON.stringify(valid));
}
process.exit(problems.length > 0 ? 1 : 0);

#!/usr/bin/env node
// Peer benchmark: nlp.js (@nlpjs/basic + @nlpjs/lang-tr) trained on the
// examples of destek's knowledge base, judged on the same labelled eval file
// as destek's own matcher. See README.md in this folder.
'use strict';

const fs = require('fs');
const path = require('path');

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const SKIP_FILES = new Set(['shop.json', 'lexicon.json', 'dialogue.json']);
const FALLBACK = 'fallback';

function usage(code) {
  const text = `usage: node bench.js [options]
  --kb DIR          knowledge base directory (default: <repo>/intents)
  --eval FILE       labelled TSV, utterance<TAB>intent (default: <repo>/../shared/eval/dev.tsv)
  --threshold T     nlp.js score threshold, below it => fallback (default: 0.5, nlp.js's own default)
  --seconds S       minimum duration of one timed run (default: 3)
  --runs N          timed throughput runs, the median is reported (default: 5)
  --errors          also list every misclassified utterance
  --json            print one JSON object instead of the text report
  -h, --help        this text
`;
  (code ? process.stderr : process.stdout).write(text);
  process.exit(code);
}

function parseArgs(argv) {
  const opt = {
    kb: path.join(REPO_ROOT, 'intents'),
    eval: path.join(REPO_ROOT, '..', 'shared', 'eval', 'dev.tsv'),
    threshold: 0.5,
    seconds: 3,
    runs: 5,
    errors: false,
    json: false,
  };
  const value = (i) => {
    if (i + 1 >= argv.length) {
      console.error(`bench.js: ${argv[i]} needs a value`);
      usage(2);
    }
    return argv[i + 1];
  };
  const number = (i) => {
    const n = Number(value(i));
    if (!Number.isFinite(n) || n < 0) {
      console.error(`bench.js: ${argv[i]}: not a number: ${argv[i + 1]}`);
      usage(2);
    }
    return n;
  };
  for (let i = 0; i < argv.length; i += 1) {
    switch (argv[i]) {
      case '--kb': opt.kb = path.resolve(value(i)); i += 1; break;
      case '--eval': opt.eval = path.resolve(value(i)); i += 1; break;
      case '--threshold': opt.threshold = number(i); i += 1; break;
      case '--seconds': opt.seconds = number(i); i += 1; break;
      case '--runs': opt.runs = Math.max(1, Math.round(number(i))); i += 1; break;
      case '--errors': opt.errors = true; break;
      case '--json': opt.json = true; break;
      case '-h': case '--help': usage(0); break;
      default:
        console.error(`bench.js: unknown argument: ${argv[i]}`);
        usage(2);
    }
  }
  return opt;
}

function fail(msg) {
  console.error(`bench.js: ${msg}`);
  process.exit(1);
}

// Every *.json in the KB directory except shop.json and lexicon.json, in name
// order, holds {"intents": [{"id", "examples", ...}]}.
function loadKb(dir) {
  let names;
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    fail(`cannot read KB directory ${dir}: ${err.message}`);
  }
  names = names.filter((n) => n.endsWith('.json') && !SKIP_FILES.has(n)).sort();
  const intents = [];
  const seen = new Map();
  for (const name of names) {
    const file = path.join(dir, name);
    let doc;
    try {
      doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      fail(`${file}: ${err.message}`);
    }
    if (!doc || !Array.isArray(doc.intents)) fail(`${file}: no "intents" array`);
    for (const it of doc.intents) {
      if (!it || typeof it.id !== 'string') fail(`${file}: an intent without a string "id"`);
      if (seen.has(it.id)) fail(`${file}: intent ${it.id} already defined in ${seen.get(it.id)}`);
      seen.set(it.id, name);
      const examples = (Array.isArray(it.examples) ? it.examples : [])
        .filter((e) => typeof e === 'string' && e.trim() !== '');
      intents.push({ id: it.id, examples });
    }
  }
  return { files: names, intents };
}

// utterance<TAB>intent; '#' lines are comments; "a|b" accepts either id.
function loadEval(file) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    fail(`cannot read eval file ${file}: ${err.message}`);
  }
  const items = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const tab = line.lastIndexOf('\t');
    if (tab < 0) fail(`${file}:${i + 1}: no TAB between utterance and intent`);
    const utterance = line.slice(0, tab).trim();
    const labels = line.slice(tab + 1).split('|').map((s) => s.trim()).filter(Boolean);
    if (!utterance || labels.length === 0) fail(`${file}:${i + 1}: empty utterance or intent`);
    items.push({ utterance, labels, line: i + 1 });
  });
  if (items.length === 0) fail(`${file}: no labelled lines`);
  return items;
}

async function buildNlp(threshold) {
  // Loading @nlpjs/basic builds a pino logger that prints a deprecation
  // warning unless NODE_ENV is 'production'. That logger is not used here.
  const env = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  const { containerBootstrap, Nlp } = require('@nlpjs/basic');
  const { LangTr } = require('@nlpjs/lang-tr');
  if (env === undefined) delete process.env.NODE_ENV;
  else process.env.NODE_ENV = env;
  // Point every file nlp.js would look for in the working directory
  // (conf.json, pipelines.md, plugins/, .env) at nothing, so the run does not
  // depend on where it is started from.
  const none = path.join(__dirname, '.none');
  const container = await containerBootstrap({
    loadEnv: false,
    pathConfiguration: path.join(none, 'conf.json'),
    pathPipeline: path.join(none, 'pipelines.md'),
    pathPlugins: path.join(none, 'plugins'),
    settings: {
      nlp: {
        autoSave: false, // never write model.nlp
        autoLoad: false,
        threshold,
        calculateSentiment: false, // not part of intent matching
        nlu: { log: false }, // no per-epoch training log
      },
    },
  });
  // Quiet logs, and never on stdout (which --json keeps for the figures):
  // warnings and errors go to stderr, the rest is dropped.
  const toStderr = (...args) => console.error('nlp.js:', ...args);
  const quiet = () => {};
  container.register('logger', {
    name: 'logger', trace: quiet, debug: quiet, info: quiet, log: quiet,
    warn: toStderr, error: toStderr, fatal: toStderr,
  }, true);
  container.use(Nlp);
  container.use(LangTr);
  const nlp = container.get('nlp');
  nlp.addLanguage('tr');
  return nlp;
}

async function classify(nlp, utterance) {
  const r = await nlp.process('tr', utterance);
  // process() already maps score < threshold to 'None'; the check is repeated
  // here so the rule is visible: 'None' or a low score is the fallback.
  if (!r.intent || r.intent === 'None' || r.score < nlp.settings.threshold) return FALLBACK;
  return r.intent;
}

// For spotting eval lines that are also training examples: Turkish lower
// case, punctuation dropped, spaces squeezed.
function plain(text) {
  return text.toLocaleLowerCase('tr').replace(/[^\p{L}\p{N}\s]/gu, ' ').replace(/\s+/g, ' ').trim();
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function percentile(sorted, p) {
  // nearest-rank on an ascending array
  const k = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[k];
}

async function main() {
  const opt = parseArgs(process.argv.slice(2));
  const kb = loadKb(opt.kb);
  const items = loadEval(opt.eval);

  const trained = kb.intents.filter((it) => it.examples.length > 0);
  const skipped = kb.intents.filter((it) => it.examples.length === 0).map((it) => it.id);
  if (trained.length === 0) fail(`${opt.kb}: no intent has examples`);
  const known = new Set(kb.intents.map((it) => it.id).concat(FALLBACK));
  const unknownLabels = [...new Set(items.flatMap((x) => x.labels).filter((l) => !known.has(l)))];
  if (unknownLabels.length) {
    console.error(`bench.js: warning: eval labels not in the KB: ${unknownLabels.join(', ')}`);
  }

  // --- training
  const nlp = await buildNlp(opt.threshold);
  let nExamples = 0;
  for (const it of trained) {
    for (const ex of it.examples) {
      nlp.addDocument('tr', ex, it.id);
      nExamples += 1;
    }
  }
  const t0 = process.hrtime.bigint();
  await nlp.train();
  const trainMs = Number(process.hrtime.bigint() - t0) / 1e6;

  // --- accuracy (one pass; nlp.js is deterministic once trained)
  const predictions = [];
  for (const x of items) predictions.push(await classify(nlp, x.utterance));
  let correct = 0;
  let missed = 0; // a real request answered with fallback
  let falseAccept = 0; // an out-of-scope message given an intent
  let wrongIntent = 0; // a real request given another real intent
  const errors = [];
  // Eval lines copied into the KB's examples favour nlp.js (it has seen
  // them); accuracy is also given on the other lines alone.
  const seen = new Set(trained.flatMap((it) => it.examples.map(plain)));
  let nUnseen = 0;
  let correctUnseen = 0;
  items.forEach((x, i) => {
    const got = predictions[i];
    const unseen = !seen.has(plain(x.utterance));
    if (unseen) nUnseen += 1;
    if (x.labels.includes(got)) {
      correct += 1;
      if (unseen) correctUnseen += 1;
      return;
    }
    if (got === FALLBACK) missed += 1;
    else if (x.labels.includes(FALLBACK)) falseAccept += 1;
    else wrongIntent += 1;
    errors.push({ line: x.line, utterance: x.utterance, expected: x.labels.join('|'), got, seen: !unseen });
  });

  // --- throughput: whole set, repeated for >= opt.seconds, median of opt.runs
  const minNs = BigInt(Math.round(opt.seconds * 1e9));
  for (const x of items) await nlp.process('tr', x.utterance); // warm-up
  const rates = [];
  for (let r = 0; r < opt.runs; r += 1) {
    let n = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0n;
    do {
      for (const x of items) await classify(nlp, x.utterance);
      n += items.length;
      elapsed = process.hrtime.bigint() - start;
    } while (elapsed < minNs);
    rates.push(n / (Number(elapsed) / 1e9));
  }

  // --- latency: per-call timing, a separate run of >= opt.seconds
  const samples = [];
  {
    const start = process.hrtime.bigint();
    do {
      for (const x of items) {
        const a = process.hrtime.bigint();
        await classify(nlp, x.utterance);
        samples.push(Number(process.hrtime.bigint() - a) / 1e3);
      }
    } while (process.hrtime.bigint() - start < minNs);
  }
  samples.sort((a, b) => a - b);

  const pkgVersion = (name) => require(`${name}/package.json`).version;
  const result = {
    engine: 'nlp.js',
    node: process.version,
    nlpjs_basic: pkgVersion('@nlpjs/basic'),
    nlpjs_nlp: pkgVersion('@nlpjs/nlp'),
    nlpjs_lang_tr: pkgVersion('@nlpjs/lang-tr'),
    kb: opt.kb,
    eval: opt.eval,
    kb_files: kb.files.length,
    intents_trained: trained.length,
    intents_without_examples: skipped,
    examples: nExamples,
    threshold: opt.threshold,
    train_ms: +trainMs.toFixed(1),
    n: items.length,
    correct,
    accuracy: +(correct / items.length).toFixed(4),
    n_in_examples: items.length - nUnseen,
    n_unseen: nUnseen,
    accuracy_unseen: nUnseen ? +(correctUnseen / nUnseen).toFixed(4) : null,
    missed_as_fallback: missed,
    false_accept: falseAccept,
    wrong_intent: wrongIntent,
    msgs_per_s: Math.round(median(rates)),
    msgs_per_s_runs: rates.map(Math.round),
    p50_us: +percentile(samples, 50).toFixed(1),
    p99_us: +percentile(samples, 99).toFixed(1),
    latency_samples: samples.length,
  };
  if (opt.errors) result.errors = errors;

  if (opt.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const pct = (k) => `${((100 * k) / items.length).toFixed(1)}%`;
  const out = [];
  out.push(`nlp.js ${result.nlpjs_basic} (@nlpjs/nlp ${result.nlpjs_nlp}, @nlpjs/lang-tr ${result.nlpjs_lang_tr}) on node ${result.node}`);
  out.push(`KB:        ${opt.kb} (${kb.files.length} files, ${trained.length} intents, ${nExamples} examples` +
    `${skipped.length ? `; no examples: ${skipped.join(', ')}` : ''})`);
  out.push(`eval:      ${opt.eval} (${items.length} utterances)`);
  out.push(`threshold: ${opt.threshold} (intent 'None' or score below it => fallback)`);
  out.push(`training:  ${result.train_ms.toFixed(1)} ms`);
  out.push(`accuracy:  ${pct(correct)} (${correct}/${items.length}); wrong: ${missed} real request -> fallback, ` +
    `${falseAccept} out-of-scope -> intent, ${wrongIntent} wrong intent`);
  out.push(`           ${items.length - nUnseen} eval lines are also training examples; on the other ${nUnseen}: ` +
    `${nUnseen ? ((100 * correctUnseen) / nUnseen).toFixed(1) : '-'}% (${correctUnseen}/${nUnseen})`);
  out.push(`speed:     ${result.msgs_per_s} msg/s (median of ${opt.runs} runs of >= ${opt.seconds} s: ${result.msgs_per_s_runs.join(', ')})`);
  out.push(`latency:   p50 ${result.p50_us} us, p99 ${result.p99_us} us per message (${samples.length} timed calls)`);
  if (opt.errors) {
    out.push('errors (line: utterance => got, expected):');
    for (const e of errors) {
      out.push(`  ${e.line}: ${e.utterance} => ${e.got}, expected ${e.expected}${e.seen ? ' (a training example)' : ''}`);
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((err) => {
  console.error(`bench.js: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
});

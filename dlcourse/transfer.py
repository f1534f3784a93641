"""Plumbing for chapter 13 (transfer learning): subsets, the texture crops adapted to the
course's base, the models the chapter compares, a runner that trains them over several
seeds and training-set sizes, the committed results of that runner, and their figures.

What the chapter *teaches* (extracting bottleneck features, a head on them, unfreezing the
top block, recompiling, a checkpoint) is written out in the chapter itself; this module
holds what would only repeat it: the same recipe run many times.

The measurements behind the chapter's training-set-size figure and its four-case table take
minutes, more than a chapter may take to build: ``tools/transfer_sizes.py`` runs them with
:func:`run_experiment` and writes :data:`RESULTS_FILE`, which :func:`load_results` reads.
"""

import json
import time
from pathlib import Path

import numpy as np

RESULTS_FILE = Path(__file__).resolve().parent / "transfer_sizes.json"

# How each method trains (the same in the chapter, the tool and the tests).
HEAD_LEARNING_RATE = 0.003
FINE_TUNE_LEARNING_RATE = 1e-4
FINE_TUNE_EPOCHS = 5
SCRATCH_LEARNING_RATE = 1e-3
BATCH = 16

METHODS = {
    "scratch": "small convnet from scratch",
    "random base": "random frozen base + head",
    "feature extraction": "pretrained frozen base + head",
    "block 2 features": "pretrained base cut after block 2 + head",
    "fine-tuning": "head first, then block 3 fine-tuned",
}


# ------------------------------------------------------------------ data


def balanced_subset(labels, n, seed):
    """Sorted row indices of ``n`` examples, as many of each class as possible (``n`` split
    evenly over the classes of ``labels``), drawn without replacement with ``seed``."""
    labels = np.asarray(labels)
    classes = np.unique(labels)
    if n % len(classes):
        raise ValueError(f"n={n} does not split evenly over {len(classes)} classes")
    rng = np.random.default_rng(seed)
    rows = [rng.choice(np.flatnonzero(labels == k), n // len(classes), replace=False)
            for k in classes]
    return np.sort(np.concatenate(rows))


def textures_for_base(split, n_per_class):
    """Texture crops (brick, grass, gravel) in the course base's input format: 64 x 64 crops
    of the gray photographs, the gray channel copied into red, green and blue."""
    from dlcourse.data import load_textures

    images, labels = load_textures(split, n_per_class=n_per_class, size=64)
    return np.repeat(images, 3, axis=-1), labels


# ------------------------------------------------------------------ models


def gap_head(input_shape, classes=2, name="head"):
    """GlobalAveragePooling2D + one Dense output layer (sigmoid for two classes, softmax for
    more), reading features of ``input_shape``."""
    import keras
    from keras import layers

    output = (layers.Dense(1, activation="sigmoid") if classes == 2
              else layers.Dense(classes, activation="softmax"))
    return keras.Sequential([keras.Input(shape=input_shape), layers.GlobalAveragePooling2D(),
                             output], name=name)


def small_convnet(input_shape=(64, 64, 3), classes=2):
    """The scratch convnet of the data report: four 3x3 convolutions (16, 32, 64, 128), three
    poolings, global max pooling and the output layer."""
    import keras
    from keras import layers

    output = (layers.Dense(1, activation="sigmoid") if classes == 2
              else layers.Dense(classes, activation="softmax"))
    return keras.Sequential([
        keras.Input(shape=input_shape),
        layers.Conv2D(16, 3, activation="relu", padding="same"), layers.MaxPooling2D(),
        layers.Conv2D(32, 3, activation="relu", padding="same"), layers.MaxPooling2D(),
        layers.Conv2D(64, 3, activation="relu", padding="same"), layers.MaxPooling2D(),
        layers.Conv2D(128, 3, activation="relu", padding="same"),
        layers.GlobalMaxPooling2D(), output,
    ], name="small_convnet")


def cut_base(base, last_layer):
    """The layers of ``base`` up to and including ``last_layer`` (a name), as a new model
    that shares their weights."""
    import keras

    names = [layer.name for layer in base.layers]
    if last_layer not in names:
        raise ValueError(f"{last_layer!r} is not a layer of {base.name}: {names}")
    return keras.Model(base.inputs, base.get_layer(last_layer).output,
                       name=f"{base.name}_to_{last_layer}")


def _compile(model, learning_rate, classes):
    import keras

    loss = "binary_crossentropy" if classes == 2 else "sparse_categorical_crossentropy"
    metric = "binary_accuracy" if classes == 2 else "accuracy"
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss=loss,
                  metrics=[metric])
    return model


def accuracy(model, x, y):
    """The fraction of right answers of ``model`` on ``x`` (a sigmoid output thresholded at
    0.5, or the arg-max of a softmax)."""
    p = np.asarray(model.predict(x, verbose=0, batch_size=256), dtype=np.float64)
    guess = (p[:, 0] > 0.5).astype(int) if p.shape[1] == 1 else p.argmax(axis=1)
    return float(np.mean(guess == np.asarray(y)))


def head_epochs(n):
    """Epochs for a head trained on ``n`` examples: about 600 gradient steps of 16 examples,
    between 10 and 60 epochs."""
    return int(np.clip(round(600 * BATCH / n), 10, 60))


def scratch_epochs(n):
    """Epochs for the scratch convnet on ``n`` images: 15 on 2,000 (as the data report
    trains it) and more on fewer, up to 80."""
    return int(np.clip(round(15 * (2000 / n) ** 0.5), 15, 80))


# ------------------------------------------------------------------ the experiment


def _extractor(method, seed):
    """The model whose output a head reads, for the methods that train a head only."""
    import dlcourse
    from dlcourse.pretrained import load_base

    if method == "random base":
        dlcourse.seed(seed)  # the random weights depend on the seed
        return load_base(weights=None)
    if method == "block 2 features":
        return cut_base(load_base(), "block2_pool")
    return load_base()


def _train_head(features, y, features_val, y_val, classes):
    head = _compile(gap_head(features.shape[1:], classes), HEAD_LEARNING_RATE, classes)
    head.fit(features, y, epochs=head_epochs(len(features)), batch_size=BATCH, verbose=0)
    return head, accuracy(head, features_val, y_val)


def _scratch(x, y, x_val, y_val, classes):
    model = _compile(small_convnet(x.shape[1:], classes), SCRATCH_LEARNING_RATE, classes)
    model.fit(x, y, epochs=scratch_epochs(len(x)), batch_size=BATCH, verbose=0)
    return accuracy(model, x_val, y_val)


def _fine_tuning(head, x, y, x_val, y_val, classes):
    """Block 3 of a fresh pretrained base unfrozen under the trained ``head``, recompiled
    with a small learning rate, trained a few epochs."""
    import keras

    from dlcourse.pretrained import load_base

    base = load_base(trainable=True)
    for layer in base.layers:
        layer.trainable = layer.name.startswith("block3_")
    inputs = keras.Input(shape=x.shape[1:])
    model = keras.Model(inputs, head(base(inputs, training=False)))
    _compile(model, FINE_TUNE_LEARNING_RATE, classes)
    model.fit(x, y, epochs=FINE_TUNE_EPOCHS, batch_size=BATCH, verbose=0)
    return accuracy(model, x_val, y_val)


def run_experiment(tasks, seeds, log=print, save=None, done=()):
    """For each task ``{name: {"train": (x, y), "valid": (x, y), "sizes": [...],
    "classes": k, "methods": [...], "case_sizes": [...]}}``, each training-set size (in the
    order given) and each seed, train every method on a balanced subset of that size (drawn
    with the seed) and score it on the whole validation set; the random base and the
    block-2 features only at the ``case_sizes`` (all sizes when the task gives none).

    A frozen extractor's features are computed once per task (and seed, for the random base)
    and the subsets are rows of them: the same numbers as running the frozen base inside the
    model, much faster. Fine-tuning starts from the feature-extraction head of the same
    subset and seed. ``save(results)`` is called after every size and seed with the results
    so far (a JSON-able dict of accuracies and seconds), which are also returned. Runs
    listed in ``done`` as ``(task, size, seed, method)`` are not repeated (resuming)."""
    import keras

    import dlcourse

    out = {}
    for name, task in tasks.items():
        (x, y), (x_val, y_val) = task["train"], task["valid"]
        classes, methods = task.get("classes", 2), task.get("methods", tuple(METHODS))
        runs = []
        out[name] = {"validation_images": int(len(y_val)), "classes": int(classes),
                     "runs": runs}
        cache = {}

        def features(method, seed, cache=cache, x=x, x_val=x_val):
            key = (method, seed if method == "random base" else None)
            if key not in cache:
                extractor = _extractor(method, seed)
                cache[key] = tuple(extractor.predict(a, verbose=0, batch_size=256)
                                   for a in (x, x_val))
            return cache[key]

        for n in task["sizes"]:
            for seed in seeds:
                rows = balanced_subset(y, n, seed) if n < len(y) else np.arange(len(y))
                scores, heads = {}, {}
                for method in methods:
                    if method in ("random base", "block 2 features") \
                            and n not in task.get("case_sizes", [n]):
                        continue
                    if (n, method) in task.get("skip", ()) or (name, n, seed, method) in done:
                        continue
                    keras.backend.clear_session(free_memory=False)
                    dlcourse.seed(seed)
                    start = time.perf_counter()
                    if method == "scratch":
                        score = _scratch(x[rows], y[rows], x_val, y_val, classes)
                    elif method == "fine-tuning":
                        head = heads.get("feature extraction")
                        if head is None:
                            f, f_val = features("feature extraction", seed)
                            head, _ = _train_head(f[rows], y[rows], f_val, y_val, classes)
                        score = _fine_tuning(head, x[rows], y[rows], x_val, y_val, classes)
                    else:
                        f, f_val = features(method, seed)
                        heads[method], score = _train_head(f[rows], y[rows], f_val, y_val,
                                                           classes)
                    scores[method] = (score, time.perf_counter() - start)
                for method, (score, seconds) in scores.items():
                    runs.append({"size": int(n), "seed": int(seed), "method": method,
                                 "accuracy": round(score, 4), "seconds": round(seconds, 2)})
                if not scores:
                    continue
                log(f"{name} n={n} seed={seed}: " + ", ".join(
                    f"{m} {s:.3f} ({t:.0f} s)" for m, (s, t) in scores.items()))
                if save is not None:
                    save(out)
    return out


# ------------------------------------------------------------------ reading the results


def load_results(path=RESULTS_FILE):
    """The committed results of ``tools/transfer_sizes.py``."""
    return json.loads(Path(path).read_text())


DATA_REPORT = Path(__file__).resolve().parent / "data" / "report.json"


def data_report_runs(key="scratch_2000", method="scratch"):
    """One row of the committed data report (``dlcourse/data/report.json``) as runs of
    ``method``, one per seed: the scratch convnet on all 2,000 training scenes, which the
    data report measured over five seeds (15 epochs, batches of 32)."""
    row = json.loads(DATA_REPORT.read_text())["rows"][key]
    return [{"size": int(row["train_images"]), "seed": int(seed), "method": method,
             "accuracy": float(score), "source": "dlcourse/data/report.json"}
            for seed, score in zip(row["seeds"], row["scores"], strict=True)]


def summarize(runs, method, size=None):
    """``(sizes, means, mins, maxs)`` of one method's accuracies over seeds (at one size when
    ``size`` is given: then four numbers)."""
    sizes = sorted({r["size"] for r in runs if r["method"] == method})
    rows = []
    for n in sizes:
        values = [r["accuracy"] for r in runs if r["method"] == method and r["size"] == n]
        rows.append((n, float(np.mean(values)), min(values), max(values)))
    if size is not None:
        match = [row for row in rows if row[0] == size]
        if not match:
            raise KeyError(f"no runs of {method!r} with {size} training images")
        return match[0]
    return tuple(np.array(column) for column in zip(*rows, strict=True))


def complete(runs, seeds):
    """The runs of the ``(size, method)`` groups measured with every one of ``seeds``."""
    groups = {}
    for r in runs:
        groups.setdefault((r["size"], r["method"]), set()).add(r["seed"])
    keep = {key for key, found in groups.items() if set(seeds) <= found}
    return [r for r in runs if (r["size"], r["method"]) in keep]


def seed_count(runs):
    return len({r["seed"] for r in runs})


# ------------------------------------------------------------------ figures and tables


def plot_accuracy_vs_size(runs, methods, title=None, chance=None, ax=None, labels=None):
    """Mean accuracy against the number of training images (log scale), one line per method,
    with bars from the worst to the best seed."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 3.8))
    for k, method in enumerate(methods):
        sizes, means, lows, highs = summarize(runs, method)
        ax.errorbar(sizes * (1 + 0.03 * (k - 1)), means, yerr=[means - lows, highs - means],
                    marker="o", capsize=3, label=(labels or {}).get(method, method))
    if chance is not None:
        ax.axhline(chance, color="0.5", ls="--", lw=1, label="chance")
    ax.set_xscale("log")
    sizes = sorted({r["size"] for r in runs})
    ax.set_xticks(sizes, [f"{n:,}" for n in sizes])
    ax.minorticks_off()
    ax.set_xlabel("training images")
    ax.set_ylabel("validation accuracy")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9)
    if title:
        ax.set_title(title)
    ax.figure.tight_layout()
    return ax.figure


def plot_seed_scores(scores, title=None, chance=None, xlabel="validation accuracy"):
    """One row per model, one dot per seed: ``scores`` maps a label to its accuracies."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 0.55 * len(scores) + 1.3))
    for row, values in enumerate(scores.values()):
        ax.plot(values, [row] * len(values), "o", ms=8, alpha=0.7, color=f"C{row}")
    if chance is not None:
        ax.axvline(chance, color="0.5", ls="--", lw=1, label="chance")
        ax.legend(loc="lower right", fontsize=9)
    ax.set_yticks(range(len(scores)), list(scores))
    ax.set_ylim(-0.6, len(scores) - 0.4)
    ax.invert_yaxis()
    ax.set_xlabel(f"{xlabel} (one dot per seed)")
    ax.grid(axis="x", alpha=0.3)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def format_table(header, rows, widths=None):
    """A plain-text table: a header row, then the rows, columns right-aligned except the
    first, each as wide as its widest entry (or ``widths``)."""
    table = [list(map(str, header))] + [[str(v) for v in row] for row in rows]
    widths = widths or [max(len(r[i]) for r in table) for i in range(len(header))]
    lines = []
    for r in table:
        cells = [r[0].ljust(widths[0])] + [v.rjust(w) for v, w in zip(r[1:], widths[1:],
                                                                      strict=True)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)

"""The plumbing of chapter 13 (dlcourse.transfer) and the committed results it plots."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dlcourse import transfer  # noqa: E402


def test_balanced_subset_is_balanced_sorted_and_seeded():
    labels = np.array([0] * 30 + [1] * 50 + [2] * 20)
    rows = transfer.balanced_subset(labels, 30, seed=4)
    assert list(rows) == sorted(set(rows.tolist()))
    assert np.bincount(labels[rows]).tolist() == [10, 10, 10]
    assert np.array_equal(rows, transfer.balanced_subset(labels, 30, seed=4))
    assert not np.array_equal(rows, transfer.balanced_subset(labels, 30, seed=5))
    with pytest.raises(ValueError):
        transfer.balanced_subset(labels, 31, seed=0)


def test_textures_are_adapted_to_the_base_input():
    images, labels = transfer.textures_for_base("validation", 4)
    assert images.shape == (12, 64, 64, 3) and images.dtype == np.float32
    assert np.array_equal(images[..., 0], images[..., 2]), "gray copied into every channel"
    assert labels.tolist() == [0] * 4 + [1] * 4 + [2] * 4


def test_models_have_the_documented_shapes_and_sizes():
    import keras

    from dlcourse.pretrained import load_base

    head = transfer.gap_head((8, 8, 64))
    assert head.count_params() == 65
    assert tuple(head(np.zeros((2, 8, 8, 64), "float32")).shape) == (2, 1)
    assert transfer.gap_head((8, 8, 64), classes=3).count_params() == 195
    scratch = transfer.small_convnet()
    assert scratch.name == "small_convnet"
    assert tuple(scratch(np.zeros((1, 64, 64, 3), "float32")).shape) == (1, 1)
    cut = transfer.cut_base(load_base(), "block2_pool")
    assert tuple(cut.output.shape[1:]) == (16, 16, 32)
    x = np.random.default_rng(0).uniform(size=(2, 64, 64, 3)).astype("float32")
    base = load_base()
    inside = keras.Model(base.inputs, base.get_layer("block2_pool").output)
    assert np.allclose(cut.predict(x, verbose=0), inside.predict(x, verbose=0), atol=1e-5)
    with pytest.raises(ValueError):
        transfer.cut_base(load_base(), "block9_pool")


def test_epoch_rules_stay_in_their_ranges():
    assert transfer.head_epochs(30) == 60 and transfer.head_epochs(2000) == 10
    assert transfer.scratch_epochs(2000) == 15 and transfer.scratch_epochs(20) == 80
    assert all(10 <= transfer.head_epochs(n) <= 60 for n in range(10, 3000, 37))


def test_accuracy_reads_sigmoid_and_softmax_outputs():
    class Fixed:
        def __init__(self, p):
            self.p = np.asarray(p)

        def predict(self, x, verbose=0, batch_size=None):
            return self.p

    assert transfer.accuracy(Fixed([[0.9], [0.2], [0.6]]), None, [1, 0, 0]) == pytest.approx(2 / 3)
    assert transfer.accuracy(Fixed([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]]), None, [1, 1]) == 0.5


RUNS = [{"size": n, "seed": s, "method": m, "accuracy": a, "seconds": 1.0}
        for n, base in ((10, 0.6), (100, 0.8)) for s in (0, 1)
        for m, a in (("scratch", base - 0.1 + 0.02 * s), ("feature extraction", base + 0.01 * s))]


def test_summaries_figures_and_tables():
    sizes, means, lows, highs = transfer.summarize(RUNS, "scratch")
    assert sizes.tolist() == [10, 100]
    assert np.allclose(means, [0.51, 0.71]) and np.allclose(highs - lows, 0.02)
    assert transfer.summarize(RUNS, "feature extraction", size=100)[1] == pytest.approx(0.805)
    with pytest.raises(KeyError):
        transfer.summarize(RUNS, "scratch", size=50)
    assert transfer.seed_count(RUNS) == 2
    assert transfer.complete(RUNS, [0, 1]) == RUNS
    partial = transfer.complete(RUNS[:-1], [0, 1])
    assert partial == [r for r in RUNS if (r["size"], r["method"]) != (100, "feature extraction")]
    fig = transfer.plot_accuracy_vs_size(RUNS, ["scratch", "feature extraction"], chance=0.5,
                                         title="t")
    assert fig.axes[0].get_xscale() == "log"
    fig = transfer.plot_seed_scores({"a": [0.5, 0.6], "b": [0.7]}, chance=0.5)
    assert len(fig.axes[0].get_yticklabels()) == 2
    text = transfer.format_table(["method", "acc"], [["scratch", "0.51"], ["x", "0.9"]])
    assert text.splitlines() == ["method    acc", "scratch  0.51", "x         0.9"]


def test_the_data_report_row_reads_as_runs():
    runs = transfer.data_report_runs()
    assert len(runs) >= 3 and {r["size"] for r in runs} == {2000}
    assert all(0.5 < r["accuracy"] <= 1 and r["method"] == "scratch" for r in runs)


def test_committed_results_cover_what_the_chapter_reads():
    if not transfer.RESULTS_FILE.exists():
        pytest.skip("tools/transfer_sizes.py has not been run")
    results = transfer.load_results()
    seeds = results["seeds"]
    assert len(seeds) >= 3
    for task, sizes in (("vehicles", [50, 200, 2000]), ("textures", [30, 90, 600])):
        section = results["tasks"][task]
        assert section["environment"]["onednn"]
        runs = transfer.complete(section["runs"], seeds)
        cases = results["case_sizes"][task]
        for method in transfer.METHODS:
            want = cases if method in ("random base", "block 2 features") else sizes
            if task == "vehicles" and method == "scratch":
                want = [n for n in sizes if n != 2000]  # from the data report
            assert transfer.summarize(runs, method)[0].tolist() == sorted(want), (task, method)

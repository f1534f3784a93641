"""Exercise 14: the pointing game of Part 4, scored as the hidden test scores it: the peaks
that the solution's ``peak_pixels`` finds in the reference Grad-CAM heatmaps of the shipped
vehicle convnet (``block4_conv``), inside the vehicles' boxes, on 300 fresh scenes. The
network is shipped, not trained by the student, so the 20 runs are 20 fresh draws of 300
scenes (draw 0 is the hidden test's own, ``fresh_seed("ex14")``), not 20 training seeds.
Baselines on the same scenes: a point drawn at random (the mean box fraction, the chance
level), the centre of the image, and the peaks of the same network with random weights
(seeded by the draw)."""

import numpy as np

import dlcourse
from dlcourse import inside
from grader.heldout import fresh_seed

FRESH = 300
_draws = {"count": 0}


def _heatmaps(net, images, layer_name="block4_conv"):
    import keras
    import tensorflow as tf

    maps_and_logit = keras.Model(net.input, [net.get_layer(layer_name).output,
                                             net.get_layer("logit").output])
    x = tf.convert_to_tensor(images, dtype="float32")
    with tf.GradientTape() as tape:
        maps, z = maps_and_logit(x, training=False)
        score = tf.reduce_sum(tf.abs(z))
    weights = tf.reduce_mean(tape.gradient(score, maps), axis=(1, 2))
    return np.maximum(np.einsum("nhwc,nc->nhw", maps.numpy(), weights.numpy()), 0)


def _rate(peak_pixels, heatmaps, boxes):
    points = np.asarray(peak_pixels(heatmaps, 64), dtype=np.float64)
    return float(np.mean(inside.in_boxes(points, boxes)))


def metrics(ns):
    draw = _draws["count"]
    _draws["count"] += 1
    seed = fresh_seed("ex14") if draw == 0 else fresh_seed(f"ex14 draw {draw}")
    images, _, boxes = dlcourse.data.make_vehicles(FRESH, seed=seed, return_boxes=True)
    model = ns["model"]
    valid = _rate(ns["peak_pixels"], _heatmaps(model, ns["valid_images"][:200]),
                  ns["valid_boxes"][:200])
    dlcourse.seed(draw)
    untrained = inside.build_vehicle_convnet()
    return {
        "validation pointing game": valid,
        "fresh pointing game": _rate(ns["peak_pixels"], _heatmaps(model, images), boxes),
        "baseline: a random point (mean box fraction)": float(inside.box_fractions(boxes).mean()),
        "baseline: the centre of the image": float(inside.centre_hits(boxes).mean()),
        "baseline: Grad-CAM of the network with random weights": _rate(
            ns["peak_pixels"], _heatmaps(untrained, images), boxes),
    }


SPEC = {
    "notebook": "solutions/ex14/ex14_inside_a_convnet.ipynb",
    "cells": ["setup", "peak_pixels"],
    "metrics": metrics,
    "thresholds": {
        "validation pointing game": ("above", 0.7),
        "fresh pointing game": ("above", 0.7),
    },
}

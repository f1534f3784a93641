"""Time one training epoch of a small convnet on 2,000 car/truck images (64x64).

Usage: ``python tools/convnet_epoch.py`` prints the seconds of the second epoch (the first
also traces the graph). ``make bench`` runs it twice, with oneDNN off and on, side by side.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import dlcourse  # noqa: E402  (quiets TensorFlow before keras is imported)


def epoch_seconds(epochs=2):
    import keras
    from keras import layers

    images, labels = dlcourse.data.make_vehicles(2000, size=64, seed=0)
    dlcourse.seed(0)
    model = keras.Sequential([
        keras.Input((64, 64, 3)),
        layers.Conv2D(16, 3, activation="relu"), layers.MaxPooling2D(),
        layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(),
        layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(),
        layers.GlobalAveragePooling2D(), layers.Dense(1, activation="sigmoid"),
    ])
    model.compile("adam", "binary_crossentropy", metrics=["binary_accuracy"])
    times = []

    class Clock(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            times.append(time.perf_counter() - self.start)

    model.fit(images, labels, epochs=epochs, batch_size=32, verbose=0, callbacks=[Clock()])
    return times[-1]


if __name__ == "__main__":
    print(f"{epoch_seconds():.3f}")

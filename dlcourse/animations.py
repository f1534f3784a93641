"""Animations that work on an offline page.

matplotlib's HTML player (``FuncAnimation.to_jshtml``) loads its button icons from a CDN
stylesheet (Font Awesome). The course's pages must work without a network, so
:func:`to_html` drops that stylesheet and draws the buttons with plain characters instead.

    from dlcourse import animations
    animations.to_html(movie)        # an IPython HTML object: the last line of a cell shows it
"""

import re

import matplotlib.pyplot as plt

# The player's buttons: Font Awesome classes -> characters every font has.
BUTTON_SYMBOLS = [
    ("fa-play fa-flip-horizontal", "\u25c0"),  # play backwards
    ("fa-play", "\u25b6"),
    ("fa-pause", "\u275a\u275a"),
    ("fa-step-backward", "\u23ee"),
    ("fa-step-forward", "\u23ed"),
    ("fa-minus", "\u2212"),
    ("fa-fast-backward", "\u23ea"),
    ("fa-fast-forward", "\u23e9"),
    ("fa-plus", "+"),
]


def offline_jshtml(movie, default_mode="loop"):
    """The HTML of matplotlib's player for ``movie``, without any network resource."""
    player = movie.to_jshtml(default_mode=default_mode)
    player = re.sub(r"<link[^>]*font-awesome[^>]*>", "", player)
    for name, symbol in BUTTON_SYMBOLS:
        player = player.replace(f'<i class="fa {name}"></i>', symbol)
    return player


def to_html(movie, fig=None, default_mode="loop"):
    """``movie`` (a ``matplotlib.animation.Animation``) as an offline HTML player.

    The figure the movie draws on (``fig``, found on the movie when not given) is closed, so
    the notebook shows the player only, not a still copy of its last frame.
    """
    from IPython.display import HTML

    player = offline_jshtml(movie, default_mode=default_mode)
    fig = fig if fig is not None else getattr(movie, "_fig", None)
    if fig is not None:
        plt.close(fig)
    return HTML(player)

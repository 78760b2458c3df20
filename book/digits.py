"""The handwritten digits of chapter 14: loads book/data/digits.csv.gz (source and licence in
book/data/README.md) in the book's layout, one column per sample."""

from pathlib import Path

import numpy as np

DIGITS_FILE = Path(__file__).parent / "data" / "digits.csv.gz"


def load_digits():
    """The 1,797 digits: pixel values scaled to [0, 1], and the digit each image shows.

    Returns
    -------
    images : ndarray of shape (64, 1797), float64
        Column i holds image i's 8 x 8 pixels row by row, each count of 0..16 divided by 16.
    labels : ndarray of shape (1797,), int
        The digit, 0 to 9, that column i shows.
    """
    table = np.loadtxt(DIGITS_FILE, delimiter=",", dtype=np.int64)
    return table[:, :64].T / 16.0, table[:, 64]

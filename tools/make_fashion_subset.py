#!/usr/bin/python3
"""Writes the class-balanced Fashion-MNIST subset that Dsl.Runtime embeds.

Takes the first N images of each class in file order (600 per class from the
training set, 100 per class from the test set), keeps them in file order, and
writes gzipped IDX files under the original names. Output is byte-reproducible:
gzip gets mtime=0 and no stored file name, so rerunning on the same input
yields identical files and a clean git diff.

Usage: make_fashion_subset.py [SOURCE_DIR] [OUTPUT_DIR]
  SOURCE_DIR defaults to /usr/share/datasets/fashion-mnist
             (Debian package dataset-fashion-mnist).
  OUTPUT_DIR defaults to src/Dsl.Runtime/Datasets/Embedded in this repository.
"""

import gzip
import io
import os
import struct
import sys

IMAGE_MAGIC = 0x00000803
LABEL_MAGIC = 0x00000801
CLASS_COUNT = 10

SPLITS = (
    # (images file, labels file, images per class)
    ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", 600),
    ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", 100),
)

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SOURCE = "/usr/share/datasets/fashion-mnist"
DEFAULT_OUTPUT = os.path.join(REPO_ROOT, "src", "Dsl.Runtime", "Datasets", "Embedded")


def fail(message):
    sys.stderr.write(f"make_fashion_subset: {message}\n")
    sys.exit(1)


def read_payload(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        fail(f"{path}: {e.strerror}; install it with 'sudo apt-get install dataset-fashion-mnist'")
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data


def read_images(path):
    data = read_payload(path)
    if len(data) < 16:
        fail(f"{path}: {len(data)} bytes is too short for an IDX image header")
    magic, count, rows, cols = struct.unpack(">IIII", data[:16])
    if magic != IMAGE_MAGIC:
        fail(f"{path}: expected IDX image magic 0x{IMAGE_MAGIC:08X}, found 0x{magic:08X}")
    size = rows * cols
    if len(data) - 16 != count * size:
        fail(f"{path}: header declares {count}x{rows}x{cols} = {count * size} bytes of pixels, "
             f"file holds {len(data) - 16}")
    return rows, cols, [data[16 + i * size:16 + (i + 1) * size] for i in range(count)]


def read_labels(path):
    data = read_payload(path)
    if len(data) < 8:
        fail(f"{path}: {len(data)} bytes is too short for an IDX label header")
    magic, count = struct.unpack(">II", data[:8])
    if magic != LABEL_MAGIC:
        fail(f"{path}: expected IDX label magic 0x{LABEL_MAGIC:08X}, found 0x{magic:08X}")
    if len(data) - 8 != count:
        fail(f"{path}: header declares {count} labels, file holds {len(data) - 8}")
    return data[8:]


def write_gzip(path, payload):
    buffer = io.BytesIO()
    # filename="" keeps the output path out of the gzip header; mtime=0 keeps the clock out.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
        gz.write(payload)
    with open(path, "wb") as f:
        f.write(buffer.getvalue())
    return len(buffer.getvalue())


def make_split(source, output, images_name, labels_name, per_class):
    rows, cols, images = read_images(os.path.join(source, images_name))
    labels = read_labels(os.path.join(source, labels_name))
    if len(images) != len(labels):
        fail(f"{images_name} holds {len(images)} images but {labels_name} holds {len(labels)} labels")

    taken = [0] * CLASS_COUNT
    keep = []
    for index, label in enumerate(labels):
        if label >= CLASS_COUNT:
            fail(f"{labels_name}: label {label} at index {index} is not below {CLASS_COUNT}")
        if taken[label] < per_class:
            taken[label] += 1
            keep.append(index)
    if any(n < per_class for n in taken):
        fail(f"{labels_name}: not enough images per class for {per_class} each: {taken}")

    count = len(keep)
    image_payload = struct.pack(">IIII", IMAGE_MAGIC, count, rows, cols) + b"".join(images[i] for i in keep)
    label_payload = struct.pack(">II", LABEL_MAGIC, count) + bytes(labels[i] for i in keep)

    image_size = write_gzip(os.path.join(output, images_name), image_payload)
    label_size = write_gzip(os.path.join(output, labels_name), label_payload)
    print(f"{images_name}: {count} images, {image_size:,} bytes")
    print(f"{labels_name}: {count} labels, {label_size:,} bytes")


def main(argv):
    if len(argv) > 3 or any(a in ("-h", "--help") for a in argv[1:]):
        print(__doc__)
        return 0 if len(argv) <= 3 else 2
    source = argv[1] if len(argv) > 1 else DEFAULT_SOURCE
    output = argv[2] if len(argv) > 2 else DEFAULT_OUTPUT
    os.makedirs(output, exist_ok=True)
    for images_name, labels_name, per_class in SPLITS:
        make_split(source, output, images_name, labels_name, per_class)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

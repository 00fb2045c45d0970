"""nisim's Python package: read the HDF5 output of the nisim simulator (docs/output.md,
docs/batches.md) as xarray Datasets, and the plotting and table tools (nisim.tools, installed as
the nisim-* commands). docs/python.md explains installing and using it.

    import nisim
    run = nisim.open_run("out/baseline.h5")      # dims year (sector, site, scheme, ...)
    batch = nisim.open_batch("out/compare.h5")   # dims scenario, replication, year (percentile)

Importing this package needs nothing outside the standard library; open_run and open_batch
need numpy, h5py, xarray and pandas (Debian: python3-numpy python3-h5py python3-xarray
python3-pandas; /usr/bin/python3 has them) and raise nisim.MissingModule, an ImportError whose
message says which is missing and how to get it.
"""
from __future__ import annotations

from nisim._deps import EXIT_MODULE, MissingModule

__version__ = "0.1.0"
__all__ = ["EXIT_MODULE", "MissingModule", "OutputError", "open_batch", "open_run"]


def open_run(path, group=None):  # noqa: ANN001, ANN201 (documented in nisim.dataset)
    """The run file `path` (`nisim run`) as an xarray.Dataset; see nisim.dataset.open_run."""
    from nisim import dataset
    return dataset.open_run(path, group)


def open_batch(path):  # noqa: ANN001, ANN201
    """The batch file `path` (`nisim batch`) as an xarray.Dataset; see nisim.dataset.open_batch."""
    from nisim import dataset
    return dataset.open_batch(path)


def __getattr__(name: str):  # noqa: ANN202
    if name == "OutputError":  # nisim.h5 imports numpy and h5py: only when asked for
        from nisim.h5 import OutputError
        return OutputError
    raise AttributeError(f"module 'nisim' has no attribute {name!r}")

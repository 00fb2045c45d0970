"""nisim output files as xarray Datasets: `open_run` (docs/output.md) and `open_batch`
(docs/batches.md, section 4), with CF-style attributes.

The files are read with h5py through nisim.h5, so the checks of the command-line tools apply (a
missing, foreign, truncated or hostile file raises nisim.h5.OutputError naming it; no dataset
declaring more than nisim.h5.MAX_DATASET_BYTES is read). Everything is read into memory: the
largest file nisim writes is a few MB per variable, and the Dataset outlives the file.

Each data variable keeps the `units` and `long_name` attributes the file gives it (the tables
of docs/output.md and docs/batches.md); the Dataset's attributes are the file's root attributes
plus `Conventions` and `history` (when and by which nisim version and commit it was written).
"""
from __future__ import annotations

from pathlib import Path

from nisim._deps import require

require("numpy", "h5py", "xarray", "pandas")
import h5py  # noqa: E402
import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402

from nisim import h5  # noqa: E402

CONVENTIONS = "CF-1.8"
# HDF5 dimension-scale bookkeeping: not attributes a reader wants.
_INTERNAL_ATTRS = {"CLASS", "NAME", "DIMENSION_LIST", "REFERENCE_LIST", "_Netcdf4Dimid",
                   "_Netcdf4Coordinates", "_nc3_strict"}


def _plain(value: object) -> object:
    """An HDF5 attribute value as str, int, float or a numpy array."""
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    if isinstance(value, np.generic):
        return value.item()
    return value


def _attrs(obj: h5py.HLObject) -> dict[str, object]:
    return {k: _plain(v) for k, v in obj.attrs.items() if k not in _INTERNAL_ATTRS}


def _is_scale(d: h5py.Dataset) -> bool:
    return _plain(d.attrs.get("CLASS", "")) == "DIMENSION_SCALE"


def _values(d: h5py.Dataset, path: str | Path) -> np.ndarray:
    """The whole dataset (size checked first by nisim.h5), text decoded to str."""
    h5.check_dataset(d, path)
    if d.dtype.kind in "SO":
        return np.asarray(d.asstr()[()], dtype=object)
    return np.asarray(d[()])


def _dim_names(d: h5py.Dataset) -> list[str]:
    """The names of the dimension scales attached to `d`, as xarray names them."""
    names = []
    for k, dim in enumerate(d.dims):
        scale = dim[0].name.rsplit("/", 1)[-1] if len(dim) else f"dim_{k}"
        names.append(scale)
    return names


def _group_dataset(g: h5py.Group, path: str | Path) -> xr.Dataset:
    """The datasets of one group (not its subgroups) as an xarray Dataset: dimension scales,
    wherever they are in the file, become coordinates."""
    data_vars, coords = {}, {}
    for name, d in g.items():
        if not isinstance(d, h5py.Dataset):
            continue
        dims = _dim_names(d)
        if _is_scale(d):
            coords[name] = xr.Variable((name,), _values(d, path), attrs=_attrs(d))
            continue
        for k, dim in enumerate(d.dims):
            if len(dim) and dims[k] not in coords:
                s = dim[0]
                coords[dims[k]] = xr.Variable((dims[k],), _values(s, path), attrs=_attrs(s))
        data_vars[name] = xr.Variable(dims, _values(d, path), attrs=_attrs(d))
    return xr.Dataset(data_vars, coords)


def _history(attrs: dict[str, object], what: str) -> str:
    return (f"{attrs.get('created_utc', '?')}: written by nisim {attrs.get('nisim_version', '?')}"
            f" (commit {attrs.get('git_commit', '?')}): {what}")


def open_run(path: str | Path, group: str | None = None) -> xr.Dataset:
    """A run file of `nisim run` as an xarray Dataset.

    Dimensions year (calendar years) and, for the variables that have them, sector, site and
    scheme; a scalar coordinate `scenario` (the scenario name). `group` reads one of the file's
    groups instead of the root ("kpi", "startups", "funds"; docs/output.md); its coordinates
    are its own dimension scales. Raises nisim.h5.OutputError naming the file if it is missing
    or not a run file."""
    with h5.open_run(path) as f:
        root = _attrs(f)
        where: h5py.Group = f
        if group is not None:
            g = f.get(group)
            if not isinstance(g, h5py.Group):
                groups = [k for k, v in f.items() if isinstance(v, h5py.Group)]
                raise h5.OutputError(f"{path}: no group {group!r}; the run file has: "
                                     f"{', '.join(groups) or 'no groups'}")
            where = g
        ds = _group_dataset(where, path)
        if group is not None:
            ds.attrs.update(_attrs(where))
    name = str(root.get("scenario_name", Path(path).stem))
    ds = ds.assign_coords(scenario=xr.Variable((), name, attrs={"long_name": "scenario name"}))
    ds.attrs = {**root, **ds.attrs, "Conventions": CONVENTIONS,
                "history": _history(root, f"nisim run of scenario {name}"),
                "source": str(root.get("title", "nisim run"))}
    return ds


# Per-scenario group attributes kept as data variables along `scenario`.
_SCENARIO_NUMBERS = {"p_share_5pct_by_2032": ("1", "fraction of replications whose "
                                              "manufacturing share in 2032 is at least 5%")}


def _stack(parts: list[xr.Variable | None], dims: tuple[str, ...],
           shape: tuple[int, ...]) -> np.ndarray:
    """Per-scenario arrays of one variable as one array [scenario, ...]; NaN where a scenario
    lacks the variable (the base has no vs_base; a scenario may record other series)."""
    out = np.full((len(parts), *shape), np.nan)
    for k, p in enumerate(parts):
        if p is not None:
            out[k] = p.transpose(*dims).values
    return out


def open_batch(path: str | Path) -> xr.Dataset:
    """A batch file of `nisim batch` as an xarray Dataset.

    Dimensions scenario (batch order), replication (0 ... R-1) and year, and percentile for the
    stored percentiles. Each per-run series (mfg_share, gdp, ...) is [scenario, replication,
    year]; `<v>_mean` is [scenario, year] and `<v>_percentiles` [scenario, percentile, year];
    the paired differences against the base (group vs_base: mfg_share_diff_mean, _se,
    _se_unpaired, _ci_low, _ci_high; `ci_multiplier`) are [scenario, year], NaN for the base
    scenario; `p_share_5pct_by_2032` is [scenario]. Coordinates `scenario_path` and
    `scenario_text` hold each scenario's file and text. A batch with parameter draws adds the
    coordinate `draw` (the parameter draw of each replication), `parameter_draws` [replication,
    fit_parameter], `parameter_drawn`, `fit_estimate` and `fit_se` [fit_parameter], and the
    variance split of the 2032 share `share_2032_variance` and of the paired effect
    `diff_2032_variance` [scenario, variance_source]. Raises nisim.h5.OutputError naming the
    file if it is missing or not a batch file (a run file: use open_run).

    A sweep (docs/batches.md section 6) is stored as arrays along `point` in its `sweep` group
    and read as such, with dimension `point` instead of `scenario`: every per-run series is
    [point, replication, year], `<v>_mean` [point, year], `<v>_percentiles` [point, percentile,
    year], `p_share_5pct_by_2032` [point]; every swept parameter's value is a coordinate along
    `point` named by its key (`ds["schemes.nifs.cap"]`), `design` is [point, parameter],
    `sweep_output_mean` [point], and the sensitivity indices (`sweep_morris_mu_star`,
    `sweep_sobol_total`, ...) are [parameter]. The sweep group's attributes (design, output,
    year, scenario_path, scenario_text) are the Dataset's attributes `sweep_<name>`.

    A cross (docs/batches.md section 11: every scenario at every design point) is read from its
    `cross` group with dimensions scenario, point, replication, year (and indicator, parameter):
    every per-run series is [scenario, point, replication, year], the paired differences against
    the base `diff_<v>_mean`, `_low`, `_high` are [scenario, point, year], `effect`,
    `effect_low` and `effect_high` [scenario, point]; every key of the design is a coordinate
    along `point` named by the key, `design` is [point, parameter]. The cross group's attributes
    (design, output, year, base, ci_multiplier) are the Dataset's attributes `cross_<name>`."""
    with h5.open_batch(path) as f:
        if isinstance(f.get("cross"), h5py.Group) and not h5.scenario_names(f):
            return _open_cross(f, path)
        if isinstance(f.get("sweep"), h5py.Group) and not h5.scenario_names(f):
            return _open_sweep(f, path)
        root = _attrs(f)
        names = h5.scenario_names(f)
        groups = {n: _group_dataset(f[n], path) for n in names}
        vs = {n: _group_dataset(f[n]["vs_base"], path)
              if isinstance(f[n].get("vs_base"), h5py.Group) else None for n in names}
        vs_attrs = {n: _attrs(f[n]["vs_base"]) if vs[n] is not None else {} for n in names}
        group_attrs = {n: _attrs(f[n]) for n in names}
        root_ds = _group_dataset(f, path)
        coords = {k: v.variable for k, v in root_ds.coords.items()}
    for g in groups.values():  # the groups' own scales (replication, year, percentile)
        for k, v in g.coords.items():
            coords.setdefault(k, v.variable)
    sizes = {k: v.shape[0] for k, v in coords.items()}
    data_vars: dict[str, xr.Variable] = {}
    for source in (groups, vs):
        seen: dict[str, xr.Variable] = {}
        for n in names:
            if source[n] is not None:
                for k, v in source[n].data_vars.items():
                    seen.setdefault(k, v.variable)
        for k, first in seen.items():
            dims = first.dims
            shape = tuple(first.shape)
            parts = [source[n][k].variable if source[n] is not None and k in source[n] else None
                     for n in names]
            for p in parts:
                if p is not None and any(p.sizes[d] != sizes.get(d, p.sizes[d]) for d in dims):
                    raise h5.OutputError(f"{path}: {k} has sizes {dict(p.sizes)}, unlike the "
                                         f"batch's coordinates {sizes}")
                if p is not None and p.shape != shape:
                    raise h5.OutputError(f"{path}: {k} has shape {p.shape} in one scenario and "
                                         f"{shape} in another")
            data_vars[k] = xr.Variable(("scenario", *dims), _stack(parts, dims, shape),
                                       attrs=dict(first.attrs))
    data_vars["ci_multiplier"] = xr.Variable(
        ("scenario",), np.array([float(vs_attrs[n].get("ci_multiplier", np.nan)) for n in names]),
        attrs={"units": "1", "long_name": "Student t quantile of the paired 95% interval"})
    for k, (units, long_name) in _SCENARIO_NUMBERS.items():
        data_vars[k] = xr.Variable(
            ("scenario",), np.array([float(group_attrs[n].get(k, np.nan)) for n in names]),
            attrs={"units": units, "long_name": long_name})
    coords["scenario"] = xr.Variable(("scenario",), np.array(names, dtype=object),
                                     attrs={"long_name": "scenario name (batch order)",
                                            "base": str(root.get("base", ""))})
    for k in ("scenario_path", "scenario_text"):
        coords[k] = xr.Variable(("scenario",), np.array(
            [str(group_attrs[n].get(k, "")) for n in names], dtype=object))
    # Parameter uncertainty (docs/batches.md, section 9): the draw of each replication as a
    # coordinate along replication, the drawn vectors [replication, fit_parameter] and the fit's
    # estimate and s.e. [fit_parameter] as variables.
    if "draw" in root_ds:
        coords["draw"] = root_ds["draw"].variable
    for k in ("parameter_draws", "parameter_drawn", "fit_estimate", "fit_se"):
        if k in root_ds:
            data_vars[k] = root_ds[k].variable
    if "replication" in coords:
        coords["replication"].attrs.setdefault(
            "long_name", "replication (common random numbers across scenarios)")
    ds = xr.Dataset(data_vars, coords)
    ds.attrs = {**root, "Conventions": CONVENTIONS,
                "history": _history(root, str(root.get("title", "nisim batch"))),
                "source": str(root.get("title", "nisim batch"))}
    return ds


def _design_coords(ds: xr.Dataset, g: h5py.Group, path: str | Path, what: str) -> xr.Dataset:
    """`ds` with the design's keys (the labels of scale `parameter`) as coordinates along
    `point`, or OutputError naming the file if the group lacks one or it is not along `point`."""
    columns = [str(k) for k in h5.labels(g, path, "parameter")]
    keys = list(dict.fromkeys(columns))  # a key given twice is one coordinate
    points = h5.read(g, path, "point", ndim=1)
    design = h5.read(g, path, "design", ndim=2, length=len(points))
    if design.shape[1] != len(columns):
        raise h5.OutputError(f"{path}: {what}/design has {design.shape[1]} columns for "
                             f"{len(columns)} parameters")
    missing = [k for k in keys if k not in ds]
    if missing:
        raise h5.OutputError(f"{path}: {what} has no coordinate for the key(s) "
                             f"{', '.join(missing)}")
    ds = ds.set_coords([k for k in keys if k not in ds.coords])
    for k in keys:
        if ds[k].dims != ("point",):
            raise h5.OutputError(f"{path}: {what}/{k} has dims {ds[k].dims}, expected (point,)")
    return ds


def _with_batch_attrs(ds: xr.Dataset, f: h5py.File, g: h5py.Group, path: str | Path,
                      prefix: str) -> xr.Dataset:
    """A sweep's or cross's Dataset completed as a batch: each replication's derived seed, the
    root attributes with CF's Conventions/history/source, and the group's own attributes as
    `PREFIX_<name>`."""
    root = _attrs(f)
    if "replication_seed" in f:
        ds["replication_seed"] = xr.Variable(("replication",),
                                             h5.read(f, path, "replication_seed", ndim=1),
                                             attrs=_attrs(f["replication_seed"]))
    ds.attrs = {**root, "Conventions": CONVENTIONS,
                "history": _history(root, str(root.get("title", "nisim batch"))),
                "source": str(root.get("title", "nisim batch"))}
    for k, v in _attrs(g).items():
        ds.attrs[prefix + "_" + k] = v
    return ds


def _open_cross(f: h5py.File, path: str | Path) -> xr.Dataset:
    """A cross's batch file: the arrays of its `cross` group [scenario, point, ...]."""
    root = _attrs(f)
    g = f["cross"]
    ds = _design_coords(_group_dataset(g, path), g, path, "cross")
    for k in ("scenario", "point", "replication", "year"):
        if k not in ds.coords:
            raise h5.OutputError(f"{path}: the cross group has no {k!r} scale")
    ds["scenario"].attrs["base"] = str(_attrs(g).get("base", root.get("base", "")))
    return _with_batch_attrs(ds, f, g, path, "cross")


def _open_sweep(f: h5py.File, path: str | Path) -> xr.Dataset:
    """A sweep's batch file: the arrays of its `sweep` group along `point`."""
    g = f["sweep"]
    ds = _group_dataset(g, path)
    renames = {k: f"sweep_{k}" for k, v in ds.data_vars.items()
               if k == "output_mean" or (v.dims == ("parameter",) and k != "design")}
    ds = _design_coords(ds.rename(renames), g, path, "sweep")
    ds["point"].attrs.setdefault("long_name", "design point of the sweep")
    ds["replication"].attrs.setdefault("long_name",
                                       "replication (common random numbers across points)")
    return _with_batch_attrs(ds, f, g, path, "sweep")

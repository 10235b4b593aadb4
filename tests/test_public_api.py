"""The public surface: ``__all__`` lists exactly the public names, and each one resolves."""

import importlib
import types

import pytest

import carm

PUBLIC_MODULES = [
    "carm",
    "carm.auth",
    "carm.calendar",
    "carm.client",
    "carm.declarations",
    "carm.errors",
    "carm.fx",
    "carm.fx.bank_of_canada",
    "carm.fx.fixed",
    "carm.identifiers",
    "carm.ledger",
    "carm.identifiers.bn",
    "carm.identifiers.transaction_number",
    "carm.money",
    "carm.rulings",
    "carm.sandbox",
    "carm.serialization",
    "carm.tariff",
    "carm.tariff.rates",
    "carm.tariff.schedule",
    "carm.tariff.treatments",
    "carm.tariff.options",
    "carm.tariff.editions",
    "carm.tariff.classify",
    "carm.tariff.evaluate",
]


# Loaded by the console script, not part of the library's surface; and the optional extras'
# packages, which `import carm` does not load (they are imported by name).
NOT_PUBLIC = {"cli", "client", "sandbox"}


def _public_names(module: types.ModuleType) -> set[str]:
    names = set()
    for name, value in vars(module).items():
        if (name.startswith("_") and name != "__version__") or name in NOT_PUBLIC:
            continue
        if isinstance(value, types.ModuleType) and not value.__name__.startswith(
            module.__name__ + "."
        ):
            continue  # an imported third-party or stdlib module, not part of the surface
        defined_here = getattr(value, "__module__", module.__name__)
        if (
            module.__name__ != "carm"
            and not isinstance(value, types.ModuleType)
            and not str(defined_here).startswith("carm")
        ):
            continue  # imported helper such as `date` or `Decimal`
        names.add(name)
    return names


def test_top_level_all_is_exactly_the_public_names() -> None:
    assert set(carm.__all__) == _public_names(carm)


def test_all_has_no_duplicates() -> None:
    assert len(carm.__all__) == len(set(carm.__all__))


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_every_exported_name_resolves(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert module.__all__, module_name
    for name in module.__all__:
        assert hasattr(module, name), f"{module_name}.{name}"


@pytest.mark.parametrize("module_name", PUBLIC_MODULES[1:])
def test_submodule_all_lists_what_it_defines(module_name: str) -> None:
    module = importlib.import_module(module_name)
    defined = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and getattr(value, "__module__", None) == module_name
        and not isinstance(value, types.ModuleType)
    }
    assert defined <= set(module.__all__), defined - set(module.__all__)


def test_version_is_a_string() -> None:
    assert isinstance(carm.__version__, str)
    assert carm.__version__.count(".") >= 2

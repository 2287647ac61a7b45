"""Classic tipping-point models, set up as in the papers, to validate the engine.

Each model is a :class:`mesa.Model` built from keyword arguments plus a ``seed``, like
:class:`simulator.model.EducationModel`, with a vectorised numpy / scipy.sparse core.
The threshold models update through the education model's own kernel,
:func:`simulator.processes.engagement.threshold_rule`.

=============================================  =====================================
model                                          paper and figure reproduced
=============================================  =====================================
:class:`ThresholdContagion`                    Granovetter (1978) riots; Watts (2002)
                                               Fig. 1a global cascades
:mod:`~simulator.classic.watts`                Watts (2002) analytic cascade window
                                               (cascade condition on vulnerable clusters)
:class:`ComplexContagion`                      Centola & Macy (2007) ring and 2-D;
                                               Eckles et al. (2024) noisy contagion
:class:`ConventionGame`                        Centola et al. (2018) critical mass
:class:`NamingGame`                            Xie et al. (2011) consensus times
:class:`HarvestedLogistic`                     May (1977) fold; Scheffer et al. (2009)
                                               and Dakos et al. (2012) early warnings
=============================================  =====================================

Every model also runs on a user's own network (``graph=``: a networkx graph with any
node labels, or a sparse matrix; directed graphs pass influence along their edges, as in
NDlib; weights on request; self-loops refused): see :mod:`~simulator.classic.network_input`.

Analytic tools, each with a doctest reproducing the paper's number:
:func:`~simulator.classic.watts.cascade_window` and
:func:`~simulator.classic.watts.cascade_condition` (Watts' generating functions, any
degree and threshold distribution), :func:`~simulator.classic.granovetter.critical_sd`
and :func:`~simulator.classic.granovetter.equilibrium` (Granovetter's equilibrium and
jump), :func:`~simulator.classic.naming_game.mean_field_critical_fraction` (Xie et al.)
and :func:`~simulator.classic.convention.tipping_fraction` (Centola et al.).

:mod:`simulator.validation` reruns each paper's setup and compares the numbers with the
published ones; ``clsim validate-classics`` runs them all.
"""

from . import granovetter, graphs, watts
from ._base import ClassicModel, spawn_seeds
from .complex_contagion import ComplexContagion
from .convention import ConventionGame, convention_outcomes, tipping_fraction
from .fold import FOLD_HARVEST, HarvestedLogistic, simulate_fold
from .naming_game import NamingGame, consensus_times, mean_field_critical_fraction
from .network_input import InfluenceNetwork, as_influence_network
from .threshold import ThresholdContagion, granovetter_riot_size
from .watts import cascade_condition, cascade_probability, cascade_sizes, cascade_window

__all__ = [
    "FOLD_HARVEST",
    "ClassicModel",
    "ComplexContagion",
    "ConventionGame",
    "HarvestedLogistic",
    "InfluenceNetwork",
    "NamingGame",
    "ThresholdContagion",
    "as_influence_network",
    "cascade_condition",
    "cascade_probability",
    "cascade_sizes",
    "cascade_window",
    "consensus_times",
    "convention_outcomes",
    "granovetter",
    "granovetter_riot_size",
    "graphs",
    "mean_field_critical_fraction",
    "simulate_fold",
    "spawn_seeds",
    "tipping_fraction",
    "watts",
]

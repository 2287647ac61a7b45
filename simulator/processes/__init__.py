"""The monthly processes of the vectorised core, one module each.

Every process is a function of (state, aggregates or network, parameters, levers, rng)
that names in its docstring the arrays it reads and writes. The model calls them in
this order each month (see ``docs/ODD.md``, "Process overview and scheduling"):

1. :func:`careers.advance_careers` -- arrivals, end of fellowship, attrition
2. :func:`ties.layer_gates` / :func:`ties.layer_exclusions` -- which ties count
3. :func:`aggregate.neighbour_aggregates` -- one sparse product over the network
4. :func:`influence.update_beliefs` -- purpose, trust, agency
5. :func:`development.apply_development` -- coaching (develop strategy)
6. :func:`engagement.update_engagement` -- complex contagion of engagement
7. :func:`practice.update_practice` -- practice change and peer learning
8. :func:`learning.update_learning` -- learning follows practice with a lag
9. :func:`inertia.apply_inertia` -- pull back toward the old paradigm
10. :func:`support.update_support` -- engaged officials build institutional support
"""

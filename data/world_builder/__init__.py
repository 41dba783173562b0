"""Build the world dataset (``tokensite/cases/world/``, ``build_world.OUT``) from the reference figures in ``data/reference/``.

Every value the builder writes is either copied from a reference row (``published``), computed
only from published figures (``derived``), or rests on at least one team estimate (``estimate``).
Besides the CSV files it writes ``provenance.csv`` (one row per file x column x basis x source
with a cell count) so the share of values that trace to a published source can be counted.

The pipeline, one way:

``loader``
    reads each reference file once into a frozen :class:`~world_builder.loader.Reference`; its
    lookups return :class:`~world_builder.sourced.Sourced` figures (value, basis, source).
``sites``, ``metros``
    the candidate sites (``world_sites.csv``, ``campus_sites.csv`` + announcements, one generated
    edge site per metro) with Sourced coordinates, MW and years; exceptions are named columns of
    those CSVs and of ``queue_rules.csv``, not branches on ids.
``regions``, ``power``, ``queue``, ``compute``, ``demand``, ``latency``, ``policy``
    one ``build_<table>()`` per output file, each returning a :class:`~world_builder.sourced.Table`.
``pipeline``
    :func:`~world_builder.pipeline.build_world` is the ordered list of builds;
    :func:`~world_builder.pipeline.write_world` writes the frames and ``provenance.csv``.

How provenance travels: a build puts a Sourced object in every counted numeric cell of its rows;
:func:`~world_builder.sourced.table` splits those rows once into the file's plain frame (what the
CSV holds and what later builds read) and one (column, basis, source) per Sourced cell.
``provenance.csv`` is the count of those triples over all tables, so a value and its provenance
cannot drift apart and there is no global to fill. Cells that are not counted (ids, names, flags,
empty optional columns, the ``source`` column itself) stay plain.
"""
